import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/backup/outbox';
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
  it('defaults to the database "chatseal" at version 3', async () => {
    expect(DB_NAME).toBe('chatseal');
    expect(DB_VERSION).toBe(3);
    const db = await openChatSealDb();
    expect(db.name).toBe('chatseal');
    expect(db.version).toBe(3);
    db.close();
    await deleteDB('chatseal');
  });

  it('creates exactly the keys, keyring, outbox and outbox-files stores, keyed by id', async () => {
    const db = await openChatSealDb(freshName());
    expect([...db.objectStoreNames].sort()).toEqual(['keyring', 'keys', 'outbox', 'outbox-files']);
    expect(db.transaction('keys').store.keyPath).toBe('id');
    expect(db.transaction('keyring').store.keyPath).toBe('id');
    expect(db.transaction('outbox').store.keyPath).toBe('id');
    expect(db.transaction('outbox-files').store.keyPath).toBe('id');
    db.close();
  });

  it('upgrades a version 1 database, keeping its records and adding the outbox stores', async () => {
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
    expect(db.version).toBe(3);
    expect([...db.objectStoreNames].sort()).toEqual(['keyring', 'keys', 'outbox', 'outbox-files']);
    expect((await db.get('keyring', 'current'))?.keyIds).toEqual(['aa']);
    expect(await db.count('outbox')).toBe(0);
    expect(await db.count('outbox-files')).toBe(0);
    db.close();
  });

  it('upgrades a version 2 outbox: each queued item keeps its facts and bytes, its Blob moved to outbox-files', async () => {
    const name = freshName();
    const v2 = await openDB(name, 2, {
      upgrade(d) {
        d.createObjectStore('keys', { keyPath: 'id' });
        d.createObjectStore('keyring', { keyPath: 'id' });
        d.createObjectStore('outbox', { keyPath: 'id' });
      },
    });
    const facts = (id: string, seq: number) => ({
      id,
      kind: 'backup',
      fileName: `ChatSeal-2026-03-05-abcdefghi${seq}.age`,
      size: 3,
      sha256: 'ab'.repeat(32),
      keyId: '0123456789abcdef',
      createdAt: '2026-03-05T10:00:00.000Z',
      addedAt: '2026-03-05T11:00:00.000Z',
      seq,
      state: 'waiting',
      attempts: 1,
      upload: { sessionUrl: 'https://www.googleapis.com/upload/drive/v3/files?upload_id=x', offset: 262144, chunkSize: 262144 },
    });
    await v2.put('outbox', { ...facts('item-a', 0), blob: new Blob([new Uint8Array([1, 2, 3])]) });
    await v2.put('outbox', { ...facts('item-b', 1), blob: new Blob([new Uint8Array([4, 5, 6])]) });
    v2.close();

    const db = await openChatSealDb(name);
    expect(db.version).toBe(3);
    expect(await db.get('outbox', 'item-a')).toEqual(facts('item-a', 0));
    expect(await db.get('outbox', 'item-b')).toEqual(facts('item-b', 1));
    const outbox = new Outbox(async () => db);
    expect((await outbox.list()).map((item) => item.id)).toEqual(['item-a', 'item-b']);
    expect(new Uint8Array(await (await outbox.file('item-a'))!.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(new Uint8Array(await (await outbox.file('item-b'))!.arrayBuffer())).toEqual(new Uint8Array([4, 5, 6]));
    expect((await db.getAllKeys('outbox-files')).sort()).toEqual(['item-a', 'item-b']);
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
    const newer = await openDB(name, 4, {
      upgrade(d) {
        d.createObjectStore('later');
      },
    });
    expect(newer.version).toBe(4);
    expect([...newer.objectStoreNames].sort()).toEqual(['keyring', 'keys', 'later', 'outbox', 'outbox-files']);
    newer.close();
    expect(() => db.transaction('keys')).toThrow();
  });
});
