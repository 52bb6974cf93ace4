// ChatSeal's IndexedDB schema (database `chatseal`). What may live here is fixed by DESIGN.md §2:
// the recipient, key id and type, mode, dates, the password key file, the keyring and the
// non-extractable HMAC key, and (version 2) the outbox: encrypted backups waiting for Google Drive,
// as non-secret facts (`outbox`) and, since version 3, their ciphertext Blobs in a store of their own
// (`outbox-files`, src/backup/outbox.ts). Never the seed,
// never an identity string, never chat plaintext (no titles: src/backup/titles.ts keeps those in memory).
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { KeyType } from '../crypto/keys';
import type { OutboxFileRecord, OutboxRecord } from '../backup/outbox';

export const DB_NAME = 'chatseal';
export const DB_VERSION = 3;

export type KeyMode = 'key' | 'password';

/** Store `keys`, record `current`: the key backups are made with. */
export interface KeysRecord {
  id: 'current';
  keyId: string;
  keyType: KeyType;
  mode: KeyMode;
  /** age1… / age1pq1…; needed to encrypt, never uploaded in the clear. */
  recipient: string;
  /** ISO dates. */
  createdAt: string;
  confirmedAt: string;
  /** Last successful "check my key" or unlock; null until the first. */
  lastCheckedAt: string | null;
  /** HMAC-SHA-256 backup-authentication key, extractable: false; the only CryptoKey stored. */
  macKey: CryptoKey;
  /** Password mode only: the age passphrase file of the identity. */
  keyFile?: Uint8Array;
}

/** Store `keyring`, record `current`: older identities, sealed to the current recipient. */
export interface KeyringRecord {
  id: 'current';
  file: Uint8Array;
  /** Key ids of the identities inside, newest first (public, so listing them needs no unlock). */
  keyIds: string[];
  updatedAt: string;
}

export interface ChatSealDbSchema extends DBSchema {
  keys: { key: 'current'; value: KeysRecord };
  keyring: { key: 'current'; value: KeyringRecord };
  /** Since version 2: one record per backup (or key file, keyring) waiting for Drive, by id. */
  outbox: { key: string; value: OutboxRecord };
  /** Since version 3: each outbox item's ciphertext, by the item's id. */
  'outbox-files': { key: string; value: OutboxFileRecord };
}

export type ChatSealDb = IDBPDatabase<ChatSealDbSchema>;

/**
 * Opens (creating or upgrading) the database. `name` exists for tests. A connection closes itself
 * when another context needs a newer version, so an upgraded extension never waits on an old page.
 */
export function openChatSealDb(name: string = DB_NAME): Promise<ChatSealDb> {
  return openDB<ChatSealDbSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      // One step per version, each guarded by the version it upgrades from, so a database at any
      // old version runs every later step in order. A later store adds its own step
      // (`if (oldVersion < 3) { … }`) and bumps DB_VERSION.
      if (oldVersion < 1) {
        db.createObjectStore('keys', { keyPath: 'id' });
        db.createObjectStore('keyring', { keyPath: 'id' });
      }
      if (oldVersion < 2) {
        db.createObjectStore('outbox', { keyPath: 'id' });
      }
      if (oldVersion < 3) {
        db.createObjectStore('outbox-files', { keyPath: 'id' });
        // Version 2 kept each item's Blob inside its record: move it out, so an extension update
        // keeps every queued backup. Runs inside the upgrade transaction (all or nothing).
        if (oldVersion >= 2) {
          moveOutboxBlobs(transaction).catch(() => {
            // A failed step must not let the upgrade commit half done: abort it (openDB rejects).
            try {
              transaction.abort();
            } catch {
              // Already aborted by the failing request.
            }
          });
        }
      }
    },
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
    },
  });
}

type UpgradeTransaction = IDBPTransaction<ChatSealDbSchema, StoreNames<ChatSealDbSchema>[], 'versionchange'>;

async function moveOutboxBlobs(transaction: UpgradeTransaction): Promise<void> {
  const files = transaction.objectStore('outbox-files');
  let cursor = await transaction.objectStore('outbox').openCursor();
  while (cursor) {
    const { blob, ...record } = cursor.value as OutboxRecord & { blob?: unknown };
    if (blob instanceof Blob) {
      await files.put({ id: record.id, blob });
      await cursor.update(record);
    }
    cursor = await cursor.continue();
  }
}
