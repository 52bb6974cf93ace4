import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_NAME, DB_VERSION, openChatSealDb, type KeysRecord } from '../../src/store/db';
import { deriveMacKey, generateSeed } from '../../src/crypto/keys';

let n = 0;
const names: string[] = [];
function freshName(): string {
  const name = `chatseal-test-${n++}`;
  names.push(name);
  return name;
}
afterEach(async () => {
  for (const name of names.splice(0)) await deleteDB(name);
});

describe('openChatSealDb', () => {
  it('defaults to the database "chatseal" at version 2', async () => {
    expect(DB_NAME).toBe('chatseal');
    expect(DB_VERSION).toBe(2);
    const db = await openChatSealDb();
    expect(db.name).toBe('chatseal');
    expect(db.version).toBe(2);
    db.close();
    await deleteDB('chatseal');
  });

  it('creates exactly the keys, keyring and outbox stores, keyed by id', async () => {
    const db = await openChatSealDb(freshName());
    expect([...db.objectStoreNames].sort()).toEqual(['keyring', 'keys', 'outbox']);
    expect(db.transaction('keys').store.keyPath).toBe('id');
    expect(db.transaction('keyring').store.keyPath).toBe('id');
    expect(db.transaction('outbox').store.keyPath).toBe('id');
    db.close();
  });

  it('upgrades a version 1 database to version 2, keeping its records and adding the outbox', async () => {
    const name = freshName();
    const v1 = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore('keys', { keyPath: 'id' });
        d.createObjectStore('keyring', { keyPath: 'id' });
      },
    });
    await v1.put('keyring', { id: 'current', file: new Uint8Array([9]), keyIds: ['aa'], updatedAt: '2026-01-01T00:00:00.000Z' });
    v1.close();
    const db = await openChatSealDb(name);
    expect(db.version).toBe(2);
    expect([...db.objectStoreNames].sort()).toEqual(['keyring', 'keys', 'outbox']);
    expect((await db.get('keyring', 'current'))?.keyIds).toEqual(['aa']);
    expect(await db.count('outbox')).toBe(0);
    db.close();
  });

  it('stores a keys record with a non-extractable CryptoKey and bytes, and reads it back', async () => {
    const name = freshName();
    const db = await openChatSealDb(name);
    const record: KeysRecord = {
      id: 'current',
      keyId: '0011223344556677',
      keyType: 'pq',
      mode: 'password',
      recipient: 'age1pq1example',
      createdAt: '2026-01-01T00:00:00.000Z',
      confirmedAt: '2026-01-01T00:00:00.000Z',
      lastCheckedAt: null,
      macKey: await deriveMacKey(generateSeed()),
      keyFile: new Uint8Array([1, 2, 3]),
    };
    await db.put('keys', record);
    db.close();
    const again = await openChatSealDb(name);
    const back = await again.get('keys', 'current');
    expect(back?.keyFile).toEqual(new Uint8Array([1, 2, 3]));
    expect(back?.macKey.extractable).toBe(false);
    expect(back?.macKey.algorithm).toMatchObject({ name: 'HMAC' });
    again.close();
  });

  it('closes itself when a newer version is opened elsewhere (no blocked upgrade)', async () => {
    const name = freshName();
    const db = await openChatSealDb(name);
    const newer = await openDB(name, 3, {
      upgrade(d) {
        d.createObjectStore('later');
      },
    });
    expect(newer.version).toBe(3);
    expect([...newer.objectStoreNames].sort()).toEqual(['keyring', 'keys', 'later', 'outbox']);
    newer.close();
    expect(() => db.transaction('keys')).toThrow();
  });
});
