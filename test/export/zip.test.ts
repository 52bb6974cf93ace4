// The Blob zip reader: the directory from the tail, entries in slices, inflated as streams, and
// every entry's size and CRC-32 checked; ZIP64 read, what it cannot read refused with a ZipError.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crc32, Crc32, decodeZipName, readZipDirectory, readZipEntry, verifiedStoredBlob, ZipError, zipEntryStream, type ZipEntry } from '../../src/export/zip';
import { buildZip } from './zip-builder';

const FIXTURES = fileURLToPath(new URL('../fixtures/whatsapp/', import.meta.url));
const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const entryNamed = (entries: ZipEntry[], name: string) => entries.find((e) => e.name === name)!;

async function streamed(blob: Blob, entry: ZipEntry): Promise<Uint8Array> {
  return new Uint8Array(await new Response(zipEntryStream(blob, entry)).arrayBuffer());
}

/** toEqual walks a large array element by element (seconds for a few hundred KiB); this does not. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

async function zipFailure(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (e) {
    expect(e).toBeInstanceOf(ZipError);
    return (e as ZipError).message;
  }
  throw new Error('expected a ZipError');
}

afterEach(() => vi.restoreAllMocks());

describe('CRC-32', () => {
  it('gives the standard check value and agrees across chunk boundaries', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const data = Uint8Array.from({ length: 1000 }, (_v, i) => (i * 31 + 7) & 0xff);
    const c = new Crc32();
    for (const cut of [[0, 3], [3, 17], [17, 500], [500, 1000]] as const) c.update(data.subarray(...cut));
    expect(c.value).toBe(crc32(data));
  });

  it('matches what fflate records in its zips', async () => {
    const files = { 'a.bin': Uint8Array.from({ length: 5000 }, (_v, i) => (i * i) & 0xff), 'b.txt': strToU8('hello') };
    const entries = await readZipDirectory(blobOf(zipSync(files)));
    for (const e of entries) expect(e.crc32).toBe(crc32(files[e.name as keyof typeof files]));
  });
});

describe('readZipDirectory and the entries', () => {
  it('lists the committed iOS fixture as fflate does and reads each entry byte for byte', async () => {
    const bytes = new Uint8Array(readFileSync(FIXTURES + 'ios-media.zip'));
    const blob = blobOf(bytes);
    const entries = await readZipDirectory(blob);
    const expected = unzipSync(bytes);
    expect(entries.map((e) => e.name)).toEqual(Object.keys(expected));
    for (const e of entries) {
      expect(e.size).toBe(expected[e.name]!.length);
      expect(await readZipEntry(blob, e)).toEqual(expected[e.name]);
      expect(await streamed(blob, e)).toEqual(expected[e.name]);
    }
  });

  it('reads stored and deflated entries, empty ones, and an archive comment', async () => {
    const big = Uint8Array.from({ length: 300_000 }, (_v, i) => (i % 251) ^ (i >> 9));
    const blob = blobOf(
      buildZip(
        [
          { name: 'stored.bin', data: big },
          { name: 'deflated.bin', data: big, method: 8 },
          { name: 'empty.txt', data: new Uint8Array(0) },
          { name: 'empty-deflated.txt', data: new Uint8Array(0), method: 8 },
        ],
        { comment: 'made by a test' },
      ),
    );
    const entries = await readZipDirectory(blob);
    expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ['stored.bin', 0, big.length],
      ['deflated.bin', 8, big.length],
      ['empty.txt', 0, 0],
      ['empty-deflated.txt', 8, 0],
    ]);
    expect(same(await streamed(blob, entries[0]!), big)).toBe(true);
    expect(same(await streamed(blob, entries[1]!), big)).toBe(true);
    expect(entries[1]!.compressedSize).toBeLessThan(big.length);
    expect(await readZipEntry(blob, entries[2]!)).toEqual(new Uint8Array(0));
    expect(await readZipEntry(blob, entries[3]!)).toEqual(new Uint8Array(0));
  });

  it('reads ZIP64 records: sizes and offsets from the extra field, counts from the ZIP64 end record', async () => {
    const data = strToU8('26/11/2026, 10:00 - Ann: hi\n');
    const blob = blobOf(buildZip([{ name: '_chat.txt', data }, { name: 'IMG-1.jpg', data: new Uint8Array([1, 2, 3]), method: 8 }], { zip64: true }));
    const entries = await readZipDirectory(blob);
    expect(entries.map((e) => [e.name, e.size])).toEqual([['_chat.txt', data.length], ['IMG-1.jpg', 3]]);
    expect(entries[1]!.headerOffset).toBeGreaterThan(0);
    expect(await readZipEntry(blob, entries[0]!)).toEqual(data);
    expect(await readZipEntry(blob, entries[1]!)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('decodes names: the UTF-8 flag, unflagged UTF-8 as phones write it, and code page 437 otherwise', async () => {
    const cafe = new TextEncoder().encode('Café.jpg');
    const cp437 = Uint8Array.from([0x43, 0x61, 0x66, 0x82, 0x2e, 0x6a, 0x70, 0x67]); // "Caf" é(0x82) ".jpg"
    const blob = blobOf(
      buildZip([
        { name: cafe, data: new Uint8Array(1), flags: 0x0800 },
        { name: cafe, data: new Uint8Array(1) },
        { name: cp437, data: new Uint8Array(1) },
      ]),
    );
    expect((await readZipDirectory(blob)).map((e) => e.name)).toEqual(['Café.jpg', 'Café.jpg', 'Café.jpg']);
    expect(decodeZipName(Uint8Array.from([0xe0, 0xff]), false)).toBe('α\u00a0');
  });

  it('refuses an entry whose bytes do not match the recorded CRC-32 or size, stored or deflated', async () => {
    const data = strToU8('a voice note, or close enough');
    for (const method of [0, 8]) {
      const wrongCrc = blobOf(buildZip([{ name: 'a.opus', data, method, crc: crc32(data) ^ 1 }]));
      const [e1] = await readZipDirectory(wrongCrc);
      expect(await zipFailure(() => readZipEntry(wrongCrc, e1!))).toContain('CRC-32');

      const longer = blobOf(buildZip([{ name: 'a.opus', data, method, size: data.length - 1 }]));
      const [e2] = await readZipDirectory(longer);
      expect(await zipFailure(() => streamed(longer, e2!))).toContain(`more than the ${data.length - 1} bytes`);

      const shorter = blobOf(buildZip([{ name: 'a.opus', data, method, size: data.length + 1 }]));
      const [e3] = await readZipDirectory(shorter);
      expect(await zipFailure(() => readZipEntry(shorter, e3!))).toContain(`holds ${data.length} bytes`);
    }
  });

  it('refuses a flipped byte in a deflated entry, whether inflate or the CRC notices', async () => {
    const data = Uint8Array.from({ length: 20_000 }, (_v, i) => (i * 7) & 0xff);
    const bytes = buildZip([{ name: 'v.mp4', data, method: 8 }]);
    bytes[30 + 'v.mp4'.length + 40]! ^= 0x10;
    const blob = blobOf(bytes);
    const [entry] = await readZipDirectory(blob);
    expect(await zipFailure(() => readZipEntry(blob, entry!))).toMatch(/^v\.mp4 /);
  });

  it('gives a stored entry as a slice of the archive once its CRC-32 checked out, and refuses otherwise', async () => {
    const data = strToU8('a stored voice note');
    const good = blobOf(buildZip([{ name: 'a.opus', data }, { name: 'b.opus', data, crc: 7 }, { name: 'c.opus', data, method: 8 }]));
    const [a, b, c] = await readZipDirectory(good);
    const slice = await verifiedStoredBlob(good, a!);
    expect(new Uint8Array(await slice.arrayBuffer())).toEqual(data);
    expect(await zipFailure(() => verifiedStoredBlob(good, b!))).toContain('CRC-32');
    await expect(verifiedStoredBlob(good, c!)).rejects.toThrow(RangeError);
  });

  it('refuses encrypted entries and compression it cannot unpack, when they are read', async () => {
    const blob = blobOf(
      buildZip([
        { name: 'secret.jpg', data: new Uint8Array(4), flags: 0x0001 },
        { name: 'old.bz2', data: new Uint8Array(4), method: 12 },
      ]),
    );
    const [secret, bzip] = await readZipDirectory(blob);
    expect(await zipFailure(() => readZipEntry(blob, secret!))).toContain('encrypted');
    expect(await zipFailure(() => readZipEntry(blob, bzip!))).toContain('compression method 12');
  });

  it('refuses what is not a whole, single-file zip', async () => {
    const good = buildZip([{ name: 'a.txt', data: strToU8('hello') }]);
    expect(await zipFailure(() => readZipDirectory(blobOf(strToU8('PK\u0003\u0004 not really a zip at all'))))).toContain('no end of central directory');
    expect(await zipFailure(() => readZipDirectory(blobOf(good.subarray(0, good.length - 5))))).toContain('no end of central directory');
    expect(await zipFailure(() => readZipDirectory(blobOf(new Uint8Array(3))))).toContain('too short');
    expect(await zipFailure(() => readZipDirectory(blobOf(buildZip([{ name: 'a', data: new Uint8Array(1) }], { disk: 1 }))))).toContain('split');
    expect(await zipFailure(() => readZipDirectory(blobOf(buildZip([{ name: 'a', data: new Uint8Array(1) }], { entryCount: 2 }))))).toContain('lists 1 entries');
    // The front of the file is gone: the directory points outside it.
    expect(await zipFailure(() => readZipDirectory(blobOf(good.subarray(10))))).toMatch(/outside/);
  });

  it('reads the directory from the tail and one entry through slices, never the whole file', async () => {
    const media = Uint8Array.from({ length: 2_000_000 }, (_v, i) => (i * 13) & 0xff);
    const blob = blobOf(buildZip([{ name: 'VID-1.mp4', data: media }, { name: '_chat.txt', data: strToU8('26/11/2026, 10:00 - Ann: hi\n') }]));
    const reads: number[] = [];
    const arrayBuffer = Blob.prototype.arrayBuffer;
    vi.spyOn(Blob.prototype, 'arrayBuffer').mockImplementation(function (this: Blob) {
      reads.push(this.size);
      return arrayBuffer.call(this);
    });
    const entries = await readZipDirectory(blob);
    await readZipEntry(blob, entryNamed(entries, '_chat.txt'));
    expect(reads.length).toBeGreaterThan(0);
    expect(Math.max(...reads)).toBeLessThan(70_000); // the tail (22 bytes + the largest comment) at most
  });
});
