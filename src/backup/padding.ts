// Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
// Communication with PURBs", PETS 2019): a length L is rounded up so that only its top
// floor(log2(floor(log2 L))) + 1 bits may be non-zero. Overhead is at most 12%, and a length
// reveals O(log log L) bits. ChatSeal pads the tar (the age plaintext) to
// roundUp512(padme(B)), B being the tar's length without the padding entry's data; see FORMAT.md.

/** floor(log2 n) for a positive integer n (exact beyond 2^32, where Math.clz32 stops). */
function floorLog2(n: number): number {
  let e = Math.floor(Math.log2(n));
  while (2 ** (e + 1) <= n) e++;
  while (2 ** e > n) e--;
  return e;
}

export function padme(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`not a length: ${length}`);
  if (length < 2) return length;
  const e = floorLog2(length);
  const s = floorLog2(e) + 1;
  const unit = 2 ** (e - s);
  return Math.ceil(length / unit) * unit;
}

export const TAR_BLOCK = 512;

export function roundUpToBlock(n: number): number {
  return Math.ceil(n / TAR_BLOCK) * TAR_BLOCK;
}

/** The tar length a backup must have when everything but the padding data takes `unpadded` bytes. */
export function paddedTarLength(unpadded: number): number {
  return roundUpToBlock(padme(unpadded));
}

/**
 * Whether `length` is a tar length the writer can produce: a whole number of blocks that padding
 * leaves unchanged (every paddedTarLength value is one; see test/backup/padding.test.ts).
 */
export function isPaddedTarLength(length: number): boolean {
  return length > 0 && length % TAR_BLOCK === 0 && padme(length) === length;
}
