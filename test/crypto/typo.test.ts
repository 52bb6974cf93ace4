import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes';
import { deriveKeyId, digitsToSeed, generateSeed, seedToDigits } from '../../src/crypto/keys';
import { findTypo, keyIdSync } from '../../src/crypto/typo';

// A sample key with both repeated neighbours (skipped swaps) and every hex digit.
const SAMPLE = '3f7a0c9be18d2456aa71c0ff9e3b5d28147ce6b09a2f3d5e8c71b4066d9e2a13';
const HEX = '0123456789abcdef';

function groupOfIndex(i: number): number {
  return Math.floor(i / 4) + 1;
}

describe('findTypo', () => {
  it('returns null for the right key and for an unrelated key', async () => {
    const seed = digitsToSeed(SAMPLE);
    const keyId = await deriveKeyId(seed);
    expect(await findTypo(seed, keyId)).toBeNull();
    expect(await findTypo(generateSeed(), keyId)).toBeNull();
  });

  it('locates every single-digit change to its group', async () => {
    const seed = digitsToSeed(SAMPLE);
    const keyId = await deriveKeyId(seed);
    let checked = 0;
    for (let i = 0; i < 64; i++) {
      for (const d of HEX) {
        if (d === SAMPLE[i]) continue;
        const typed = SAMPLE.slice(0, i) + d + SAMPLE.slice(i + 1);
        const hit = await findTypo(digitsToSeed(typed), keyId);
        expect(hit, `digit ${i + 1} -> ${d}`).not.toBeNull();
        expect(hit!.kind).toBe('digit');
        expect(hit!.group).toBe(groupOfIndex(i));
        expect(hit!.groups).toEqual([groupOfIndex(i)]);
        expect(hit!.position).toBe(i + 1);
        expect(seedToDigits(hit!.seed)).toBe(SAMPLE);
        checked++;
      }
    }
    expect(checked).toBe(64 * 15);
  });

  it('locates every adjacent swap to its group (both groups across a boundary)', async () => {
    const seed = digitsToSeed(SAMPLE);
    const keyId = await deriveKeyId(seed);
    let checked = 0;
    let skipped = 0;
    for (let i = 0; i < 63; i++) {
      if (SAMPLE[i] === SAMPLE[i + 1]) {
        skipped++; // a no-op swap: the typed key is the right key
        continue;
      }
      const typed = SAMPLE.slice(0, i) + SAMPLE[i + 1] + SAMPLE[i] + SAMPLE.slice(i + 2);
      const hit = await findTypo(digitsToSeed(typed), keyId);
      expect(hit, `swap ${i + 1}/${i + 2}`).not.toBeNull();
      const g1 = groupOfIndex(i);
      const g2 = groupOfIndex(i + 1);
      expect(hit!.group).toBe(g1);
      expect(hit!.groups).toEqual(g1 === g2 ? [g1] : [g1, g2]);
      expect(hit!.position).toBe(i + 1);
      expect(seedToDigits(hit!.seed)).toBe(SAMPLE);
      // A swap of two different digits is not also a one-digit change: it is reported as a swap.
      expect(hit!.kind).toBe('swap');
      checked++;
    }
    expect(skipped).toBeGreaterThan(0); // the sample exercises the skip
    expect(checked + skipped).toBe(63);
  });

  it('does not mutate the typed seed', async () => {
    const seed = digitsToSeed(SAMPLE);
    const typed = digitsToSeed('0' + SAMPLE.slice(1));
    const before = toHex(typed);
    await findTypo(typed, await deriveKeyId(seed));
    expect(toHex(typed)).toBe(before);
  });

  it('a full search (no match) takes well under a second', async () => {
    const start = performance.now();
    expect(await findTypo(generateSeed(), '0000000000000000')).toBeNull();
    const ms = performance.now() - start;
    console.info(`findTypo full search (1023 candidates): ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });
});

describe('keyIdSync', () => {
  it('agrees with deriveKeyId (WebCrypto) on fixed and random seeds', async () => {
    const seeds = [new Uint8Array(32), new Uint8Array(32).fill(255), ...Array.from({ length: 50 }, generateSeed)];
    for (const seed of seeds) expect(keyIdSync(seed)).toBe(await deriveKeyId(seed));
    expect(keyIdSync(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe('86023963e580d6a0');
  });
});
