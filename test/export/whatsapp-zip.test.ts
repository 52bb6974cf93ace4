import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { ChatExport } from '../../src/export/types';
import { validateExport } from '../../src/export/validate';
import { parseWhatsAppExport, WhatsAppImportError } from '../../src/export/whatsapp-txt';
import { attachMedia, MAX_CHAT_FILE_SIZE, readWhatsAppZip, referencedMediaNames, type StoredMedia } from '../../src/export/whatsapp-zip';
import { crc32 } from '../../src/export/zip';
import { buildZip } from './zip-builder';

const FIXTURES = fileURLToPath(new URL('../fixtures/whatsapp/', import.meta.url));
const CHAT = '26/11/2026, 10:00 - Ann: IMG-1.jpg (file attached)\n26/11/2026, 10:01 - Bob: hi\n';
const zip = (files: Zippable) => zipSync(files, { mtime: new Date('2026-11-26T10:00:00Z') });

async function kindOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof WhatsAppImportError) return e.kind;
    throw e;
  }
  return undefined;
}

describe('readWhatsAppZip', () => {
  it('reads the committed iOS fixture: _chat.txt plus two media files, byte for byte', async () => {
    const z = await readWhatsAppZip(new Uint8Array(readFileSync(FIXTURES + 'ios-media.zip')));
    expect(z.chatFileName).toBe('_chat.txt');
    expect(z.text).toBe(readFileSync(FIXTURES + 'ios-media/_chat.txt', 'utf8'));
    expect(z.lossy).toBe(false);
    expect(z.media).toHaveLength(2);
    for (const m of z.media) {
      const onDisk = new Uint8Array(readFileSync(FIXTURES + 'ios-media/' + m.name));
      expect(m.size).toBe(onDisk.length);
      expect(await m.read()).toEqual(onDisk);
      expect(new Uint8Array(await new Response(m.open()).arrayBuffer())).toEqual(onDisk);
    }
  });

  it('finds an Android chat file by its WhatsApp name, skipping folders and macOS resource forks', async () => {
    const z = await readWhatsAppZip(
      zip({
        'WhatsApp Chat with Ann.txt': strToU8(CHAT),
        'IMG-1.jpg': new Uint8Array([1, 2, 3]),
        'notes.txt': strToU8('a text file someone sent'),
        __MACOSX: { '._IMG-1.jpg': new Uint8Array([9]) },
        sub: { 'VID-2.mp4': new Uint8Array([4, 5]) },
      }),
    );
    expect(z.chatFileName).toBe('WhatsApp Chat with Ann.txt');
    expect(z.text).toBe(CHAT);
    expect(z.media.map((m) => [m.name, m.size])).toEqual([
      ['IMG-1.jpg', 3],
      ['notes.txt', 24],
      ['VID-2.mp4', 2],
    ]);
    expect(await z.media[2]!.read()).toEqual(new Uint8Array([4, 5]));
  });

  it('takes the only .txt when nothing is named like a chat', async () => {
    expect((await readWhatsAppZip(zip({ 'my chat.txt': strToU8(CHAT), 'a.jpg': new Uint8Array(1) }))).chatFileName).toBe('my chat.txt');
  });

  it('prefers _chat.txt over other text files', async () => {
    expect((await readWhatsAppZip(zip({ 'x.txt': strToU8('x'), '_chat.txt': strToU8(CHAT) }))).chatFileName).toBe('_chat.txt');
  });

  it('refuses zips without a chat file, with several, and bytes that are no zip', async () => {
    expect(await kindOf(() => readWhatsAppZip(zip({ 'a.jpg': new Uint8Array(1) })))).toBe('no-chat-file');
    expect(await kindOf(() => readWhatsAppZip(zip({ 'a.txt': strToU8('a'), 'b.txt': strToU8('b') })))).toBe('ambiguous-chat-file');
    expect(await kindOf(() => readWhatsAppZip(strToU8('PK\u0003\u0004 not really')))).toBe('bad-zip');
  });
});

describe('readWhatsAppZip, damaged media', () => {
  const image = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
  const damaged = () =>
    readWhatsAppZip(buildZip([{ name: '_chat.txt', data: strToU8(CHAT) }, { name: 'IMG-1.jpg', data: image, method: 8, crc: crc32(image) ^ 0xff }]));

  it('lists a damaged entry, then refuses it as bad-zip when it is read, whole or as a stream', async () => {
    const z = await damaged();
    expect(z.media.map((m) => m.name)).toEqual(['IMG-1.jpg']);
    expect(await kindOf(() => z.media[0]!.read())).toBe('bad-zip');
    expect(await kindOf(() => new Response(z.media[0]!.open()).arrayBuffer())).toBe('bad-zip');
  });

  it('offers stored entries as checked Blob slices, deflated ones only as streams', async () => {
    const z = await readWhatsAppZip(
      buildZip([{ name: '_chat.txt', data: strToU8(CHAT) }, { name: 'IMG-1.jpg', data: image }, { name: 'IMG-2.jpg', data: image, method: 8 }, { name: 'IMG-3.jpg', data: image, crc: 5 }]),
    );
    const [stored, deflated, wrong] = z.media;
    expect(new Uint8Array(await (await stored!.storedBlob!()).arrayBuffer())).toEqual(image);
    expect(deflated!.storedBlob).toBeUndefined();
    expect(await kindOf(() => wrong!.storedBlob!())).toBe('bad-zip');
  });

  it('refuses a chat file too large to be a chat before reading it', async () => {
    const bytes = buildZip([{ name: '_chat.txt', data: strToU8(CHAT), size: MAX_CHAT_FILE_SIZE + 1 }]);
    expect(await kindOf(() => readWhatsAppZip(bytes))).toBe('bad-zip');
  });
});

describe('attachMedia', () => {
  const doc = (): ChatExport =>
    parseWhatsAppExport(
      [
        '26/11/2026, 10:00 - Ann: IMG-1.jpg (file attached)',
        '26/11/2026, 10:01 - Ann: <Media omitted>',
        '26/11/2026, 10:02 - Ann: VID-9.mp4 (file attached)',
        '26/11/2026, 10:03 - Ann: hi',
      ].join('\n'),
      { me: 'Ann' },
    );
  const sha = 'c'.repeat(64);
  const stored = new Map<string, StoredMedia>([
    ['IMG-1.jpg', { sha256: sha, size: 3, path: `media/${sha}.jpg`, mime: 'image/jpeg' }],
    ['extra.pdf', { sha256: 'd'.repeat(64), size: 9, path: `media/${'d'.repeat(64)}.pdf` }],
  ]);

  it('fills stored attachments, leaves the rest, counts what is missing and unreferenced, and changes nothing in place', () => {
    const before = doc();
    const snapshot = structuredClone(before);
    const after = attachMedia(before, stored);
    expect(before).toEqual(snapshot);
    expect(after.messages[0]!.attachments).toEqual([
      { name: 'IMG-1.jpg', mediaType: 'image', mime: 'image/jpeg', size: 3, sha256: sha, path: `media/${sha}.jpg`, status: 'captured' },
    ]);
    expect(after.messages[1]!.attachments).toEqual([{ status: 'omitted' }]);
    expect(after.messages[2]!.attachments![0]!.status).toBe('not-loaded');
    expect(after.messages[3]).toBe(before.messages[3]);
    expect(after.capture.warnings.filter((w) => w.code.startsWith('media-'))).toEqual([
      { code: 'media-omitted', message: expect.any(String), count: 1 },
      { code: 'media-missing', message: 'One attachment names a file that the export did not include.', count: 1 },
      { code: 'media-unreferenced', message: "One media file in the export belongs to no message; kept in the backup's media folder.", count: 1 },
    ]);
    expect(validateExport(after).errors).toEqual([]);
  });

  it('can run twice without repeating its warnings', () => {
    const twice = attachMedia(attachMedia(doc(), stored), stored);
    expect(twice.capture.warnings.filter((w) => w.code === 'media-missing')).toHaveLength(1);
  });

  it('matches names in either Unicode normalisation', () => {
    const d = parseWhatsAppExport('26/11/2026, 10:00 - Ann: Cafe\u0301.jpg (file attached)\n');
    const out = attachMedia(d, new Map([['Caf\u00e9.jpg', { sha256: sha, size: 1, path: `media/${sha}.jpg` }]]));
    expect(out.messages[0]!.attachments![0]!.status).toBe('captured');
  });

  it('lists referenced names once each', () => {
    const d = parseWhatsAppExport('26/11/2026, 10:00 - Ann: a.jpg (file attached)\n26/11/2026, 10:01 - Ann: a.jpg (file attached)\n26/11/2026, 10:02 - Ann: <Media omitted>\n');
    expect(referencedMediaNames(d)).toEqual(['a.jpg']);
  });
});
