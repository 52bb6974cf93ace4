import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackupKey } from '../../src/backup/writer';
import { openBackup } from '../../src/backup/reader';
import type { ChatExport } from '../../src/export/types';
import { CiphertextBlob, FOLD_BYTES } from '../../src/import/ciphertext-blob';
import { MEDIA_IN_MEMORY } from '../../src/import/feed';
import { BACKUP_FILE_NAME } from '../../src/import/file-name';
import { buildZip } from '../export/zip-builder';
import { loadBackupKey } from '../../src/import/backup-key';
import { encryptImport, mediaExtension, openImport, parseImport } from '../../src/import/pipeline';
import { openChatSealDb } from '../../src/store/db';
import { clearKeys, SEED, storeTestKey } from './helpers';

const FIXTURES = 'test/fixtures/whatsapp';
const read = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}/${name}`));

let key: BackupKey;
beforeAll(async () => {
  const record = await storeTestKey('classic');
  key = await loadBackupKey(async () => ({ recipient: record.recipient, keyId: record.keyId }));
});
afterAll(clearKeys);

/** Opens a backup with the reader: every entry name in tar order, and the released bytes. */
async function decrypt(blob: Blob): Promise<{ names: string[]; entries: Map<string, Uint8Array> }> {
  const entries = new Map<string, Uint8Array>();
  const verified = await openBackup(() => blob.stream() as ReadableStream<Uint8Array>, [{ seed: SEED, type: 'classic' }], async (entry) => {
    entries.set(entry.name, entry.bytes);
  });
  return { names: verified.entries.map((e) => e.name), entries };
}

async function gunzipJson(bytes: Uint8Array): Promise<unknown> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}

describe('import pipeline', () => {
  it('opens a .txt, lists who wrote, and parses with the chosen "me"', async () => {
    const { file, participants } = await openImport(read('sample-android.txt'), 'WhatsApp Chat with Jonas Weber.txt');
    expect(participants.map((p) => p.name)).toEqual(['Maya', 'Jonas Weber']);
    expect(participants.every((p) => p.messages > 0)).toBe(true);
    const doc = parseImport(file, 'Maya');
    expect(doc.conversation.participants).toContainEqual({ name: 'Maya', isMe: true });
    expect(doc.messages.filter((m) => m.sender?.name === 'Maya').every((m) => m.direction === 'out')).toBe(true);
    const nobody = parseImport(file, null);
    expect(nobody.capture.warnings.map((w) => w.code)).toContain('me-unknown');
  });

  it('encrypts a .txt into a backup that opens to the same chatseal/1 document', async () => {
    const { file } = await openImport(read('sample-android.txt'), 'WhatsApp Chat with Jonas Weber.txt');
    const doc = parseImport(file, 'Maya');
    const progress: number[] = [];
    const backup = await encryptImport({ file, doc, appVersion: '0.1.0', onProgress: (p) => progress.push(p), loadKey: async () => key });
    expect(backup.fileName).toMatch(BACKUP_FILE_NAME);
    expect(backup.fileName).not.toContain('Jonas');
    expect(backup.size).toBe(backup.blob.size);
    expect(backup.keyId).toBe(key.keyId);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const { names, entries } = await decrypt(backup.blob);
    expect(names).toEqual(['chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
    expect(await gunzipJson(entries.get('chat.json.gz')!)).toEqual(doc);
  });

  it('puts a zip’s media in first and marks the attachments captured', async () => {
    const { file, participants } = await openImport(read('ios-media.zip'), 'WhatsApp Chat - Priya Raman.zip');
    expect(file.media.map((m) => m.name).sort()).toEqual(['00000003-PHOTO-2026-11-20-09-14-30.jpg', '00000004-AUDIO-2026-11-20-09-15-11.opus']);
    expect(participants.map((p) => p.name)).toEqual(['Priya Raman', 'Felix Braun']);
    const doc = parseImport(file, 'Felix Braun');
    const backup = await encryptImport({ file, doc, appVersion: '0.1.0', loadKey: async () => key });
    const { names, entries } = await decrypt(backup.blob);
    expect(names.slice(0, 2).every((n) => /^media\/[0-9a-f]{64}\.(jpg|opus)$/.test(n))).toBe(true);
    expect(names.slice(2)).toEqual(['chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);

    const chat = (await gunzipJson(entries.get('chat.json.gz')!)) as ChatExport;
    const attachments = chat.messages.flatMap((m) => m.attachments ?? []);
    const captured = attachments.filter((a) => a.status === 'captured');
    expect(captured).toHaveLength(2);
    for (const a of captured) {
      expect(entries.has(a.path!)).toBe(true);
      expect(entries.get(a.path!)!.length).toBe(a.size);
    }
    // The third photo was named but not exported: said so, not dropped.
    expect(attachments.find((a) => a.name === '00000005-PHOTO-2026-11-20-09-21-03.jpg')?.status).toBe('not-loaded');
    expect(chat.capture.warnings.map((w) => w.code)).toContain('media-missing');
  });

  it('keeps the chat out of IndexedDB: only the key record is there afterwards (the outbox is empty)', async () => {
    const { file } = await openImport(read('sample-android.txt'), 'WhatsApp Chat with Jonas Weber.txt');
    await encryptImport({ file, doc: parseImport(file, 'Maya'), appVersion: '0.1.0', loadKey: async () => key });
    const db = await openChatSealDb();
    const stores = [...db.objectStoreNames];
    const keys = await db.getAll('keys');
    const keyring = await db.getAll('keyring');
    const outbox = await db.getAll('outbox');
    const outboxFiles = await db.getAll('outbox-files');
    db.close();
    expect(stores.sort()).toEqual(['keyring', 'keys', 'outbox', 'outbox-files']);
    expect(outbox).toEqual([]);
    expect(outboxFiles).toEqual([]);
    expect(keys.map((r) => r.keyId)).toEqual([key.keyId]);
    expect(keyring).toEqual([]);
    expect(JSON.stringify(keys)).not.toContain('Lisbon');
  });

  it('fails cleanly when the writer refuses, without a half file', async () => {
    const { file } = await openImport(read('sample-android.txt'), 'chat.txt');
    const bad = { ...key, keyId: 'not-a-key-id' };
    await expect(encryptImport({ file, doc: parseImport(file, null), appVersion: '0.1.0', loadKey: async () => bad })).rejects.toThrow();
  });

  it('keeps memory flat: the zip is read in slices, never whole, and at most one fold of ciphertext waits in JS arrays', async () => {
    const MiB = 1024 * 1024;
    // Both over MEDIA_IN_MEMORY: the deflated one goes to the writer as a stream factory (inflated
    // twice), the stored one as a CRC-checked slice of the File.
    const video = Uint8Array.from(randomBytes(17 * MiB));
    const voice = Uint8Array.from(randomBytes(17 * MiB));
    const photo = Uint8Array.from(randomBytes(300 * 1024)); // read whole: small
    const chat = [
      '26/11/2026, 10:00 - Ann: VID-20261126-WA0001.mp4 (file attached)',
      '26/11/2026, 10:01 - Bob: PTT-20261126-WA0002.opus (file attached)',
      '26/11/2026, 10:02 - Ann: IMG-20261126-WA0003.jpg (file attached)',
      '26/11/2026, 10:03 - Bob: nice',
    ].join('\n');
    const zip = buildZip([
      { name: 'WhatsApp Chat with Bob.txt', data: new TextEncoder().encode(chat), method: 8 },
      { name: 'VID-20261126-WA0001.mp4', data: video, method: 8 },
      { name: 'PTT-20261126-WA0002.opus', data: voice },
      { name: 'IMG-20261126-WA0003.jpg', data: photo, method: 8 },
    ]);
    const picked = new File([zip as Uint8Array<ArrayBuffer>], 'WhatsApp Chat with Bob.zip');
    const whole = vi.spyOn(picked, 'arrayBuffer');
    const wholeText = vi.spyOn(picked, 'text');
    const reads: number[] = [];
    const arrayBuffer = Blob.prototype.arrayBuffer;
    const spy = vi.spyOn(Blob.prototype, 'arrayBuffer').mockImplementation(function (this: Blob) {
      reads.push(this.size);
      return arrayBuffer.call(this);
    });

    const { file } = await openImport(picked, picked.name);
    const sink = new CiphertextBlob();
    const backup = await encryptImport({ file, doc: parseImport(file, 'Ann'), appVersion: '0.1.0', loadKey: async () => key, sink });
    spy.mockRestore();

    expect(whole).not.toHaveBeenCalled();
    expect(wholeText).not.toHaveBeenCalled();
    // Only the tail, the directory and local headers were read into memory through arrayBuffer().
    expect(Math.max(...reads)).toBeLessThan(70_000);
    expect(reads).not.toContain(picked.size);

    // The backup is ~34 MiB; no more than one 8 MiB fold (plus one 64 KiB chunk) was ever in arrays.
    expect(backup.size).toBeGreaterThan(34 * MiB);
    expect(sink.peakPendingBytes).toBeLessThanOrEqual(FOLD_BYTES + 65536 + 16);
    expect(sink.folds).toBeGreaterThanOrEqual(4);
    expect(MEDIA_IN_MEMORY).toBe(16 * MiB);

    const { entries } = await decrypt(backup.blob);
    const doc = (await gunzipJson(entries.get('chat.json.gz')!)) as ChatExport;
    const attachments = doc.messages.flatMap((m) => m.attachments ?? []);
    expect(attachments.map((a) => a.status)).toEqual(['captured', 'captured', 'captured']);
    for (const [name, bytes] of [['VID-20261126-WA0001.mp4', video], ['PTT-20261126-WA0002.opus', voice], ['IMG-20261126-WA0003.jpg', photo]] as const) {
      const a = attachments.find((x) => x.name === name)!;
      expect(Buffer.from(entries.get(a.path!)!).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('fails as bad-zip, with no backup, when a media entry is damaged: small, large stored, large deflated', async () => {
    const big = Uint8Array.from(randomBytes(17 * 1024 * 1024));
    const chat = new TextEncoder().encode('[26/11/2026, 10:00:00] Ann: <attached: 00000001-PHOTO-2026-11-26-10-00-00.jpg>\n');
    for (const [data, method] of [[big.subarray(0, 1000), 8], [big, 0], [big, 8]] as const) {
      const zip = buildZip([
        { name: '_chat.txt', data: chat },
        { name: '00000001-PHOTO-2026-11-26-10-00-00.jpg', data, method, crc: 1234 },
      ]);
      const { file } = await openImport(new File([zip as Uint8Array<ArrayBuffer>], 'chat.zip'), 'chat.zip');
      await expect(
        encryptImport({ file, doc: parseImport(file, 'Ann'), appVersion: '0.1.0', loadKey: async () => key }),
        `${data.length} bytes, method ${method}`,
      ).rejects.toMatchObject({ name: 'WhatsAppImportError', kind: 'bad-zip' });
    }
  });

  it('uses "bin" for media names the backup format cannot carry as an extension', () => {
    expect(mediaExtension('IMG-1.JPG')).toBe('jpg');
    expect(mediaExtension('notes')).toBe('bin');
    expect(mediaExtension('archive.tar.verylongext')).toBe('bin');
  });
});
