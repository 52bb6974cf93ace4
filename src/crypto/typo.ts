// When a typed key does not match the key id it should have, look for the two mistakes people make
// copying 64 digits by hand: one wrong digit, or two neighbouring digits swapped. That is
// 64 × 15 + 63 = 1023 candidate seeds, each one HKDF.
//
// Measured in Node 20 on 2 cores: WebCrypto (importKey + deriveBits per candidate, 64 in flight)
// needs ~38 µs a candidate, ~40 ms for a full search; @noble/hashes with the salt's HMAC state
// computed once needs ~15 µs, ~15 ms. Either is fast for one search; the synchronous one is used
// because it is faster and a search blocks for at most ~15 ms. The hit is then confirmed with
// deriveKeyId (WebCrypto), the one definition of the key id, so the two can never silently disagree.
import { expand } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8Encode } from './bytes';
import { deriveKeyId, DIGIT_COUNT, GROUP_SIZE, KDF_INFO_KEY_ID, KDF_SALT, KEY_ID_BYTES } from './keys';

export interface TypoHit {
  /** 1-based group (of 16 groups of 4) that looks wrong; for a swap across groups, the first. */
  group: number;
  /** Every group the mistake touches: one, or two for a swap across a group boundary. */
  groups: [number] | [number, number];
  kind: 'digit' | 'swap';
  /** 1-based digit position of the (first) wrong digit. */
  position: number;
  /** The corrected seed, whose key id is the expected one. */
  seed: Uint8Array;
}

// The key id's own HKDF inputs (keys.ts); each hit is still confirmed with deriveKeyId.
const SALT = utf8Encode(KDF_SALT);
const INFO = utf8Encode(KDF_INFO_KEY_ID);
let saltState: ReturnType<typeof hmac.create> | undefined;

/** Synchronous key id for the search loop; HKDF-extract with the salt's HMAC state reused. */
export function keyIdSync(seed: Uint8Array): string {
  saltState ??= hmac.create(sha256, SALT);
  const prk = saltState.clone().update(seed).digest();
  return toHex(expand(sha256, prk, INFO, KEY_ID_BYTES));
}

function getDigit(seed: Uint8Array, i: number): number {
  const b = seed[i >> 1]!;
  return i & 1 ? b & 15 : b >> 4;
}

function withDigit(seed: Uint8Array, i: number, d: number): Uint8Array {
  const out = new Uint8Array(seed);
  const b = out[i >> 1]!;
  out[i >> 1] = i & 1 ? (b & 0xf0) | d : (d << 4) | (b & 15);
  return out;
}

function groupOf(i: number): number {
  return Math.floor(i / GROUP_SIZE) + 1;
}

function* candidates(seed: Uint8Array): Generator<{ seed: Uint8Array; hit: Omit<TypoHit, 'seed'> }> {
  // Swaps first: there are only 63, and they are the likelier slip when writing groups by hand.
  for (let i = 0; i < DIGIT_COUNT - 1; i++) {
    const a = getDigit(seed, i);
    const b = getDigit(seed, i + 1);
    if (a === b) continue; // swapping equal digits changes nothing
    const g1 = groupOf(i);
    const g2 = groupOf(i + 1);
    yield {
      seed: withDigit(withDigit(seed, i, b), i + 1, a),
      hit: { group: g1, groups: g1 === g2 ? [g1] : [g1, g2], kind: 'swap', position: i + 1 },
    };
  }
  for (let i = 0; i < DIGIT_COUNT; i++) {
    const original = getDigit(seed, i);
    for (let d = 0; d < 16; d++) {
      if (d === original) continue;
      const g = groupOf(i);
      yield { seed: withDigit(seed, i, d), hit: { group: g, groups: [g], kind: 'digit', position: i + 1 } };
    }
  }
}

/**
 * The one-digit or adjacent-swap correction of `seed` whose key id is `expectedKeyId`, or null.
 * Also null when `seed` already has that key id (there is no typo to find).
 */
export async function findTypo(seed: Uint8Array, expectedKeyId: string): Promise<TypoHit | null> {
  const expected = expectedKeyId.toLowerCase();
  if (keyIdSync(seed) === expected) return null;
  for (const c of candidates(seed)) {
    if (keyIdSync(c.seed) !== expected) continue;
    if ((await deriveKeyId(c.seed)) !== expected) {
      throw new Error('key id implementations disagree'); // unreachable unless keys.ts changes alone
    }
    return { ...c.hit, seed: c.seed };
  }
  return null;
}
