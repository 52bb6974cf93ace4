// The two primitives the backup path spends its time in: incremental SHA-256 (entry hashes) and
// ChaCha20-Poly1305 (age's STREAM chunks). They are injectable because the fastest one depends on
// where the code runs, and src/age and src/backup must stay free of Node built-ins: the CLI passes
// node:crypto's (src/cli/native-crypto.ts); the extension gets these defaults, which are pure JS
// (@noble) except that ChaCha20-Poly1305 goes through WebCrypto where the browser has it (Chromium
// 156: about twice @noble/ciphers' speed), after a self-test against @noble/ciphers. Every
// implementation must produce the same bytes: test/age/primitives.test.ts compares them.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { asBufferSource } from '../crypto/bytes';

/** An incremental SHA-256; `digest` is called once, after the last `update`. */
export interface Sha256 {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}
export type Sha256Factory = () => Sha256;

/**
 * ChaCha20-Poly1305 (RFC 8439) under one key, without associated data: `seal` returns ciphertext ‖
 * 16-byte tag; `open` returns the plaintext, or null when the tag does not authenticate (and only
 * then: any other failure throws). The output never aliases the input, and the input may be
 * reused by the caller once the call has returned or settled.
 */
export interface ChunkCipher {
  seal(nonce: Uint8Array, plaintext: Uint8Array): Uint8Array | Promise<Uint8Array>;
  open(nonce: Uint8Array, sealed: Uint8Array): Uint8Array | null | Promise<Uint8Array | null>;
  /**
   * Optional: the caller is done with `output`, which this cipher returned and nobody else holds;
   * the cipher may free its memory now rather than when the garbage collector gets to it. `output`
   * must not be used afterwards. Only ciphers whose outputs are fresh, unshared buffers have it.
   */
  release?(output: Uint8Array): void;
}
export type ChunkCipherFactory = (key: Uint8Array) => ChunkCipher | Promise<ChunkCipher>;

export interface CryptoPrimitives {
  sha256: Sha256Factory;
  chacha20poly1305: ChunkCipherFactory;
}

export const nobleSha256: Sha256Factory = () => sha256.create();

/**
 * Frees a buffer's memory at once: ES2024's ArrayBuffer.prototype.transfer(0) detaches it (Chromium
 * 114+, Firefox 122+). Without it (Node 20) the garbage collector frees it later, as before.
 * Only for a view that spans a whole buffer the caller exclusively owns.
 */
export function freeBuffer(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength || typeof buffer.transfer !== 'function') return;
  buffer.transfer(0);
}

export const nobleChaCha20Poly1305: ChunkCipherFactory = (key) => ({
  // Outputs are fresh arrays of their exact length, so release may free them.
  release: freeBuffer,
  seal: (nonce, plaintext) => chacha20poly1305(key, nonce).encrypt(plaintext),
  open: (nonce, sealed) => {
    try {
      return chacha20poly1305(key, nonce).decrypt(sealed);
    } catch {
      // With well-formed inputs (ours are, by construction) noble throws only on a tag mismatch.
      return null;
    }
  },
});

const WEBCRYPTO_CHACHA = 'ChaCha20-Poly1305';

/** WebCrypto's ChaCha20-Poly1305 (WICG "Modern Algorithms in WebCrypto"; key format raw-secret). */
export function webCryptoChaCha20Poly1305(subtle: SubtleCrypto = crypto.subtle): ChunkCipherFactory {
  return async (key) => {
    const cryptoKey = await subtle.importKey('raw-secret' as 'raw', asBufferSource(key), { name: WEBCRYPTO_CHACHA }, false, ['encrypt', 'decrypt']);
    return {
      // Every output is a new ArrayBuffer of WebCrypto's, whole: release may free it.
      release: freeBuffer,
      seal: async (nonce, plaintext) =>
        new Uint8Array(await subtle.encrypt({ name: WEBCRYPTO_CHACHA, iv: asBufferSource(nonce) }, cryptoKey, asBufferSource(plaintext))),
      open: async (nonce, sealed) => {
        try {
          return new Uint8Array(await subtle.decrypt({ name: WEBCRYPTO_CHACHA, iv: asBufferSource(nonce) }, cryptoKey, asBufferSource(sealed)));
        } catch (e) {
          // WebCrypto reports a tag mismatch as OperationError; anything else is not "does not open".
          if (isOperationError(e)) return null;
          throw e;
        }
      },
    };
  };
}

function isOperationError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'OperationError';
}

/**
 * Whether `factory` seals and opens exactly as @noble/ciphers does: a few chunk shapes (empty,
 * short, one full 64 KiB chunk) under a fixed key and nonce, a round trip, and a refused tamper.
 */
export async function agreesWithNoble(factory: ChunkCipherFactory): Promise<boolean> {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 3 + 1);
  const nonce = Uint8Array.from({ length: 12 }, (_, i) => (i === 11 ? 1 : i));
  const reference = await nobleChaCha20Poly1305(key);
  const candidate = await factory(key);
  for (const length of [0, 1, 63, 64 * 1024]) {
    const plain = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 255);
    const want = (await reference.seal(nonce, plain)) as Uint8Array;
    const got = await candidate.seal(nonce, plain);
    if (!sameBytes(want, got)) return false;
    const opened = await candidate.open(nonce, want);
    if (opened === null || !sameBytes(opened, plain)) return false;
    const tampered = want.slice();
    tampered[0] = tampered[0]! ^ 1;
    if ((await candidate.open(nonce, tampered)) !== null) return false;
  }
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

let detected: Promise<ChunkCipherFactory> | undefined;

/**
 * WebCrypto's ChaCha20-Poly1305 when this runtime has it and it passes the self-test, otherwise
 * @noble/ciphers. Decided once per JS realm.
 */
export function detectChaCha20Poly1305(): Promise<ChunkCipherFactory> {
  detected ??= (async () => {
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) return nobleChaCha20Poly1305;
    const candidate = webCryptoChaCha20Poly1305(subtle);
    try {
      return (await agreesWithNoble(candidate)) ? candidate : nobleChaCha20Poly1305;
    } catch {
      return nobleChaCha20Poly1305; // the algorithm or the key format is not supported here
    }
  })();
  return detected;
}

/** Which cipher the defaults use here: for benchmarks and diagnostics. */
export async function defaultCipherName(): Promise<'webcrypto' | 'noble'> {
  return (await detectChaCha20Poly1305()) === nobleChaCha20Poly1305 ? 'noble' : 'webcrypto';
}

/** The given primitives, with the defaults filled in for those not given. */
export async function resolvePrimitives(given: Partial<CryptoPrimitives> = {}): Promise<CryptoPrimitives> {
  return {
    sha256: given.sha256 ?? nobleSha256,
    chacha20poly1305: given.chacha20poly1305 ?? (await detectChaCha20Poly1305()),
  };
}
