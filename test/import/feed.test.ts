// feedImport, the one way a parsed export goes into a backup (import page and CLI): media first,
// each once, in the zip's order, then the chat with attachments pointing at the stored entries.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { bytesSource } from '../../src/age/gate';
import { openBackup } from '../../src/backup/reader';
import { BackupWriter, type MediaRef } from '../../src/backup/writer';
import { deriveKeyId, deriveMacKey, seedToRecipient } from '../../src/crypto/keys';
import type { ChatExport } from '../../src/export/types';
import { importWhatsAppFile, openWhatsAppFile } from '../../src/export/whatsapp-import';
import type { ZipMediaEntry } from '../../src/export/whatsapp-zip';
import { feedImport, MEDIA_IN_MEMORY, mediaExtension } from '../../src/import/feed';
import { SEED } from './helpers';

async function writer() {
  const w = await BackupWriter.create(
    { recipient: await seedToRecipient(SEED, 'classic'), keyId: await deriveKeyId(SEED), macKey: await deriveMacKey(SEED) },
    { appVersion: '0.1.0', createdAt: '2026-11-26T10:00:00Z' },
  );
  return { w, file: new Response(w.ciphertext).arrayBuffer().then((b) => new Uint8Array(b)) };
}

describe('feedImport', () => {
  it('stores each media file, then the chat with its attachments filled in', async () => {
    const zip = await openWhatsAppFile(new Uint8Array(readFileSync('test/fixtures/whatsapp/ios-media.zip')), 'chat.zip');
    const doc = importWhatsAppFile(zip, { me: 'Felix Braun', locale: 'en-US' });
    const { w, file } = await writer();
    const seen: [string, MediaRef][] = [];
    await feedImport(w, zip, doc, (entry, ref) => seen.push([entry.name, ref]));
    expect(seen.map(([name]) => name)).toEqual(zip.media.map((m) => m.name));
    const released = new Map<string, Uint8Array>();
    const v = await openBackup(bytesSource(await file), [{ seed: SEED, type: 'classic' }], async (e) => void released.set(e.name, e.bytes));
    expect(v.entries.map((e) => e.name)).toEqual([...seen.map(([, ref]) => ref.path), 'chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
    for (const [name, ref] of seen) expect(Buffer.from(released.get(ref.path)!).equals(Buffer.from(await zip.media.find((m) => m.name === name)!.read()))).toBe(true);
    const chat = JSON.parse(
      await new Response(new Blob([released.get('chat.json.gz')! as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))).text(),
    ) as ChatExport;
    const paths = chat.messages.flatMap((m) => m.attachments ?? []).filter((a) => a.status === 'captured').map((a) => a.path);
    expect(paths.sort()).toEqual(seen.map(([, ref]) => ref.path).sort());
  });

  it('finishes a chat without media as it is, and rejects when the writer fails', async () => {
    const { w, file } = await writer();
    const doc = importWhatsAppFile(await openWhatsAppFile(new TextEncoder().encode('26/11/2026, 10:15 - Alice: hi\n'), 'chat.txt'), { locale: 'en-GB' });
    await feedImport(w, { media: [] }, doc);
    const v = await openBackup(bytesSource(await file), [{ seed: SEED, type: 'classic' }], async () => undefined);
    expect(v.manifest.messages.count).toBe(1);

    const broken = await writer();
    const unreadable: ZipMediaEntry = {
      name: 'IMG-1.jpg',
      size: 3,
      read: () => Promise.reject(new Error('bad zip entry')),
      open: () => new ReadableStream({ pull: (c) => c.error(new Error('bad zip entry')) }),
    };
    await expect(feedImport(broken.w, { media: [unreadable] }, doc)).rejects.toThrow('bad zip entry');
    await broken.w.abort(new Error('stopped'));
    await expect(broken.file).rejects.toThrow('stopped');
  });

  it('hands the writer small media as bytes, large stored ones as a Blob slice, large deflated ones as a stream factory', async () => {
    const { w, file } = await writer();
    const inputs: unknown[] = [];
    const addMedia = w.addMedia.bind(w);
    vi.spyOn(w, 'addMedia').mockImplementation((data, ext) => {
      inputs.push(data);
      return addMedia(data, ext);
    });
    const bytes = new Uint8Array([1, 2, 3]);
    const stream = () => new Blob([bytes]).stream() as ReadableStream<Uint8Array>;
    const big = MEDIA_IN_MEMORY + 1; // as the zip records it; the readers below give 3 bytes
    const media: ZipMediaEntry[] = [
      { name: 'small.jpg', size: 3, read: async () => bytes, open: stream },
      { name: 'stored.mp4', size: big, read: () => Promise.reject(new Error('not read whole')), open: stream, storedBlob: async () => new Blob([bytes]) },
      { name: 'deflated.mp4', size: big, read: () => Promise.reject(new Error('not read whole')), open: stream },
    ];
    const doc = importWhatsAppFile(await openWhatsAppFile(new TextEncoder().encode('26/11/2026, 10:15 - Alice: hi\n'), 'chat.txt'), { locale: 'en-GB' });
    await feedImport(w, { media }, doc);
    await file;
    expect(inputs[0]).toBeInstanceOf(Uint8Array);
    expect(inputs[1]).toBeInstanceOf(Blob);
    expect(typeof inputs[2]).toBe('function');
  });

  it('uses "bin" for names the format cannot carry as an extension', () => {
    expect(mediaExtension('IMG-1.JPG')).toBe('jpg');
    expect(mediaExtension('voice.opus')).toBe('opus');
    expect(mediaExtension('notes')).toBe('bin');
    expect(mediaExtension('archive.tar.verylongext')).toBe('bin');
  });
});
