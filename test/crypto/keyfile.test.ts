import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Encrypter } from 'age-encryption';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/crypto/bytes';
import {
  KEY_FILE_WORK_FACTOR,
  KeyFileCorruptError,
  keyFilePlaintext,
  openKeyFile,
  sealKeyFile,
  WrongPasswordError,
} from '../../src/crypto/keyfile';
import { deriveKeyId, generateSeed, seedToIdentity, seedToRecipient } from '../../src/crypto/keys';
import { runInPty } from '../helpers/pty';

// Low work factor for everything except the tests about the work factor itself (named below).
const FAST = { workFactor: 10 } as const;
const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const dir = mkdtempSync(path.join(tmpdir(), 'chatseal-keyfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function header(bytes: Uint8Array): string {
  const text = new TextDecoder('latin1').decode(bytes);
  return text.slice(0, text.indexOf('\n---'));
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Decrypts with Debian's age, typing the password into its terminal prompt. */
async function ageDecrypt(file: Uint8Array, password: string): Promise<{ code: number | null; out: string }> {
  const name = `kf-${Math.random().toString(36).slice(2)}`;
  const inPath = path.join(dir, `${name}.age`);
  const outPath = path.join(dir, `${name}.txt`);
  writeFileSync(inPath, file);
  const r = await runInPty('age', ['-d', '-o', outPath, inPath], {
    answers: [{ prompt: 'Enter passphrase', text: password }],
  });
  let out = '';
  try {
    out = readFileSync(outPath, 'utf8');
  } catch {
    out = '';
  }
  return { code: r.code, out: r.code === 0 ? out : r.output };
}

describe('sealKeyFile / openKeyFile', () => {
  it.each(['pq', 'classic'] as const)('%s: round trip gives the seed, type, key id and date', async (type) => {
    const seed = generateSeed();
    const file = await sealKeyFile(seed, type, 'correct horse battery staple', { ...FAST, createdAt: '2026-01-02T03:04:05.000Z' });
    expect(header(file)).toMatch(/^age-encryption\.org\/v1\n-> scrypt [A-Za-z0-9+/]{22} 10\n/);
    const opened = await openKeyFile(file, 'correct horse battery staple');
    expect(opened).toEqual({
      seed,
      type,
      keyId: await deriveKeyId(seed),
      createdAt: '2026-01-02T03:04:05.000Z',
      workFactor: 10,
    });
  });

  it('the plaintext is an age identity file with ChatSeal comments', () => {
    expect(keyFilePlaintext('AGE-SECRET-KEY-1XYZ', '0011223344556677', '2026-01-01T00:00:00.000Z')).toBe(
      '# ChatSeal key file\n# key id: 0011223344556677\n# created: 2026-01-01T00:00:00.000Z\nAGE-SECRET-KEY-1XYZ\n',
    );
  });

  it('refuses an empty password', async () => {
    await expect(sealKeyFile(SEED, 'pq', '', FAST)).rejects.toThrow(RangeError);
  });

  it('a wrong password is WrongPasswordError', async () => {
    const file = await sealKeyFile(SEED, 'pq', 'right password', FAST);
    expect(await rejection(openKeyFile(file, 'wrong password'))).toBeInstanceOf(WrongPasswordError);
  });

  it('uses the password exactly as typed: no trim, no case folding, no Unicode normalisation', async () => {
    const typed = ' Cafe\u0301 pass '; // trailing/leading spaces, decomposed é (NFD)
    const file = await sealKeyFile(SEED, 'classic', typed, FAST);
    expect((await openKeyFile(file, typed)).seed).toEqual(SEED);
    expect(typed.normalize('NFC')).not.toBe(typed);
    for (const other of [typed.trim(), typed.normalize('NFC'), typed.toLowerCase(), `${typed}\n`]) {
      expect(await rejection(openKeyFile(file, other))).toBeInstanceOf(WrongPasswordError);
    }
  });
});

describe('precise errors for damaged or foreign files', () => {
  it('not an age file', async () => {
    const e = await rejection(openKeyFile(utf8Encode('hello, not age'), 'pw'));
    expect(e).toBeInstanceOf(KeyFileCorruptError);
    expect((e as KeyFileCorruptError).kind).toBe('not-age');
  });

  it('an age file for a recipient, not a password', async () => {
    const enc = new Encrypter();
    enc.addRecipient(await seedToRecipient(SEED, 'classic'));
    const e = await rejection(openKeyFile(await enc.encrypt('x'), 'pw'));
    expect((e as KeyFileCorruptError).kind).toBe('not-password-file');
  });

  it('a payload byte changed after the right password: damaged, not wrong password', async () => {
    const file = await sealKeyFile(SEED, 'pq', 'pw', FAST);
    const bad = new Uint8Array(file);
    bad[bad.length - 5]! ^= 1;
    const e = await rejection(openKeyFile(bad, 'pw'));
    expect((e as KeyFileCorruptError).kind).toBe('damaged');
  });

  it('a changed header line (MAC fails after the right password): damaged', async () => {
    const file = await sealKeyFile(SEED, 'pq', 'pw', FAST);
    const text = new TextDecoder('latin1').decode(file);
    const mac = text.indexOf('\n--- ') + 5;
    const bad = new Uint8Array(file);
    bad[mac] = bad[mac] === 0x41 ? 0x42 : 0x41;
    const e = await rejection(openKeyFile(bad, 'pw'));
    expect((e as KeyFileCorruptError).kind).toBe('damaged');
  });

  it('a work factor above 2^20 is refused before scrypt runs', async () => {
    const file = await sealKeyFile(SEED, 'pq', 'pw', FAST);
    const text = new TextDecoder('latin1').decode(file);
    const patched = text.replace(/^(-> scrypt \S+) 10$/m, '$1 30');
    expect(patched).not.toBe(text);
    const start = performance.now();
    const e = await rejection(openKeyFile(Uint8Array.from(patched, (c) => c.charCodeAt(0)), 'pw'));
    expect((e as KeyFileCorruptError).kind).toBe('work-factor');
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('a malformed scrypt stanza', async () => {
    const file = await sealKeyFile(SEED, 'pq', 'pw', FAST);
    const text = new TextDecoder('latin1').decode(file);
    const patched = text.replace(/^(-> scrypt \S+) 10$/m, '$1 010');
    const e = await rejection(openKeyFile(Uint8Array.from(patched, (c) => c.charCodeAt(0)), 'pw'));
    expect((e as KeyFileCorruptError).kind).toBe('bad-stanza');
  });

  it('a password file that is not a ChatSeal key file', async () => {
    const enc = new Encrypter();
    enc.setPassphrase('pw');
    enc.setScryptWorkFactor(10);
    const e = await rejection(openKeyFile(await enc.encrypt('just some text\n'), 'pw'));
    expect((e as KeyFileCorruptError).kind).toBe('contents');
  });

  it('a key id comment that does not match the identity', async () => {
    const enc = new Encrypter();
    enc.setPassphrase('pw');
    enc.setScryptWorkFactor(10);
    const plain = keyFilePlaintext(seedToIdentity(SEED, 'pq'), 'ffffffffffffffff', '2026-01-01T00:00:00Z');
    const e = await rejection(openKeyFile(await enc.encrypt(plain), 'pw'));
    expect((e as KeyFileCorruptError).kind).toBe('contents');
    expect((e as Error).message).toContain('does not match');
  });
});

describe("Debian's age opens our key files (through a pseudo-terminal)", () => {
  it('with a password of spaces and non-ASCII letters, exactly as typed', async () => {
    const password = ' Grüße aus Köln 2026 ';
    const file = await sealKeyFile(SEED, 'classic', password, { ...FAST, createdAt: '2026-01-01T00:00:00.000Z' });
    const r = await ageDecrypt(file, password);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe(keyFilePlaintext(seedToIdentity(SEED, 'classic'), await deriveKeyId(SEED), '2026-01-01T00:00:00.000Z'));
    const wrong = await ageDecrypt(file, password.trim());
    expect(wrong.code).not.toBe(0);
  });

  it(`at the default work factor 2^${KEY_FILE_WORK_FACTOR} (the one slow test), both ways`, async () => {
    const seed = generateSeed();
    const file = await sealKeyFile(seed, 'pq', 'a long enough test password');
    expect(header(file)).toMatch(/\n-> scrypt \S{22} 18\n/);
    const r = await ageDecrypt(file, 'a long enough test password');
    expect(r.code, r.out).toBe(0);
    expect(r.out.split('\n').filter((l) => !l.startsWith('#') && l)).toEqual([seedToIdentity(seed, 'pq')]);
    expect((await openKeyFile(file, 'a long enough test password')).seed).toEqual(seed);
  });

  it('we open a key file that Debian\'s age wrote with -p (its own work factor, 18)', async () => {
    const seed = generateSeed();
    const plainPath = path.join(dir, 'identity.txt');
    const outPath = path.join(dir, 'from-go.age');
    writeFileSync(plainPath, keyFilePlaintext(seedToIdentity(seed, 'classic'), await deriveKeyId(seed), 'x'));
    const password = 'typed into age itself';
    const r = await runInPty('age', ['-p', '-o', outPath, plainPath], {
      answers: [
        { prompt: 'Enter passphrase', text: password },
        { prompt: 'Confirm passphrase', text: password },
      ],
    });
    expect(r.code, r.output).toBe(0);
    const opened = await openKeyFile(new Uint8Array(readFileSync(outPath)), password);
    expect(opened.seed).toEqual(seed);
    expect(opened.type).toBe('classic');
    expect(opened.workFactor).toBe(18);
    expect(opened.keyId).toBe(await deriveKeyId(seed));
  });
});
