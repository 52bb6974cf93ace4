// The lower bound the truncated message gives: never more than the real file, always more than
// what is there, and exact when a single byte is missing.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectBackup } from '../../src/backup/reader';
import { BackupWriter } from '../../src/backup/writer';
import { bytesSource } from '../../src/age/gate';
import { deriveKeyId, deriveMacKey, seedToRecipient } from '../../src/crypto/keys';
import { parseWhatsAppExport } from '../../src/export/whatsapp-txt';
import { smallestWholeSize, wholeSizeAtLeast } from '../../src/cli/truncation';

const seed = Uint8Array.from(createHash('sha256').update('chatseal truncation test').digest());
let dir: string;

async function backup(mediaBytes: number): Promise<Uint8Array> {
  const writer = await BackupWriter.create(
    { recipient: await seedToRecipient(seed, 'classic'), keyId: await deriveKeyId(seed), macKey: await deriveMacKey(seed) },
    { appVersion: 'test' },
  );
  const out = new Response(writer.ciphertext).arrayBuffer();
  if (mediaBytes > 0) await writer.addMedia(Uint8Array.from(randomBytes(mediaBytes)), 'bin');
  await writer.finish(parseWhatsAppExport('26/11/2026, 10:00 - Ann: hi\n', { locale: 'en-GB' }));
  return new Uint8Array(await out);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatseal-trunc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('smallestWholeSize', () => {
  it('bounds the real size from below for cuts anywhere in the payload', async () => {
    for (const mediaBytes of [0, 70_000, 400_000]) {
      const file = await backup(mediaBytes);
      const { headerSize } = await inspectBackup(bytesSource(file));
      expect(smallestWholeSize(headerSize, file.length - 1)).toBe(file.length);
      for (const cut of [headerSize + 1, headerSize + 16, headerSize + 16 + 65552, Math.floor(file.length / 2), file.length - 17]) {
        if (cut >= file.length) continue;
        const bound = smallestWholeSize(headerSize, cut);
        expect(bound, `cut at ${cut} of ${file.length}`).toBeGreaterThan(cut);
        expect(bound, `cut at ${cut} of ${file.length}`).toBeLessThanOrEqual(file.length);
      }
    }
  });

  it('reads the header from the file, and gives up when the header itself is cut', async () => {
    const file = await backup(0);
    const { headerSize } = await inspectBackup(bytesSource(file));
    const cut = join(dir, 'cut.age');
    writeFileSync(cut, file.subarray(0, file.length - 1));
    expect(await wholeSizeAtLeast(cut, file.length - 1)).toBe(file.length);
    const inHeader = join(dir, 'header.age');
    writeFileSync(inHeader, file.subarray(0, headerSize - 10));
    expect(await wholeSizeAtLeast(inHeader, headerSize - 10)).toBeUndefined();
  });
});
