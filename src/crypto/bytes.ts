// The one home for byte helpers shared across ChatSeal (hex, UTF-8, base64, concat, compare, SHA-256).
// Everything here is synchronous except hashing, which goes through WebCrypto so it is native in
// browsers, workers and Node alike.
import { base64 } from '@scure/base';

const HEX_DIGITS = '0123456789abcdef';

/** Lowercase hex, two digits per byte. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
  return out;
}

/** Parses hex of either case; throws RangeError on odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RangeError(`hex string has odd length ${hex.length}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new RangeError(`not a hex digit at position ${hi < 0 ? 2 * i : 2 * i + 1}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Value of one hex digit (char code), or -1. */
export function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Strict: throws TypeError on invalid UTF-8 instead of inserting U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Standard base64 with padding (how bytes travel in JSON messages). */
export function toBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

export function fromBase64(text: string): Uint8Array {
  return base64.decode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Equality whose running time depends only on the lengths, not on where the inputs differ:
 * used for MACs and key ids so a comparison does not leak how many leading bytes matched.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** One-shot SHA-256 (WebCrypto). For streaming input use @noble/hashes' incremental sha256. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', asBufferSource(bytes)));
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await sha256(bytes));
}

/**
 * WebCrypto's TypeScript types (TS 5.7+) want an ArrayBuffer-backed view; a Uint8Array typed over
 * ArrayBufferLike (e.g. a view into a SharedArrayBuffer) is copied so the call is always valid.
 */
export function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Overwrites a secret buffer in place; best effort, JS gives no guarantee about copies. */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}
