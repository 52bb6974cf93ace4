import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  constantTimeEqual,
  fromBase64,
  fromHex,
  hexValue,
  sha256,
  sha256Hex,
  toBase64,
  toHex,
  utf8Decode,
  utf8Encode,
  wipe,
} from '../../src/crypto/bytes';

describe('hex', () => {
  it('round-trips every byte value, lowercase out, either case in', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = toHex(all);
    expect(hex).toMatch(/^[0-9a-f]{512}$/);
    expect(hex.slice(0, 8)).toBe('00010203');
    expect(fromHex(hex)).toEqual(all);
    expect(fromHex(hex.toUpperCase())).toEqual(all);
  });

  it('refuses odd length and non-hex characters, naming the position', () => {
    expect(() => fromHex('abc')).toThrow(/odd length 3/);
    expect(() => fromHex('0g')).toThrow(/position 1/);
    expect(() => fromHex('x0')).toThrow(/position 0/);
  });

  it('hexValue maps digits and rejects neighbours of the ranges', () => {
    expect(hexValue('0'.charCodeAt(0))).toBe(0);
    expect(hexValue('F'.charCodeAt(0))).toBe(15);
    expect(hexValue('f'.charCodeAt(0))).toBe(15);
    for (const c of ['/', ':', '@', 'G', '`', 'g']) expect(hexValue(c.charCodeAt(0))).toBe(-1);
  });
});

describe('utf8 and base64', () => {
  it('round-trips non-ASCII text', () => {
    const text = 'Grüße 👋 ﷺ';
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });

  it('decoding invalid UTF-8 throws instead of substituting', () => {
    expect(() => utf8Decode(new Uint8Array([0xff, 0xfe]))).toThrow(TypeError);
  });

  it('base64 matches Node and round-trips', () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 255);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });
});

describe('concat, compare, wipe', () => {
  it('concatenates in order, including empty parts', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });

  it('constantTimeEqual compares content and length', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('wipe zeroes in place', () => {
    const b = new Uint8Array([9, 9, 9]);
    wipe(b);
    expect(b).toEqual(new Uint8Array(3));
  });
});

describe('sha256', () => {
  it('matches the FIPS 180 "abc" vector and Node', async () => {
    expect(await sha256Hex(utf8Encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const data = utf8Encode('chatseal');
    expect(toHex(await sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('hashes a view into a larger buffer by its own bytes only', async () => {
    const big = utf8Encode('xxabcxx');
    expect(await sha256Hex(big.subarray(2, 5))).toBe(await sha256Hex(utf8Encode('abc')));
  });
});
