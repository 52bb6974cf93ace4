// unwrapFileKey decides its kinds from which identity age-encryption consulted, not from the
// library's messages. These tests pin the library behaviour that relies on (age-encryption 0.3.1
// consults identities in order and stops at the first that returns a key or throws), so an update
// that changes it fails here rather than misreporting files.
import { describe, expect, it } from 'vitest';
import { Decrypter, Encrypter, type Identity } from 'age-encryption';
import { ByteReader } from '../../src/age/bytereader';
import { AgeError } from '../../src/age/errors';
import { encryptAgeBytes } from '../../src/age/encrypt';
import { bytesSource } from '../../src/age/gate';
import { readHeader, type AgeHeader } from '../../src/age/header';
import { MAX_SCRYPT_WORK_FACTOR, unwrapFileKey, type UnwrapOptions } from '../../src/age/unwrap';
import { seedToIdentity, seedToRecipient } from '../../src/crypto/keys';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const OTHER = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
const KEY_ID = '86023963e580d6a0';

async function headerOf(file: Uint8Array): Promise<AgeHeader> {
  return readHeader(new ByteReader(bytesSource(file)()));
}

async function kind(header: AgeHeader, options: UnwrapOptions): Promise<string> {
  try {
    await unwrapFileKey(header, options);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(AgeError);
    return (e as AgeError).kind;
  }
}

/** Flips a bit of the header MAC while keeping its base64 canonical (first character). */
function breakMac(header: AgeHeader): AgeHeader {
  const bytes = header.bytes.slice();
  const at = bytes.length - 44; // first of the 43 MAC characters
  bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
  return { ...header, bytes };
}

describe('age-encryption behaviour we rely on', () => {
  it('consults identities in order and stops at the first key', async () => {
    const file = await encryptAgeBytes(new Uint8Array(1), { recipients: [await seedToRecipient(SEED, 'classic')] });
    const calls: string[] = [];
    const spy = (name: string): Identity => ({ unwrapFileKey: () => (calls.push(name), null) });
    const d = new Decrypter();
    d.addIdentity(spy('a'));
    d.addIdentity(seedToIdentity(SEED, 'classic'));
    d.addIdentity(spy('b'));
    await d.decryptHeader((await headerOf(file)).bytes);
    expect(calls).toEqual(['a']);
  });
});

describe('unwrapFileKey', () => {
  it('returns the file key and which identity opened it', async () => {
    const file = await encryptAgeBytes(new Uint8Array(1), { recipients: [await seedToRecipient(SEED, 'pq')], keyId: KEY_ID });
    const h = await headerOf(file);
    const r = await unwrapFileKey(h, { identities: [seedToIdentity(OTHER, 'classic'), seedToIdentity(SEED, 'classic'), seedToIdentity(SEED, 'pq')], keyIds: [KEY_ID] });
    expect(r.identityIndex).toBe(2);
    expect(r.fileKey.length).toBe(16);
  });

  it('no-match when nothing unwraps; wrong-key when the key-id stanza names another key', async () => {
    const recipient = await seedToRecipient(SEED, 'classic');
    const plain = await headerOf(await encryptAgeBytes(new Uint8Array(1), { recipients: [recipient] }));
    const tagged = await headerOf(await encryptAgeBytes(new Uint8Array(1), { recipients: [recipient], keyId: KEY_ID }));
    const other = { identities: [seedToIdentity(OTHER, 'classic'), seedToIdentity(OTHER, 'pq')] };
    expect(await kind(plain, other)).toBe('no-match');
    expect(await kind(tagged, other)).toBe('no-match'); // no key ids given: nothing to compare
    expect(await kind(tagged, { ...other, keyIds: ['0000000000000000'] })).toBe('wrong-key');
    expect(await kind(tagged, { ...other, keyIds: [KEY_ID] })).toBe('no-match'); // names our key, does not open: altered
  });

  it('unwrap when our stanza opens but the header MAC does not verify', async () => {
    const h = await headerOf(await encryptAgeBytes(new Uint8Array(1), { recipients: [await seedToRecipient(SEED, 'classic')], keyId: KEY_ID }));
    expect(await kind(h, { identities: [seedToIdentity(SEED, 'classic')] })).toBe('ok');
    expect(await kind(breakMac(h), { identities: [seedToIdentity(SEED, 'classic')] })).toBe('unwrap');
    // the MAC check outranks the key-id comparison: a wrong key id under a broken MAC is damage
    expect(await kind(breakMac(h), { identities: [seedToIdentity(SEED, 'classic')], keyIds: ['0000000000000000'] })).toBe('unwrap');
  });

  it('header when a file opens with our key but names another key id', async () => {
    const h = await headerOf(await encryptAgeBytes(new Uint8Array(1), { recipients: [await seedToRecipient(SEED, 'classic')], keyId: 'ffffffffffffffff' }));
    expect(await kind(h, { identities: [seedToIdentity(SEED, 'classic')], keyIds: [KEY_ID] })).toBe('header');
  });

  it('opens passphrase files and refuses work factors above the limit before computing', async () => {
    const e = new Encrypter();
    e.setPassphrase('correct horse');
    e.setScryptWorkFactor(10);
    const h = await headerOf(await e.encrypt(new Uint8Array(1)));
    expect(await kind(h, { identities: [{ passphrase: 'correct horse' }] })).toBe('ok');
    expect(await kind(h, { identities: [{ passphrase: 'wrong' }] })).toBe('no-match');
    expect(await kind(h, { identities: [{ passphrase: 'correct horse' }], maxScryptWorkFactor: 9 })).toBe('work-factor');
    expect(MAX_SCRYPT_WORK_FACTOR).toBe(20);
    const high = { ...h, stanzas: [{ ...h.stanzas[0]!, args: ['scrypt', h.stanzas[0]!.args[1]!, '21'] }] };
    const t0 = performance.now();
    expect(await kind(high, { identities: [{ passphrase: 'correct horse' }] })).toBe('work-factor');
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
