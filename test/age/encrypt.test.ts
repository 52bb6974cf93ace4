// Files we write are standard age: Debian's age 1.1.1 opens classic ones despite the key-id
// stanza, age-encryption opens post-quantum ones, and our own reader opens both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Decrypter } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/age/bytereader';
import { encryptAgeBytes, encryptAgeStream } from '../../src/age/encrypt';
import { bytesSource, decryptAgeBytes } from '../../src/age/gate';
import { readHeader } from '../../src/age/header';
import { keyIdRecipient } from '../../src/age/keyid';
import { seedToIdentity, seedToRecipient } from '../../src/crypto/keys';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY_ID = '86023963e580d6a0';
const text = new TextEncoder().encode('hello, age\n'.repeat(10_000)); // two chunks

describe('encryptAge', () => {
  it('puts the key-id stanza first, with an empty body', async () => {
    const file = await encryptAgeBytes(text, { recipients: [await seedToRecipient(SEED, 'classic')], keyId: KEY_ID });
    const h = await readHeader(new ByteReader(bytesSource(file)()));
    expect(new TextDecoder().decode(h.bytes).split('\n').slice(0, 3)).toEqual([
      'age-encryption.org/v1',
      `-> chatseal.app/key-id ${KEY_ID}`,
      '',
    ]);
    expect(h.stanzas.map((s) => s.args[0])).toEqual(['chatseal.app/key-id', 'X25519']);
  });

  it("is opened by Debian's age 1.1 (classic) with the stanza present", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chatseal-age-'));
    try {
      const file = await encryptAgeBytes(text, { recipients: [await seedToRecipient(SEED, 'classic')], keyId: KEY_ID });
      writeFileSync(path.join(dir, 'f.age'), file);
      writeFileSync(path.join(dir, 'id.txt'), seedToIdentity(SEED, 'classic') + '\n');
      const version = spawnSync('age', ['--version'], { encoding: 'utf8' });
      expect(version.stdout.trim()).toMatch(/^(v?1\.\d+\.\d+)/);
      const r = spawnSync('age', ['-d', '-i', path.join(dir, 'id.txt'), path.join(dir, 'f.age')]);
      expect(r.status, r.stderr?.toString()).toBe(0);
      expect(Buffer.from(r.stdout).equals(Buffer.from(text))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is opened by age-encryption (post-quantum) with the stanza present, and by our reader', async () => {
    const file = await encryptAgeBytes(text, { recipients: [await seedToRecipient(SEED, 'pq')], keyId: KEY_ID });
    const d = new Decrypter();
    d.addIdentity(seedToIdentity(SEED, 'pq'));
    expect(Buffer.from(await d.decrypt(file)).equals(Buffer.from(text))).toBe(true);
    const ours = await decryptAgeBytes(file, { identities: [seedToIdentity(SEED, 'pq')], keyIds: [KEY_ID] });
    expect(Buffer.from(ours).equals(Buffer.from(text))).toBe(true);
  });

  it('streams, and writes passphrase files our reader opens', async () => {
    const stream = await encryptAgeStream(new Blob([text]).stream(), { recipients: [await seedToRecipient(SEED, 'classic')] });
    const file = new Uint8Array(await new Response(stream).arrayBuffer());
    expect((await decryptAgeBytes(file, { identities: [seedToIdentity(SEED, 'classic')] })).length).toBe(text.length);
    const locked = await encryptAgeBytes(text.subarray(0, 100), { passphrase: 'open sesame', workFactor: 10 });
    expect((await decryptAgeBytes(locked, { identities: [{ passphrase: 'open sesame' }] })).length).toBe(100);
  });

  it('refuses bad key ids and no recipients', async () => {
    expect(() => keyIdRecipient('86023963E580D6A0')).toThrow(RangeError);
    await expect(encryptAgeBytes(text, { recipients: [] })).rejects.toThrow(RangeError);
  });
});
