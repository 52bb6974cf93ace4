// The injectable primitives: defaults, the self-test that guards WebCrypto's ChaCha20-Poly1305,
// and the WebCrypto adapter's own logic (parameters, "does not open" versus real failures), driven
// here by a stand-in SubtleCrypto built on @noble/ciphers because Node 20 has no WebCrypto
// ChaCha20-Poly1305 (test/age/webcrypto-chacha.test.ts runs the real one in Chromium).
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  agreesWithNoble,
  defaultCipherName,
  detectChaCha20Poly1305,
  freeBuffer,
  nobleChaCha20Poly1305,
  nobleSha256,
  resolvePrimitives,
  webCryptoChaCha20Poly1305,
  type ChunkCipherFactory,
} from '../../src/age/primitives';

/** A SubtleCrypto with just ChaCha20-Poly1305, as the WICG draft shapes it. */
function fakeSubtle(options: { corrupt?: boolean; failWith?: string } = {}) {
  const calls: string[] = [];
  const keys = new WeakMap<object, Uint8Array>();
  const subtle = {
    async importKey(format: string, raw: Uint8Array, algorithm: { name: string }, extractable: boolean, usages: string[]) {
      calls.push(`importKey ${format} ${algorithm.name} ${extractable} ${usages.join(',')}`);
      const k = {};
      keys.set(k, new Uint8Array(raw));
      return k;
    },
    async encrypt(params: { name: string; iv: Uint8Array }, key: object, data: Uint8Array) {
      const out = chacha20poly1305(keys.get(key)!, params.iv).encrypt(new Uint8Array(data));
      if (options.corrupt === true && out.length > 0) out[0] = out[0]! ^ 1;
      return out.buffer;
    },
    async decrypt(params: { name: string; iv: Uint8Array }, key: object, data: Uint8Array) {
      if (options.failWith !== undefined) throw new DOMException('boom', options.failWith);
      try {
        return chacha20poly1305(keys.get(key)!, params.iv).decrypt(new Uint8Array(data)).buffer;
      } catch {
        throw new DOMException('tag mismatch', 'OperationError');
      }
    },
  };
  return { subtle: subtle as unknown as SubtleCrypto, calls };
}

describe('crypto primitives', () => {
  it('default to @noble unless WebCrypto has ChaCha20-Poly1305 (Node 20 does not), decided once per realm', async () => {
    const webCryptoHasIt = await crypto.subtle
      .importKey('raw-secret' as 'raw', new Uint8Array(32), { name: 'ChaCha20-Poly1305' }, false, ['encrypt'])
      .then(() => true, () => false);
    expect(await defaultCipherName()).toBe(webCryptoHasIt ? 'webcrypto' : 'noble');
    expect(await detectChaCha20Poly1305()).toBe(await detectChaCha20Poly1305());
    const p = await resolvePrimitives();
    expect(p.sha256).toBe(nobleSha256);
    expect(p.chacha20poly1305).toBe(await detectChaCha20Poly1305());
    if (!webCryptoHasIt) expect(p.chacha20poly1305).toBe(nobleChaCha20Poly1305);
    const mine: ChunkCipherFactory = (key) => nobleChaCha20Poly1305(key);
    expect((await resolvePrimitives({ chacha20poly1305: mine })).chacha20poly1305).toBe(mine);
  });

  it('noble SHA-256 hashes incrementally as in one go', () => {
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => i & 255);
    const h = nobleSha256();
    for (let o = 0; o < data.length; o += 7777) h.update(data.subarray(o, o + 7777));
    expect(h.digest()).toEqual(sha256(data));
  });

  it('the WebCrypto adapter imports a raw-secret key, seals, opens, and says null only for a tag mismatch', async () => {
    const { subtle, calls } = fakeSubtle();
    const factory = webCryptoChaCha20Poly1305(subtle);
    expect(await agreesWithNoble(factory)).toBe(true);
    expect(calls[0]).toBe('importKey raw-secret ChaCha20-Poly1305 false encrypt,decrypt');
    const key = new Uint8Array(32).fill(5);
    const nonce = new Uint8Array(12);
    const cipher = await factory(key);
    const sealed = await cipher.seal(nonce, new Uint8Array([1, 2, 3]));
    expect(sealed).toEqual(chacha20poly1305(key, nonce).encrypt(new Uint8Array([1, 2, 3])));
    expect(await cipher.open(nonce, sealed)).toEqual(new Uint8Array([1, 2, 3]));
    sealed[1] = sealed[1]! ^ 1;
    expect(await cipher.open(nonce, sealed)).toBeNull();
    const broken = await webCryptoChaCha20Poly1305(fakeSubtle({ failWith: 'NotSupportedError' }).subtle)(key);
    await expect(broken.open(nonce, sealed)).rejects.toThrow('boom');
  });

  it('the self-test refuses an implementation that seals different bytes', async () => {
    expect(await agreesWithNoble(webCryptoChaCha20Poly1305(fakeSubtle({ corrupt: true }).subtle))).toBe(false);
    expect(await agreesWithNoble(nobleChaCha20Poly1305)).toBe(true);
    const opensAnything: ChunkCipherFactory = (key) => ({
      seal: (nonce, plain) => chacha20poly1305(key, nonce).encrypt(plain),
      open: (nonce, sealed) => sealed.subarray(0, sealed.length - 16),
    });
    expect(await agreesWithNoble(opensAnything)).toBe(false);
  });

  it('free a whole buffer at once where the runtime can (ArrayBuffer transfer), and nothing else', async () => {
    // Node 20 has no ArrayBuffer.prototype.transfer: give these buffers one, as Chromium has.
    const withTransfer = (bytes: Uint8Array) => {
      const calls: number[] = [];
      Object.defineProperty(bytes.buffer, 'transfer', { value: (n: number) => void calls.push(n) });
      return calls;
    };
    const whole = new Uint8Array(64);
    const wholeCalls = withTransfer(whole);
    freeBuffer(whole);
    expect(wholeCalls).toEqual([0]);
    const part = new Uint8Array(64).subarray(8, 16); // a view of part of a buffer: not ours to free
    const partCalls = withTransfer(part);
    freeBuffer(part);
    expect(partCalls).toEqual([]);
    expect(() => freeBuffer(new Uint8Array(8))).not.toThrow(); // no transfer here: left to the collector
    // Ciphers whose outputs are fresh whole buffers offer it; their outputs qualify.
    const key = new Uint8Array(32).fill(7);
    const nonce = new Uint8Array(12);
    const noble = await nobleChaCha20Poly1305(key);
    const web = await webCryptoChaCha20Poly1305(fakeSubtle().subtle)(key);
    expect(noble.release).toBe(freeBuffer);
    expect(web.release).toBe(freeBuffer);
    for (const cipher of [noble, web]) {
      const sealed = await cipher.seal(nonce, new Uint8Array(100));
      expect(sealed.byteOffset === 0 && sealed.byteLength === sealed.buffer.byteLength).toBe(true);
      const opened = (await cipher.open(nonce, sealed))!;
      expect(opened.byteOffset === 0 && opened.byteLength === opened.buffer.byteLength).toBe(true);
    }
  });
});
