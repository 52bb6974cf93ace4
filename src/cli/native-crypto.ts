// node:crypto's SHA-256 and ChaCha20-Poly1305 (OpenSSL, native) for the backup path, which
// otherwise runs on pure-JS defaults (src/age/primitives.ts). The bytes are the same either way:
// test/cli/native-crypto.test.ts compares them with @noble's.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { ChunkCipherFactory, CryptoPrimitives, Sha256Factory } from '../age/primitives';

const TAG = 16;

export const nodeSha256: Sha256Factory = () => {
  const hash = createHash('sha256');
  return {
    update: (data) => void hash.update(data),
    digest: () => new Uint8Array(hash.digest()),
  };
};

export const nodeChaCha20Poly1305: ChunkCipherFactory = (key) => ({
  seal: (nonce, plaintext) => {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
    const body = cipher.update(plaintext);
    cipher.final();
    const out = new Uint8Array(body.length + TAG);
    out.set(body);
    out.set(cipher.getAuthTag(), body.length);
    return out;
  },
  open: (nonce, sealed) => {
    if (sealed.length < TAG) return null;
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG));
    try {
      decipher.final(); // throws only when the tag does not authenticate
    } catch {
      return null;
    }
    return new Uint8Array(body.buffer, body.byteOffset, body.length);
  },
});

export const nodePrimitives: CryptoPrimitives = { sha256: nodeSha256, chacha20poly1305: nodeChaCha20Poly1305 };
