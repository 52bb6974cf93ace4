import { describe, expect, it } from 'vitest';
import { assertJsonSafe, jsonRoundTrip, NotJsonError } from '../../src/messaging/json';

describe('assertJsonSafe', () => {
  it('accepts plain JSON, and values that survive a JSON round trip unchanged', () => {
    const value = { a: 1, b: 'x', c: [true, null, { d: -0.5 }], e: { f: [] }, g: Object.create(null) as object };
    expect(() => assertJsonSafe(value)).not.toThrow();
    expect(jsonRoundTrip({ a: 1, c: [true, null] })).toEqual({ a: 1, c: [true, null] });
  });

  it('treats an undefined property as absent (optional field)', () => {
    expect(() => assertJsonSafe({ a: undefined, b: 1 })).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['Uint8Array', { bytes: new Uint8Array(2) }, 'bytes'],
    ['Date', { when: new Date(0) }, 'when'],
    ['Map', { m: new Map() }, 'm'],
    ['undefined in an array', { list: [1, undefined] }, 'list[1]'],
    ['BigInt', { n: 1n }, 'n'],
    ['NaN', { n: Number.NaN }, 'n'],
    ['Infinity', [Infinity], '[0]'],
    ['function', { f: () => 1 }, 'f'],
    ['class instance', { e: new Error('x') }, 'e'],
    ['undefined root', undefined, ''],
  ])('refuses %s and names where', (_name, value, path) => {
    let caught: unknown;
    try {
      assertJsonSafe(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotJsonError);
    expect((caught as NotJsonError).path).toBe(path);
  });
});
