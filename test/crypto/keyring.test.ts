import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Decrypter, Encrypter } from 'age-encryption';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/crypto/bytes';
import { deriveKeyId, generateSeed, seedToIdentity, seedToRecipient, type KeyType } from '../../src/crypto/keys';
import {
  KeyringCorruptError,
  keyringPlaintext,
  KeyringWrongKeyError,
  openKeyring,
  sealKeyring,
  type KeyringEntry,
} from '../../src/crypto/keyring';

const dir = mkdtempSync(path.join(tmpdir(), 'chatseal-keyring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entry(type: KeyType, createdAt?: string): Promise<KeyringEntry> {
  const seed = generateSeed();
  return { seed, type, keyId: await deriveKeyId(seed), ...(createdAt ? { createdAt } : {}) };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('keyring', () => {
  it.each(['pq', 'classic'] as const)('round trip sealed to a %s current key, mixed older types', async (currentType) => {
    const current = await entry(currentType);
    const older = [await entry('pq', '2026-03-01T00:00:00.000Z'), await entry('classic'), await entry('pq', '2025-01-01T00:00:00.000Z')];
    const file = await sealKeyring(older, await seedToRecipient(current.seed, currentType));
    expect(await openKeyring(file, { seed: current.seed, type: currentType })).toEqual(older);
    // type unknown: both identities are tried
    expect(await openKeyring(file, { seed: current.seed })).toEqual(older);
  });

  it('an empty keyring opens to no entries', async () => {
    const current = await entry('pq');
    const file = await sealKeyring([], await seedToRecipient(current.seed, 'pq'));
    expect(await openKeyring(file, current)).toEqual([]);
  });

  it('its plaintext is an identity file: the older identities, each under its key id', async () => {
    const older = [await entry('pq', '2026-01-01T00:00:00.000Z'), await entry('classic')];
    const text = keyringPlaintext(older);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^# ChatSeal keyring/);
    expect(lines[1]).toBe(`# key id: ${older[0]!.keyId} (pq, created 2026-01-01T00:00:00.000Z)`);
    expect(lines[2]).toBe(seedToIdentity(older[0]!.seed, 'pq'));
    expect(lines[3]).toBe(`# key id: ${older[1]!.keyId} (classic)`);
    expect(lines[4]).toBe(seedToIdentity(older[1]!.seed, 'classic'));
    // age-encryption accepts each identity line as it is
    for (const l of [lines[2]!, lines[4]!]) new Decrypter().addIdentity(l);
  });

  it("Debian's age opens it with the current classic identity, and the output opens an old backup", async () => {
    const current = await entry('classic');
    const old = await entry('classic');
    const currentPath = path.join(dir, 'current.txt');
    const keyringPath = path.join(dir, 'keyring.age');
    const olderPath = path.join(dir, 'older.txt');
    const backupPath = path.join(dir, 'old-backup.age');
    writeFileSync(currentPath, `${seedToIdentity(current.seed, 'classic')}\n`);
    writeFileSync(keyringPath, await sealKeyring([old], await seedToRecipient(current.seed, 'classic')));
    const enc = new Encrypter();
    enc.addRecipient(await seedToRecipient(old.seed, 'classic'));
    writeFileSync(backupPath, await enc.encrypt('old backup'));

    const r = spawnSync('age', ['-d', '-i', currentPath, '-o', olderPath, keyringPath], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const r2 = spawnSync('age', ['-d', '-i', olderPath, backupPath], { encoding: 'utf8' });
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stdout).toBe('old backup');
  });

  it('another key: KeyringWrongKeyError', async () => {
    const current = await entry('pq');
    const file = await sealKeyring([await entry('pq')], await seedToRecipient(current.seed, 'pq'));
    expect(await rejection(openKeyring(file, { seed: generateSeed(), type: 'pq' }))).toBeInstanceOf(KeyringWrongKeyError);
    // the right seed under the wrong type is also another recipient
    expect(await rejection(openKeyring(file, { seed: current.seed, type: 'classic' }))).toBeInstanceOf(KeyringWrongKeyError);
  });

  it('a flipped payload byte: KeyringCorruptError', async () => {
    const current = await entry('classic');
    const file = await sealKeyring([await entry('pq')], await seedToRecipient(current.seed, 'classic'));
    const bad = new Uint8Array(file);
    bad[bad.length - 1]! ^= 0x80;
    expect(await rejection(openKeyring(bad, current))).toBeInstanceOf(KeyringCorruptError);
  });

  it('not an age file: KeyringCorruptError', async () => {
    expect(await rejection(openKeyring(utf8Encode('nope'), await entry('pq')))).toBeInstanceOf(KeyringCorruptError);
  });

  it('a key id comment that disagrees with its identity: KeyringCorruptError', async () => {
    const current = await entry('classic');
    const old = await entry('pq');
    const enc = new Encrypter();
    enc.addRecipient(await seedToRecipient(current.seed, 'classic'));
    const text = keyringPlaintext([old]).replace(old.keyId, '0000000000000000');
    expect(await rejection(openKeyring(await enc.encrypt(text), current))).toBeInstanceOf(KeyringCorruptError);
  });

  it('sealing refuses an entry whose key id does not match its seed', async () => {
    const e = await entry('pq');
    await expect(sealKeyring([{ ...e, keyId: '0123456789abcdef' }], await seedToRecipient(e.seed, 'pq'))).rejects.toThrow(
      /key id/,
    );
  });
});
