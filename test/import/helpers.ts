// A key stored the way the worker stores it (IndexedDB record `keys/current`), for import tests.
import { deriveKeyId, deriveMacKey, seedToRecipient, type KeyType } from '../../src/crypto/keys';
import { openChatSealDb, type KeysRecord } from '../../src/store/db';

export const SEED = Uint8Array.from({ length: 32 }, (_v, i) => (i * 29 + 5) & 0xff);

export async function storeTestKey(type: KeyType = 'classic'): Promise<KeysRecord> {
  const record: KeysRecord = {
    id: 'current',
    keyId: await deriveKeyId(SEED),
    keyType: type,
    mode: 'key',
    recipient: await seedToRecipient(SEED, type),
    createdAt: '2026-11-26T10:00:00.000Z',
    confirmedAt: '2026-11-26T10:01:00.000Z',
    lastCheckedAt: null,
    macKey: await deriveMacKey(SEED),
  };
  const db = await openChatSealDb();
  await db.put('keys', record);
  db.close();
  return record;
}

export async function clearKeys(): Promise<void> {
  const db = await openChatSealDb();
  await db.clear('keys');
  await db.clear('keyring');
  await db.clear('outbox');
  db.close();
}
