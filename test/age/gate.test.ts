// The release gate: no plaintext reaches the caller before the whole file authenticated, and the
// second pass must read what the first one authenticated.
import { Decrypter } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { encryptAgeBytes } from '../../src/age/encrypt';
import { AgeError } from '../../src/age/errors';
import { bytesSource, decryptAge, decryptAgeBytes } from '../../src/age/gate';
import { CHUNK_SIZE } from '../../src/age/stream';
import { seedToIdentity, seedToRecipient } from '../../src/crypto/keys';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const ID = seedToIdentity(SEED, 'classic');
const plain = Uint8Array.from({ length: 3 * CHUNK_SIZE + 100 }, (_, i) => i & 255);

async function file(): Promise<Uint8Array> {
  return encryptAgeBytes(plain, { recipients: [await seedToRecipient(SEED, 'classic')] });
}

describe('decryptAge', () => {
  it('authenticates everything before the first byte reaches the sink, then releases it all', async () => {
    const f = await file();
    let reads = 0;
    const source = () => {
      reads++;
      return bytesSource(f)();
    };
    const got: Uint8Array[] = [];
    const r = await decryptAge(source, { identities: [ID] }, (chunk) => {
      expect(reads).toBe(2); // pass 1 finished before pass 2 began releasing
      got.push(chunk);
    });
    expect(r).toMatchObject({ keyId: null, identityIndex: 0, chunks: 4, plaintext: plain.length });
    expect(Buffer.concat(got).equals(Buffer.from(plain))).toBe(true);
  });

  it('releases nothing when the last chunk is damaged, where age-encryption alone releases three chunks', async () => {
    const f = await file();
    f[f.length - 1]! ^= 1;
    let released = 0;
    await expect(decryptAge(bytesSource(f), { identities: [ID] }, (c) => void (released += c.length))).rejects.toMatchObject({ kind: 'payload' });
    expect(released).toBe(0);

    const d = new Decrypter();
    d.addIdentity(ID);
    const reader = (await d.decrypt(bytesSource(f)())).getReader();
    let leaked = 0;
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          leaked += value.length;
        }
      })(),
    ).rejects.toThrow();
    expect(leaked).toBe(3 * CHUNK_SIZE);
  });

  it('refuses a source that serves different bytes on the second pass', async () => {
    const f = await file();
    const altered = f.slice();
    altered[altered.length - 1000]! ^= 1;
    let call = 0;
    const source = () => bytesSource(call++ === 0 ? f : altered)();
    const e = await decryptAge(source, { identities: [ID] }, () => undefined).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AgeError);
    expect((e as AgeError).kind).toBe('changed');
  });

  it('has a single-pass helper for small files that returns only verified plaintext', async () => {
    const f = await file();
    expect(Buffer.from(await decryptAgeBytes(f, { identities: [ID] })).equals(Buffer.from(plain))).toBe(true);
    await expect(decryptAgeBytes(f.subarray(0, f.length - 1), { identities: [ID] })).rejects.toMatchObject({ kind: 'payload' });
  });
});
