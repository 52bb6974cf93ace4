// Our STREAM sealing (PayloadSealer) against age-encryption's own encryptSTREAM, byte for byte,
// for the same payload key: every length around the chunk size, every way of splitting the input,
// with @noble/ciphers and with node:crypto's ChaCha20-Poly1305. Then whole files: a header and
// nonce from age-encryption, our payload, opened by age-encryption, Debian's age and our reader.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Decrypter } from 'age-encryption';
// Not exported by the package: the reference STREAM implementation, read from its file.
import { encryptSTREAM } from '../../node_modules/age-encryption/dist/stream.js';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/age/bytereader';
import { beginAgeFile, encryptAgeStream } from '../../src/age/encrypt';
import { bytesSource, decryptAgeBytes } from '../../src/age/gate';
import { readHeader } from '../../src/age/header';
import { nobleChaCha20Poly1305, type ChunkCipherFactory } from '../../src/age/primitives';
import { CHUNK_SIZE, PayloadSealer } from '../../src/age/stream';
import { nodeChaCha20Poly1305 } from '../../src/cli/native-crypto';
import { seedToIdentity, seedToRecipient } from '../../src/crypto/keys';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY_ID = '86023963e580d6a0';

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function reference(key: Uint8Array, plain: Uint8Array): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(plain);
      c.close();
    },
  });
  return collect(input.pipeThrough(encryptSTREAM(key)));
}

async function ours(factory: ChunkCipherFactory, key: Uint8Array, plain: Uint8Array, piece: number): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  const sealer = new PayloadSealer(await factory(key), async (c) => void out.push(c));
  for (let o = 0; o < plain.length; o += piece) {
    // A copy the test then scribbles over: the sealer must not keep the caller's bytes.
    const part = plain.slice(o, o + piece);
    await sealer.update(part);
    part.fill(0xee);
  }
  await sealer.final();
  return Buffer.concat(out);
}

const LENGTHS = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 16, 3 * CHUNK_SIZE + 12345];

describe('PayloadSealer', () => {
  it.each([
    ['@noble/ciphers', nobleChaCha20Poly1305],
    ['node:crypto', nodeChaCha20Poly1305],
  ] as const)('seals exactly as age-encryption does, with %s', async (_name, factory) => {
    const key = new Uint8Array(randomBytes(32));
    for (const length of LENGTHS) {
      const plain = new Uint8Array(randomBytes(length));
      const want = await reference(key, plain);
      for (const piece of [1000, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 200_000, Math.max(1, length)]) {
        if (piece === 1000 && length > 2 * CHUNK_SIZE + 16) continue; // enough small-piece cases already
        expect(same(await ours(factory, key, plain, piece), want), `${length} bytes in pieces of ${piece}`).toBe(true);
      }
    }
  });

  it('refuses more plaintext after the final chunk', async () => {
    const sealer = new PayloadSealer(await nobleChaCha20Poly1305(new Uint8Array(32)), async () => undefined);
    await sealer.final();
    await expect(sealer.update(new Uint8Array(1))).rejects.toThrow(/already sealed/);
    await expect(sealer.final()).rejects.toThrow(/already sealed/);
  });
});

describe('beginAgeFile and encryptAgeStream', () => {
  const text = new Uint8Array(randomBytes(3 * CHUNK_SIZE + 777));

  it('start with the key-id stanza and the recipient stanza, then a fresh nonce', async () => {
    const recipient = await seedToRecipient(SEED, 'classic');
    const a = await beginAgeFile({ recipients: [recipient], keyId: KEY_ID });
    const b = await beginAgeFile({ recipients: [recipient], keyId: KEY_ID });
    const header = await readHeader(new ByteReader(bytesSource(a.prefix)()));
    expect(header.stanzas.map((s) => s.args[0])).toEqual(['chatseal.app/key-id', 'X25519']);
    expect(a.prefix.length).toBe(header.bytes.length + 16);
    expect(same(a.prefix, b.prefix)).toBe(false); // a new file key (and nonce) every time
    await expect(beginAgeFile({ recipients: [] })).rejects.toThrow(RangeError);
  });

  it.each([
    ['@noble/ciphers', nobleChaCha20Poly1305],
    ['node:crypto', nodeChaCha20Poly1305],
  ] as const)('write files that age-encryption and our reader open (%s)', async (_name, factory) => {
    for (const type of ['classic', 'pq'] as const) {
      const stream = await encryptAgeStream(new Blob([text]).stream(), { recipients: [await seedToRecipient(SEED, type)], keyId: KEY_ID }, factory);
      const file = await collect(stream);
      const d = new Decrypter();
      d.addIdentity(seedToIdentity(SEED, type));
      expect(same(await d.decrypt(file), text)).toBe(true);
      expect(same(await decryptAgeBytes(file, { identities: [seedToIdentity(SEED, type)], keyIds: [KEY_ID] }), text)).toBe(true);
    }
  });

  it("writes files Debian's age 1.1 opens", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chatseal-seal-'));
    try {
      const stream = await encryptAgeStream(new Blob([text]).stream(), { recipients: [await seedToRecipient(SEED, 'classic')], keyId: KEY_ID }, nodeChaCha20Poly1305);
      writeFileSync(path.join(dir, 'f.age'), await collect(stream));
      writeFileSync(path.join(dir, 'id.txt'), seedToIdentity(SEED, 'classic') + '\n');
      const r = spawnSync('age', ['-d', '-i', path.join(dir, 'id.txt'), path.join(dir, 'f.age')]);
      expect(r.status, r.stderr?.toString()).toBe(0);
      expect(same(r.stdout, text)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
