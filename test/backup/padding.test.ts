import { describe, expect, it } from 'vitest';
import { isPaddedTarLength, paddedTarLength, padme } from '../../src/backup/padding';

describe('Padmé', () => {
  it('matches the definition on known values', () => {
    // L = 1000: E = 9, S = 4, unit 2^5 -> 1024; L = 9: E = 3, S = 2, unit 2 -> 10;
    // L = 1025: E = 10, S = 4, unit 2^6 -> 1088; L = 65537: E = 16, S = 5, unit 2^11 -> 67584
    expect([0, 1, 2, 3, 9, 1000, 1025, 65537].map(padme)).toEqual([0, 1, 2, 3, 10, 1024, 1088, 67584]);
    expect(padme(2 ** 40 + 1)).toBe(2 ** 40 + 2 ** 34); // E = 40, S = 6
    expect(() => padme(-1)).toThrow(RangeError);
    expect(() => padme(1.5)).toThrow(RangeError);
  });

  it('costs at most 12% and never shrinks', () => {
    for (let l = 2; l < 200_000; l += 97) {
      const p = padme(l);
      expect(p).toBeGreaterThanOrEqual(l);
      expect(p / l).toBeLessThanOrEqual(1.12);
    }
  });

  it('gives tar lengths that are fixed points: whole blocks that padding leaves alone', () => {
    for (let b = 512; b < 4 * 1024 * 1024; b += 512) {
      const t = paddedTarLength(b);
      expect(t % 512).toBe(0);
      expect(t).toBeGreaterThanOrEqual(b);
      if (!isPaddedTarLength(t)) throw new Error(`${b} -> ${t} is not a fixed point`);
    }
    expect(isPaddedTarLength(0)).toBe(false);
    expect(isPaddedTarLength(66048)).toBe(false); // 129 blocks: padme rounds it to 67584
    expect(isPaddedTarLength(67584)).toBe(true);
  });
});
