// The plaintext checker on its own: it accepts exactly the archive layout FORMAT.md gives, in any
// chunking, and says whether a refused plaintext had begun like ours.
import { describe, expect, it } from 'vitest';
import { ContentChecker, ContentError } from '../../src/backup/contents';
import { paddedTarLength } from '../../src/backup/padding';
import { dataPadding, tarHeader } from '../../src/backup/tar';
import { concatBytes, utf8Encode } from '../../src/crypto/bytes';
import { makeBackup, plaintextOf, prngBytes } from './helpers';

const MEDIA = `media/${'a'.repeat(64)}.png`;

type Entry = [name: string, data: Uint8Array, mtime?: number];

/** A tar of these entries; `padding` is sized by the format's rule unless given. */
function tar(entries: Entry[], options: { padding?: number; tail?: Uint8Array; end?: number } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data, mtime] of entries) parts.push(tarHeader(name, data.length, mtime ?? 7), data, new Uint8Array(dataPadding(data.length)));
  const before = parts.reduce((n, p) => n + p.length, 0);
  const pad = options.padding ?? paddedTarLength(before + 512 + 1024) - (before + 512 + 1024);
  parts.push(tarHeader('padding', pad, 7), new Uint8Array(pad), new Uint8Array(options.end ?? 1024), options.tail ?? new Uint8Array(0));
  return concatBytes(...parts);
}

const mac = utf8Encode('0'.repeat(64) + '\n');
const good: Entry[] = [
  [MEDIA, prngBytes(700)],
  ['chat.json.gz', prngBytes(300)],
  ['manifest.json', utf8Encode('{}\n')],
  ['manifest.mac', mac],
];

async function check(bytes: Uint8Array, piece = 1000): Promise<ContentError | null> {
  const c = new ContentChecker();
  try {
    for (let o = 0; o < bytes.length; o += piece) await c.push(bytes.subarray(o, o + piece));
    c.end();
    return null;
  } catch (e) {
    if (e instanceof ContentError) return e;
    throw e;
  }
}

describe('ContentChecker', () => {
  it('accepts a real backup archive in any chunking', async () => {
    const real = await plaintextOf((await makeBackup({ media: [prngBytes(5000)] })).file);
    for (const piece of [1, 7, 511, 512, 513, 65536, real.length]) expect(await check(real, piece), `piece ${piece}`).toBeNull();
  });

  it('accepts the layout and keeps the manifest and its MAC', async () => {
    const c = new ContentChecker();
    await c.push(tar(good));
    const out = c.end();
    expect(out.entries.map((e) => e.name)).toEqual([MEDIA, 'chat.json.gz', 'manifest.json', 'manifest.mac', 'padding']);
    expect(new TextDecoder().decode(out.manifestBytes)).toBe('{}\n');
    expect(out.macBytes).toEqual(mac);
    expect(out.mtime).toBe(7);
  });

  it.each<[string, () => Uint8Array]>([
    ['chat before media', () => tar([good[1]!, good[0]!, good[2]!, good[3]!])],
    ['no chat.json.gz', () => tar([good[0]!, good[2]!, good[3]!])],
    ['a media entry twice', () => tar([good[0]!, good[0]!, ...good.slice(1)])],
    ['an unknown entry', () => tar([['notes.txt', prngBytes(3)], ...good])],
    ['a path outside media/', () => tar([[`media/../${'a'.repeat(61)}.png`, prngBytes(3)], ...good.slice(1)])],
    ['an upper-case media hash', () => tar([[`media/${'A'.repeat(64)}.png`, prngBytes(3)], ...good.slice(1)])],
    ['a short manifest.mac', () => tar([...good.slice(0, 3), ['manifest.mac', mac.subarray(0, 64)]])],
    ['entries with different times', () => tar([[MEDIA, prngBytes(3), 8], ...good.slice(1)])],
    ['padding of the wrong length', () => tar(good, { padding: 512 })],
    ['oversized padding', () => tar(good, { padding: 512 * 7 })],
    ['bytes after the end of the archive', () => tar(good, { tail: new Uint8Array(512) })],
    ['a missing end-of-archive block', () => tar(good, { end: 512 })],
    ['a truncated archive', () => tar(good).subarray(0, 4000)],
  ])('refuses %s', async (_, make) => {
    expect(await check(make())).toBeInstanceOf(ContentError);
  });

  it('refuses non-zero fill and non-zero padding data', async () => {
    const t = tar(good);
    const fillAt = 512 + 700; // after the media data, inside its block's fill
    const withFill = t.slice();
    withFill[fillAt] = 1;
    expect((await check(withFill))?.detail).toMatch(/fill/);
    const padded = tar([[MEDIA, prngBytes(700)], ['chat.json.gz', prngBytes(20_000)], ...good.slice(2)]);
    const padStart = padded.length - 1024 - 512; // the last data block of the padding entry
    expect(padded.subarray(padStart - 512, padStart).some((b) => b !== 0)).toBe(true); // the padding header is before
    const dirty = padded.slice();
    dirty[padStart + 5] = 1;
    const e = await check(dirty);
    expect(e?.detail).toMatch(/padding data is not all zeros/);
  });

  it('says whether refused plaintext had begun like a ChatSeal archive', async () => {
    expect((await check(utf8Encode('hello world'.repeat(100))))?.recognised).toBe(false);
    expect((await check(tar([good[0]!, ['notes.txt', prngBytes(3)]])))?.recognised).toBe(true);
  });

  it('on pass 2 releases entries that match pass 1 in name and size, and refuses ones that do not', async () => {
    const first = new ContentChecker();
    await first.push(tar(good));
    const seen = first.end().entries;
    const released: string[] = [];
    const second = new ContentChecker(async (e) => {
      released.push(e.name);
    }, seen);
    await second.push(tar(good));
    second.end();
    expect(released).toEqual([MEDIA, 'chat.json.gz', 'manifest.json', 'manifest.mac']);
    const differing = new ContentChecker(async () => undefined, seen);
    await expect(differing.push(tar([[MEDIA, prngBytes(701)], ...good.slice(1)]))).rejects.toThrow(/differs from the first read/);
    const renamed = new ContentChecker(async () => undefined, seen);
    await expect(renamed.push(tar([[`media/${'b'.repeat(64)}.png`, prngBytes(700)], ...good.slice(1)]))).rejects.toThrow(/differs from the first read/);
  });
});
