import { createHash } from 'node:crypto';
import { deleteDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Outbox } from '../../src/backup/outbox';
import { titleOf } from '../../src/backup/titles';
import { queueForDrive } from '../../src/import/queue';
import { openChatSealDb, type ChatSealDb } from '../../src/store/db';
import { readFileSync } from 'node:fs';
import { parseWhatsAppExport } from '../../src/export/whatsapp-txt';

const calls = vi.hoisted(() => [] as { type: string; payload: unknown }[]);
vi.mock('../../src/messaging/client', () => ({
  callWorker: async (type: string, payload: unknown) => {
    calls.push({ type, payload });
    return { ok: true };
  },
}));

let db: ChatSealDb | undefined;
afterEach(async () => {
  db?.close();
  await deleteDB('chatseal-queue-test');
  calls.length = 0;
  fakeBrowser.reset();
});

describe('queueForDrive', () => {
  it('adds the ciphertext with its SHA-256 and saved name, remembers the title in session memory, and wakes the worker', async () => {
    db = await openChatSealDb('chatseal-queue-test');
    const outbox = new Outbox(async () => db!);
    const bytes = new Uint8Array(5000).map((_, i) => i & 255);
    const doc = parseWhatsAppExport(readFileSync('test/fixtures/whatsapp/sample-android.txt', 'utf8'), { me: 'Maya' });
    const item = await queueForDrive({ blob: new Blob([bytes]), fileName: 'ChatSeal-2026-03-05-abcdefghij.age', size: bytes.length, keyId: '0123456789abcdef' }, doc, outbox);
    const stored = await outbox.get(item.id);
    expect(stored).toMatchObject({
      kind: 'backup',
      fileName: 'ChatSeal-2026-03-05-abcdefghij.age',
      size: 5000,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      keyId: '0123456789abcdef',
      messageCount: doc.messages.length,
      complete: doc.capture.reachedStart,
    });
    expect(new Uint8Array(await (await outbox.file(item.id))!.arrayBuffer())).toEqual(bytes);
    expect(await titleOf(item.id)).toBe(doc.conversation.title);
    expect(calls).toEqual([{ type: 'outbox.kick', payload: {} }]);
  });
});
