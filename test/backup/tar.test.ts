import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dataPadding, isEntryName, MAX_ENTRY_SIZE, parseTarHeader, tarHeader } from '../../src/backup/tar';
import { concatBytes } from '../../src/crypto/bytes';

describe('ustar headers', () => {
  it('are a pure function of name, size and mtime, with the fixed fields FORMAT.md lists', () => {
    const h = tarHeader('chat.json.gz', 612, 1795688103);
    const text = new TextDecoder('latin1').decode(h);
    expect(h.length).toBe(512);
    expect(text.slice(0, 12)).toBe('chat.json.gz');
    expect(text.slice(100, 108)).toBe('0000644\0');
    expect(text.slice(108, 124)).toBe('0000000\u00000000000\0');
    expect(text.slice(124, 136)).toBe('00000001144\0');
    expect(text.slice(136, 148)).toBe((1795688103).toString(8).padStart(11, '0') + '\0');
    expect(text[156]).toBe('0');
    expect(text.slice(257, 265)).toBe('ustar\u000000');
    expect(text.slice(329, 345)).toBe('0000000\u00000000000\0');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    expect(text.slice(148, 156)).toBe(sum.toString(8).padStart(6, '0') + '\0 ');
    expect(tarHeader('chat.json.gz', 612, 1795688103)).toEqual(h);
  });

  it('parse back only when byte-for-byte canonical', () => {
    const h = tarHeader('media/abc.png', 74, 5);
    expect(parseTarHeader(h)).toEqual({ name: 'media/abc.png', size: 74, mtime: 5 });
    for (const i of [0, 100, 108, 124, 148, 156, 257, 263, 265, 329, 345, 500, 511]) {
      const bad = h.slice();
      bad[i] = bad[i]! ^ 0x02;
      expect(parseTarHeader(bad), `byte ${i}`).toBeNull();
    }
    expect(parseTarHeader(new Uint8Array(512))).toBeNull();
  });

  it('refuses names and sizes ChatSeal does not write', () => {
    expect(isEntryName('media/x y.png')).toBe(false);
    expect(isEntryName('a'.repeat(101))).toBe(false);
    expect(isEntryName('')).toBe(false);
    expect(() => tarHeader('x', MAX_ENTRY_SIZE + 1, 0)).toThrow(RangeError);
    expect(() => tarHeader('é', 1, 0)).toThrow(RangeError);
    expect(dataPadding(0)).toBe(0);
    expect(dataPadding(1)).toBe(511);
    expect(dataPadding(512)).toBe(0);
  });

  it('are read by GNU tar as ustar', () => {
    const data = new TextEncoder().encode('hello');
    const tar = concatBytes(tarHeader('a.txt', 5, 1795688103), data, new Uint8Array(dataPadding(5)), new Uint8Array(1024));
    const r = spawnSync('tar', ['--format=ustar', '-tvf', '-'], { input: tar, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('-rw-r--r-- 0/0               5 2026-11-26 10:15 a.txt');
  });
});
