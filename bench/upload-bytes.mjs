// The bench's file: SIZE bytes of incompressible, deterministic bytes, made in pieces by a tiny
// generator that runs unchanged in Node (to know their SHA-256) and in the extension's service
// worker (to build the Blob there), so 256 MiB never cross the DevTools connection.
import { createHash } from 'node:crypto';

export const PIECE_BYTES = 4 * 1024 * 1024;

/**
 * Fills `u32` with piece number `piece` (xorshift32, seeded per piece). Self-contained: its source
 * is sent to the service worker as is.
 */
export function fillPiece(u32, piece) {
  let x = (Math.imul(piece + 1, 0x9e3779b9) ^ 0x5eed5eed) | 0 || 1;
  for (let i = 0; i < u32.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    u32[i] = x;
  }
  return u32;
}

/** Lowercase hex SHA-256 of the `size` bytes the generator makes. */
export function benchSha256(size) {
  const hash = createHash('sha256');
  const u32 = new Uint32Array(PIECE_BYTES / 4);
  for (let piece = 0, offset = 0; offset < size; piece++, offset += PIECE_BYTES) {
    const bytes = new Uint8Array(fillPiece(u32, piece).buffer);
    hash.update(bytes.subarray(0, Math.min(PIECE_BYTES, size - offset)));
  }
  return hash.digest('hex');
}

export const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');
