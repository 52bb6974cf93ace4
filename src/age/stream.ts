// age's STREAM payload, decrypted by us (C2SP age.md, "Payload"): payload key =
// HKDF-SHA-256(ikm = file key, salt = 16-byte nonce, info = "payload"); 64 KiB plaintext chunks
// sealed with ChaCha20-Poly1305 under the nonce (11-byte big-endian chunk counter ‖ last-chunk
// flag). Doing it ourselves is what lets every failure carry an exact kind:
//   a full chunk followed by more bytes must open as non-final; if it only opens as final, data
//   follows the final chunk (payload);
//   the bytes at the end must open as the final chunk; a full chunk there that opens as non-final
//   means the file stops early (truncated); a final chunk may be empty only if it is the only one.
//   Sealing (PayloadSealer) is the same construction run forwards, for the backup writer.
// The cipher is injectable (primitives.ts); every implementation gives the same bytes.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { constantTimeEqual } from '../crypto/bytes';
import { AgeError } from './errors';
import type { ByteReader } from './bytereader';
import { detectChaCha20Poly1305, type ChunkCipher, type ChunkCipherFactory } from './primitives';
import { YieldCounter } from './yield';

export const NONCE_SIZE = 16;
export const CHUNK_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const CHUNK_WITH_TAG = CHUNK_SIZE + TAG_SIZE;

const PAYLOAD_INFO = new TextEncoder().encode('payload');

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(sha256, fileKey, nonce, PAYLOAD_INFO, 32);
}

/**
 * Writes the chunk nonce into `nonce` (12 bytes, reused for every chunk: a cipher reads its inputs
 * when called, primitives.ts) and returns it.
 */
function chunkNonce(nonce: Uint8Array, counter: number, last: boolean): Uint8Array {
  // 11-byte big-endian counter; a JS number covers 2^53 chunks, far beyond any file we read.
  let c = counter;
  for (let i = 10; i >= 0; i--) {
    nonce[i] = c % 256;
    c = Math.floor(c / 256);
  }
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Null when the chunk does not open this way: the caller decides the kind from its attempts. */
async function open(cipher: ChunkCipher, nonce: Uint8Array, counter: number, last: boolean, sealed: Uint8Array): Promise<Uint8Array | null> {
  return cipher.open(chunkNonce(nonce, counter, last), sealed);
}

/** Plaintext length of a payload of `sealedLength` bytes after the nonce, or null if impossible. */
export function plaintextLength(sealedLength: number): number | null {
  if (sealedLength < TAG_SIZE) return null;
  const full = Math.floor(sealedLength / CHUNK_WITH_TAG);
  const rest = sealedLength % CHUNK_WITH_TAG;
  if (rest === 0) return full === 0 ? null : full * CHUNK_SIZE;
  if (rest < TAG_SIZE || (rest === TAG_SIZE && full > 0)) return null;
  return full * CHUNK_SIZE + rest - TAG_SIZE;
}

/** Number of chunks in a payload of `plaintext` bytes (an empty payload is one empty chunk). */
export function chunkCount(plaintext: number): number {
  return Math.max(1, Math.ceil(plaintext / CHUNK_SIZE));
}

export interface StreamOptions {
  /**
   * Whether a payload of this many plaintext bytes is one the writer could have produced. Used
   * only when the last bytes open neither way, to tell a file cut inside a chunk (truncated) from
   * one altered in place or with bytes added (payload). Without it such a file is 'payload'.
   */
  plausibleLength?: (plaintext: number) => boolean;
  /** Pass 2: the tags pass 1 saw; a chunk whose tag differs is refused ('changed'). */
  expectTags?: readonly Uint8Array[];
  /** Called with each chunk's tag as it authenticates (pass 1 keeps them for pass 2). */
  onTag?: (tag: Uint8Array) => void;
  /** ChaCha20-Poly1305 implementation; default: detectChaCha20Poly1305(). */
  cipher?: ChunkCipherFactory;
  /**
   * The consumer is done with each chunk once it asks for the next (it keeps no reference): the
   * decryptor then lets the cipher free the chunk's buffer at once (ChunkCipher.release), so a
   * pass that only checks the plaintext leaves no dead 64 KiB buffers for the collector.
   */
  releaseChunks?: boolean;
}

/**
 * Decrypts the payload that follows the header: reads the 16-byte nonce, then yields each chunk's
 * plaintext once it has authenticated, in order. The generator throws AgeError 'truncated',
 * 'payload' or 'changed'; its plaintext is authentic but the file is not known to be whole until
 * the generator returns, so callers must not release anything before then (see gate.ts).
 */
export async function* decryptPayload(
  reader: ByteReader,
  fileKey: Uint8Array,
  keyId: string | null,
  options: StreamOptions = {},
): AsyncGenerator<Uint8Array, { chunks: number; plaintext: number }> {
  const nonce = await reader.read(NONCE_SIZE);
  if (nonce.length < NONCE_SIZE) {
    throw new AgeError('truncated', 'the file ends inside the payload nonce', { offset: reader.offset, keyId });
  }
  const key = await (options.cipher ?? (await detectChaCha20Poly1305()))(payloadKey(fileKey, nonce));
  const pacer = new YieldCounter();
  const chunkNonceBuffer = new Uint8Array(12);
  let counter = 0;
  let total = 0;

  const accept = (sealed: Uint8Array, plain: Uint8Array): Uint8Array => {
    const tag = sealed.subarray(sealed.length - TAG_SIZE);
    if (options.expectTags !== undefined) {
      const expected = options.expectTags[counter];
      if (expected === undefined || !constantTimeEqual(expected, tag)) {
        throw new AgeError('changed', `chunk ${counter} differs from the first read`, { chunk: counter, keyId });
      }
    }
    options.onTag?.(tag.slice());
    counter++;
    total += plain.length;
    return plain;
  };

  for (;;) {
    const start = reader.offset;
    const available = await reader.fill(CHUNK_WITH_TAG + 1);
    if (available > CHUNK_WITH_TAG) {
      // Borrowed: read before the next call on the reader (the cipher reads it when called).
      const sealed = reader.borrow(CHUNK_WITH_TAG);
      const plain = await open(key, chunkNonceBuffer, counter, false, sealed);
      if (plain !== null) {
        yield accept(sealed, plain);
        if (options.releaseChunks === true) key.release?.(plain);
        await pacer.add(CHUNK_WITH_TAG);
        continue;
      }
      const detail =
        (await open(key, chunkNonceBuffer, counter, true, sealed)) !== null
          ? `data follows the final chunk (chunk ${counter})`
          : `chunk ${counter} does not authenticate`;
      throw new AgeError('payload', detail, { chunk: counter, offset: start, keyId });
    }

    // The bytes left are the last chunk.
    const sealed = reader.borrow(available);
    if (available === 0) {
      throw new AgeError('truncated', 'the payload has no chunks', { chunk: counter, offset: start, keyId });
    }
    if (available < TAG_SIZE) {
      throw new AgeError('truncated', `the file ends ${available} bytes into chunk ${counter}`, {
        chunk: counter,
        offset: start,
        keyId,
      });
    }
    const plain = await open(key, chunkNonceBuffer, counter, true, sealed);
    if (plain !== null) {
      if (plain.length === 0 && counter > 0) {
        throw new AgeError('payload', 'the final chunk is empty but the payload is not', { chunk: counter, offset: start, keyId });
      }
      const last = accept(sealed, plain);
      if (options.expectTags !== undefined && options.expectTags.length !== counter) {
        throw new AgeError('changed', 'the file has a different number of chunks than on the first read', { keyId });
      }
      if (last.length > 0) yield last;
      if (options.releaseChunks === true) key.release?.(last);
      return { chunks: counter, plaintext: total };
    }
    if (available === CHUNK_WITH_TAG && (await open(key, chunkNonceBuffer, counter, false, sealed)) !== null) {
      throw new AgeError('truncated', `the file stops after chunk ${counter}, which is not the final chunk`, {
        chunk: counter,
        offset: start + available,
        keyId,
      });
    }
    throw await lastChunkError(key, chunkNonceBuffer, counter, sealed, start, keyId, options.plausibleLength);
  }
}

/**
 * The last bytes open neither as a final chunk nor as a full non-final one. With a plausibility
 * rule we can say more: if a shorter prefix of plausible length opens as the final chunk, bytes
 * were appended (payload); if the length itself is implausible and nothing opens, the file was cut
 * inside a chunk (truncated); a plausible length that does not open was altered (payload).
 */
async function lastChunkError(
  key: ChunkCipher,
  chunkNonceBuffer: Uint8Array,
  counter: number,
  sealed: Uint8Array,
  start: number,
  keyId: string | null,
  plausible: ((plaintext: number) => boolean) | undefined,
): Promise<AgeError> {
  const base = counter * CHUNK_SIZE;
  if (plausible !== undefined) {
    for (let n = TAG_SIZE; n < sealed.length; n++) {
      if (!plausible(base + n - TAG_SIZE)) continue;
      if ((n > TAG_SIZE || counter === 0) && (await open(key, chunkNonceBuffer, counter, true, sealed.subarray(0, n))) !== null) {
        return new AgeError('payload', `data follows the final chunk (chunk ${counter})`, { chunk: counter, offset: start, keyId });
      }
    }
    // A 16-byte last chunk after full ones could only be an empty final chunk, which no valid
    // file has; so it is a cut, like a length the writer cannot produce.
    if (!plausible(base + sealed.length - TAG_SIZE) || (sealed.length === TAG_SIZE && counter > 0)) {
      return new AgeError('truncated', `the file ends inside chunk ${counter}`, { chunk: counter, offset: start, keyId });
    }
  }
  return new AgeError('payload', `the final chunk (chunk ${counter}) does not authenticate`, { chunk: counter, offset: start, keyId });
}

/**
 * age's STREAM run forwards: plaintext in any pieces, sealed 64 KiB chunks out, in order. A full
 * chunk is held back until more plaintext arrives, because only `final` knows which chunk is the
 * last (its nonce carries the flag). The final chunk may be full; it is empty only when it is the
 * only chunk, exactly as age-encryption's encryptSTREAM writes (test/age/seal.test.ts).
 */
export class PayloadSealer {
  private readonly held = new Uint8Array(CHUNK_SIZE);
  private readonly nonce = new Uint8Array(12);
  private used = 0;
  private counter = 0;
  private finished = false;

  /** @param emit receives each sealed chunk; the sealer waits for it (back-pressure). */
  constructor(
    private readonly cipher: ChunkCipher,
    private readonly emit: (sealed: Uint8Array) => Promise<void>,
  ) {}

  /** Adds plaintext. `data` is not kept after the returned promise settles. */
  async update(data: Uint8Array): Promise<void> {
    if (this.finished) throw new Error('the payload is already sealed');
    let at = 0;
    while (at < data.length) {
      if (this.used === CHUNK_SIZE) {
        // More plaintext follows, so the held chunk is not the last.
        await this.sealChunk(this.held, false);
        this.used = 0;
      }
      if (this.used === 0 && data.length - at > CHUNK_SIZE) {
        // Straight from the caller's bytes: a chunk with more after it cannot be the last.
        await this.sealChunk(data.subarray(at, at + CHUNK_SIZE), false);
        at += CHUNK_SIZE;
        continue;
      }
      const n = Math.min(CHUNK_SIZE - this.used, data.length - at);
      this.held.set(data.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
    }
  }

  /** Seals what is held as the final chunk. */
  async final(): Promise<void> {
    if (this.finished) throw new Error('the payload is already sealed');
    this.finished = true;
    await this.sealChunk(this.held.subarray(0, this.used), true);
  }

  private async sealChunk(plain: Uint8Array, last: boolean): Promise<void> {
    const sealed = await this.cipher.seal(chunkNonce(this.nonce, this.counter, last), plain);
    this.counter++;
    await this.emit(sealed);
  }
}
