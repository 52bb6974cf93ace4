// node:crypto's SHA-256 and ChaCha20-Poly1305, as the CLI injects them, give the same bytes as the
// pure-JS defaults, and refuse what they refuse.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agreesWithNoble, nobleChaCha20Poly1305, nobleSha256 } from '../../src/age/primitives';
import { nodeChaCha20Poly1305, nodePrimitives, nodeSha256 } from '../../src/cli/native-crypto';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('native primitives', () => {
  it('SHA-256 agrees with @noble/hashes for any split of the input', () => {
    for (const length of [0, 1, 63, 64, 65, 100_000]) {
      const data = new Uint8Array(randomBytes(length));
      for (const piece of [1, 64, 1000, Math.max(1, length)]) {
        if (piece === 1 && length > 1000) continue;
        const a = nodeSha256();
        const b = nobleSha256();
        for (let o = 0; o < length; o += piece) {
          a.update(data.subarray(o, o + piece));
          b.update(data.subarray(o, o + piece));
        }
        expect(hex(a.digest()), `${length}/${piece}`).toBe(hex(b.digest()));
      }
    }
  });

  it('ChaCha20-Poly1305 seals and opens as @noble/ciphers, and refuses tampering, other nonces and short input', async () => {
    expect(await agreesWithNoble(nodeChaCha20Poly1305)).toBe(true);
    for (const length of [0, 1, 16, 65_536]) {
      const key = new Uint8Array(randomBytes(32));
      const nonce = new Uint8Array(randomBytes(12));
      const plain = new Uint8Array(randomBytes(length));
      const native = await nodeChaCha20Poly1305(key);
      const noble = await nobleChaCha20Poly1305(key);
      const sealed = await native.seal(nonce, plain);
      expect(hex(sealed)).toBe(hex(await noble.seal(nonce, plain)));
      expect(hex((await native.open(nonce, sealed))!)).toBe(hex(plain));
      for (const at of [0, sealed.length - 1]) {
        const bad = sealed.slice();
        bad[at] = bad[at]! ^ 0x80;
        expect(await native.open(nonce, bad)).toBeNull();
      }
      const other = nonce.slice();
      other[11] = other[11]! ^ 1;
      expect(await native.open(other, sealed)).toBeNull();
    }
    expect(await (await nodeChaCha20Poly1305(new Uint8Array(32))).open(new Uint8Array(12), new Uint8Array(15))).toBeNull();
    expect(nodePrimitives).toEqual({ sha256: nodeSha256, chacha20poly1305: nodeChaCha20Poly1305 });
  });
});
