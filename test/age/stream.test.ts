// Our STREAM decryption: each way a payload can end or break gets its own kind.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/age/bytereader';
import { AgeError } from '../../src/age/errors';
import { encryptAgeBytes } from '../../src/age/encrypt';
import { bytesSource } from '../../src/age/gate';
import { readHeader } from '../../src/age/header';
import { CHUNK_SIZE, CHUNK_WITH_TAG, chunkCount, decryptPayload, payloadKey, plaintextLength, type StreamOptions } from '../../src/age/stream';
import { unwrapFileKey } from '../../src/age/unwrap';
import { concatBytes } from '../../src/crypto/bytes';
import type { ChunkCipherFactory } from '../../src/age/primitives';
import { nobleChaCha20Poly1305 } from '../../src/age/primitives';
import { byteStreamOf } from './byte-streams';

const IDENTITY = 'AGE-SECRET-KEY-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0SWRYDWG';
const RECIPIENT = 'age13aqvttdk3ujkyjh9kg2w5an6dmy5mq5a84a4uxk3hfhnugfc9p0sy5p2wh';

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 255);
}

/**
 * Decrypts the payload of `file`; returns the plaintext or the AgeError. `piece`: read from a byte
 * stream (BYOB, into the reader's window) answering at most that many bytes per pull.
 */
async function run(file: Uint8Array, options: StreamOptions = {}, piece?: number): Promise<Uint8Array | AgeError> {
  const reader = new ByteReader(piece === undefined ? bytesSource(file, 10_000)() : byteStreamOf(file, piece).stream);
  const header = await readHeader(reader);
  const { fileKey } = await unwrapFileKey(header, { identities: [IDENTITY] });
  const parts: Uint8Array[] = [];
  try {
    for await (const p of decryptPayload(reader, fileKey, null, options)) parts.push(p);
  } catch (e) {
    if (e instanceof AgeError) return e;
    throw e;
  }
  return concatBytes(...parts);
}

/** A file with a hand-made payload: chunks sealed as given (plaintext, last flag). */
async function handMade(chunks: [Uint8Array, boolean][]): Promise<Uint8Array> {
  const base = await encryptAgeBytes(new Uint8Array(0), { recipients: [RECIPIENT] });
  const reader = new ByteReader(bytesSource(base)());
  const header = await readHeader(reader);
  const { fileKey } = await unwrapFileKey(header, { identities: [IDENTITY] });
  const nonce = new Uint8Array(16).fill(9);
  const key = payloadKey(fileKey, nonce);
  const sealed = chunks.map(([plain, last], i) => {
    const n = new Uint8Array(12);
    n[10] = i;
    n[11] = last ? 1 : 0;
    return chacha20poly1305(key, n).encrypt(plain);
  });
  return concatBytes(header.bytes, nonce, ...sealed);
}

const padded = (n: number) => n % 512 === 0;

/** Byte equality without vitest's element-by-element diffing, which is slow on large arrays. */
function same(a: Uint8Array | AgeError, b: Uint8Array): boolean {
  return a instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
}

describe('decryptPayload', () => {
  it.each([0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])('round-trips %i bytes', async (n) => {
    const plain = bytes(n);
    expect(same(await run(await encryptAgeBytes(plain, { recipients: [RECIPIENT] })), plain)).toBe(true);
  });

  it('calls a file cut at a chunk boundary truncated (the last full chunk opens only as non-final)', async () => {
    const file = await encryptAgeBytes(bytes(3 * CHUNK_SIZE + 10), { recipients: [RECIPIENT] });
    const headerEnd = file.length - 16 - (3 * CHUNK_WITH_TAG + 26);
    for (const k of [1, 2, 3]) {
      const e = await run(file.subarray(0, headerEnd + 16 + k * CHUNK_WITH_TAG));
      expect(e).toMatchObject({ kind: 'truncated', extra: { chunk: k - 1 } });
    }
    expect(await run(file.subarray(0, headerEnd + 16))).toMatchObject({ kind: 'truncated' });
    expect(await run(file.subarray(0, headerEnd + 10))).toMatchObject({ kind: 'truncated' });
    expect(await run(file.subarray(0, headerEnd + 16 + CHUNK_WITH_TAG + 5))).toMatchObject({ kind: 'truncated' });
  });

  it('calls a cut inside a chunk truncated only with a plausibility rule that rules its length out', async () => {
    const file = await encryptAgeBytes(bytes(2 * CHUNK_SIZE), { recipients: [RECIPIENT] });
    const cut = file.subarray(0, file.length - 1);
    expect(await run(cut)).toMatchObject({ kind: 'payload' });
    expect(await run(cut, { plausibleLength: padded })).toMatchObject({ kind: 'truncated' });
    const sixteen = file.subarray(0, file.length - CHUNK_WITH_TAG + 16); // 16 bytes into the last chunk
    expect(await run(sixteen)).toMatchObject({ kind: 'payload' });
    expect(await run(sixteen, { plausibleLength: padded })).toMatchObject({ kind: 'truncated' });
  });

  it('calls bytes appended after a short final chunk corrupted, found by the plausible prefix', async () => {
    const file = await encryptAgeBytes(bytes(CHUNK_SIZE + 1024), { recipients: [RECIPIENT] });
    for (const extra of [1, 15, 16, 100, 512]) {
      const e = await run(concatBytes(file, new Uint8Array(extra)), { plausibleLength: padded });
      expect(e, `+${extra}`).toMatchObject({ kind: 'payload' });
      expect((e as AgeError).detail).toMatch(/follows the final chunk/);
    }
  });

  it('calls data after a full final chunk corrupted', async () => {
    const file = await encryptAgeBytes(bytes(2 * CHUNK_SIZE), { recipients: [RECIPIENT] });
    const e = await run(concatBytes(file, new Uint8Array(1)));
    expect(e).toMatchObject({ kind: 'payload', extra: { chunk: 1 } });
    expect((e as AgeError).detail).toMatch(/follows the final chunk/);
  });

  it('refuses an empty final chunk after a full one, and two final chunks', async () => {
    expect(await run(await handMade([[bytes(CHUNK_SIZE), false], [new Uint8Array(0), true]]))).toMatchObject({ kind: 'payload' });
    expect(await run(await handMade([[bytes(CHUNK_SIZE), true], [bytes(10), true]]))).toMatchObject({ kind: 'payload', extra: { chunk: 0 } });
    expect(same(await run(await handMade([[bytes(CHUNK_SIZE), false], [bytes(10), true]])), concatBytes(bytes(CHUNK_SIZE), bytes(10)))).toBe(true);
  });

  it('refuses a short chunk marked non-final and reordered chunks', async () => {
    expect(await run(await handMade([[bytes(10), false]]))).toMatchObject({ kind: 'payload' });
    const file = await encryptAgeBytes(bytes(3 * CHUNK_SIZE), { recipients: [RECIPIENT] });
    const start = file.length - 3 * CHUNK_WITH_TAG;
    const swapped = file.slice();
    swapped.set(file.subarray(start + CHUNK_WITH_TAG, start + 2 * CHUNK_WITH_TAG), start);
    swapped.set(file.subarray(start, start + CHUNK_WITH_TAG), start + CHUNK_WITH_TAG);
    expect(await run(swapped)).toMatchObject({ kind: 'payload', extra: { chunk: 0 } });
  });

  it('on a second pass, refuses a chunk whose tag differs from the first read', async () => {
    const file = await encryptAgeBytes(bytes(100), { recipients: [RECIPIENT] });
    const tags: Uint8Array[] = [];
    expect(await run(file, { onTag: (t) => tags.push(t) })).toEqual(bytes(100));
    expect(tags.length).toBe(1);
    expect(await run(file, { expectTags: tags })).toEqual(bytes(100));
    expect(await run(file, { expectTags: [new Uint8Array(16)] })).toMatchObject({ kind: 'changed' });
  });

  it('reads a byte stream (BYOB) to the same plaintext and the same failures as a chunked one', async () => {
    const file = await encryptAgeBytes(bytes(3 * CHUNK_SIZE + 10), { recipients: [RECIPIENT] });
    const headerEnd = file.length - 16 - (3 * CHUNK_WITH_TAG + 26);
    const cases: [string, Uint8Array][] = [['whole', file], ['+1 byte', concatBytes(file, new Uint8Array(1))], ['-1 byte', file.subarray(0, file.length - 1)]];
    for (const k of [1, 2, 3]) {
      const boundary = headerEnd + 16 + k * CHUNK_WITH_TAG;
      for (const d of [-1, 0, 1]) cases.push([`cut at chunk ${k} ${d}`, file.subarray(0, boundary + d)]);
    }
    for (const [label, bytesIn] of cases) {
      for (const options of [{}, { plausibleLength: padded }]) {
        const chunked = await run(bytesIn, options);
        for (const piece of [1000, 65_552, Infinity]) {
          const read = await run(bytesIn, options, piece);
          if (chunked instanceof AgeError) {
            expect(read, `${label} / ${piece}`).toBeInstanceOf(AgeError);
            expect({ kind: (read as AgeError).kind, extra: (read as AgeError).extra }, `${label} / ${piece}`).toEqual({ kind: chunked.kind, extra: chunked.extra });
          } else {
            expect(same(read, chunked), `${label} / ${piece}`).toBe(true);
          }
        }
      }
    }
  });

  it('lets the cipher free each chunk once the consumer asks for the next, when told it keeps none', async () => {
    const plain = bytes(3 * CHUNK_SIZE + 10);
    const file = await encryptAgeBytes(plain, { recipients: [RECIPIENT] });
    for (const releaseChunks of [true, false]) {
      const released: Uint8Array[] = [];
      const counting: ChunkCipherFactory = async (key) => ({ ...(await nobleChaCha20Poly1305(key)), release: (c) => void released.push(c) });
      const reader = new ByteReader(bytesSource(file)());
      const header = await readHeader(reader);
      const { fileKey } = await unwrapFileKey(header, { identities: [IDENTITY] });
      let at = 0;
      const yielded: Uint8Array[] = [];
      for await (const chunk of decryptPayload(reader, fileKey, null, { cipher: counting, releaseChunks })) {
        expect(released.includes(chunk)).toBe(false); // not while the consumer still has it
        expect(same(chunk, plain.subarray(at, at + chunk.length))).toBe(true);
        yielded.push(chunk);
        at += chunk.length;
      }
      expect(at).toBe(plain.length);
      expect(released).toEqual(releaseChunks ? yielded : []);
      if (releaseChunks) released.forEach((c, i) => expect(c).toBe(yielded[i]));
    }
  });

  it('computes plaintext sizes and chunk counts from ciphertext sizes', () => {
    expect(plaintextLength(16)).toBe(0);
    expect(plaintextLength(17)).toBe(1);
    expect(plaintextLength(CHUNK_WITH_TAG)).toBe(CHUNK_SIZE);
    expect(plaintextLength(CHUNK_WITH_TAG + 16)).toBeNull();
    expect(plaintextLength(CHUNK_WITH_TAG + 17)).toBe(CHUNK_SIZE + 1);
    expect(plaintextLength(15)).toBeNull();
    expect(plaintextLength(0)).toBeNull();
    expect(chunkCount(0)).toBe(1);
    expect(chunkCount(CHUNK_SIZE)).toBe(1);
    expect(chunkCount(CHUNK_SIZE + 1)).toBe(2);
  });
});
