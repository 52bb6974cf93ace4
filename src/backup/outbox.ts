// The outbox: every encrypted file bound for Google Drive waits here (IndexedDB store `outbox`)
// until Drive has confirmed it, so being offline, not connected, signed out, out of quota or a
// closed browser loses nothing. A record holds only facts that say nothing about the chat: kind,
// size, hash, key id, dates, the message count, and where an upload stands. The ciphertext Blob lives
// beside it in store `outbox-files` under the same id, written once by add() and deleted with the
// item: a checkpoint after every uploaded chunk rewrites the small record only, because putting a
// record that holds a Blob makes Chromium copy the whole file again (seconds for 256 MiB).
// Titles never come here (src/backup/titles.ts holds them in memory).
//
// Writers: the capture session and the import page `add` a backup and then poke the worker's upload
// manager (src/drive/manager.ts), which is the only one that moves items through their states.
import { BACKUP_FILE_NAME, backupFileName } from '../import/file-name';
import type { ChatSealDb } from '../store/db';

export type OutboxKind = 'backup' | 'key-file' | 'keyring';

/**
 * waiting: will upload when it can (maybe after `retryAt`, or once Drive is connected: `reason`);
 * uploading: the manager is sending it; paused: the user paused it; failed: needs the user (Retry).
 */
export type OutboxState = 'waiting' | 'uploading' | 'paused' | 'failed';

/** Why an item waits or failed, in terms the popup turns into plain words and a next step. */
export type OutboxReason =
  | 'not-connected' // no Google Drive account connected yet
  | 'signed-out' // the sign-in lapsed and could not be renewed without the user
  | 'account-changed' // a different Google account than before: the user decides first
  | 'no-client-id' // this build has no OAuth client id
  | 'offline' // network errors; tried again later
  | 'drive-busy' // Drive answered 5xx / 429 longer than the backoff waits
  | 'quota' // storageQuotaExceeded
  | 'forbidden' // any other 403
  | 'rejected' // 400 / 404: Drive refused the request
  | 'checksum' // Drive's SHA-256 of the stored file differs from ours
  | 'no-key' // a key file or keyring of a key that was turned off: never sent (the user cancels or saves it)
  | 'internal'; // anything else (the detail says what)

/** Where a resumable upload stands: what src/drive/upload.ts reports after every confirmed chunk. */
export interface UploadCheckpoint {
  sessionUrl: string;
  /** Bytes Drive confirmed (its `Range`), which may be fewer than were sent. */
  offset: number;
  chunkSize: number;
}

export interface NewOutboxItem {
  kind: OutboxKind;
  /** The .age bytes. */
  blob: Blob;
  /** Lowercase hex SHA-256 of `blob` (compared with Drive's sha256Checksum after upload). */
  sha256: string;
  keyId: string;
  /** ISO; the backup's own creation time (also what the file name's date comes from). */
  createdAt: string;
  /** Backups: whether the capture reached the start of the chat. */
  complete?: boolean;
  messageCount?: number;
  /** A backup already saved under a dated name (the import page) keeps that name in Drive. */
  fileName?: string;
}

export interface OutboxItem {
  id: string;
  kind: OutboxKind;
  /** The name it gets in Drive: dated and random for backups, never anything from the chat. */
  fileName: string;
  size: number;
  sha256: string;
  keyId: string;
  createdAt: string;
  /** ISO; when it entered the outbox. */
  addedAt: string;
  /** The queue's order: one more than the highest before it. */
  seq: number;
  complete?: boolean;
  messageCount?: number;
  state: OutboxState;
  reason?: OutboxReason;
  /** Technical detail for a failure (an error kind and Drive's reason), never chat content. */
  detail?: string;
  /** ISO; a waiting item is not tried again before this (backoff across worker restarts). */
  retryAt?: string;
  /** Upload attempts that ended in an error since the last success or Retry. */
  attempts: number;
  upload?: UploadCheckpoint;
}

/** What the `outbox` store holds. */
export type OutboxRecord = OutboxItem;

/** What the `outbox-files` store holds: an item's ciphertext, under the item's id. */
export interface OutboxFileRecord {
  id: string;
  blob: Blob;
}

/** Fields `update` may change; a field given as `undefined` is removed. */
export type OutboxPatch = Partial<Omit<OutboxItem, 'id' | 'kind' | 'size' | 'sha256' | 'keyId' | 'createdAt' | 'addedAt' | 'seq' | 'fileName'>>;

export class OutboxError extends Error {
  override name = 'OutboxError';
  constructor(
    readonly code: 'bad-item' | 'missing-file',
    message: string,
  ) {
    super(message);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/u;

/** The name a file gets in Drive. Key files and keyrings say what they are (they hold no chat). */
export function outboxFileName(kind: OutboxKind, keyId: string, createdAt: Date): string {
  if (kind === 'backup') return backupFileName(createdAt);
  return kind === 'key-file' ? `ChatSeal-key-file-${keyId}.age` : `ChatSeal-keyring-${keyId}.age`;
}

export class Outbox {
  constructor(
    private readonly db: () => Promise<ChatSealDb>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Queues a file. A key file or keyring replaces any queued one of the same kind: only the newest
   * is worth uploading (an older one would be stale, e.g. sealed with a changed password).
   */
  async add(input: NewOutboxItem): Promise<OutboxItem> {
    checkNew(input);
    const created = new Date(input.createdAt);
    const item: OutboxItem = {
      id: crypto.randomUUID(),
      kind: input.kind,
      fileName: input.fileName ?? outboxFileName(input.kind, input.keyId, created),
      size: input.blob.size,
      sha256: input.sha256,
      keyId: input.keyId,
      createdAt: created.toISOString(),
      addedAt: this.now().toISOString(),
      seq: 0,
      ...(input.complete === undefined ? {} : { complete: input.complete }),
      ...(input.messageCount === undefined ? {} : { messageCount: input.messageCount }),
      state: 'waiting',
      attempts: 0,
    };
    const db = await this.db();
    // Record and file in one transaction: no item without its bytes, no bytes without an item.
    const tx = db.transaction(['outbox', 'outbox-files'], 'readwrite');
    const records = tx.objectStore('outbox');
    const files = tx.objectStore('outbox-files');
    for (const old of await records.getAll()) {
      item.seq = Math.max(item.seq, old.seq + 1);
      if (item.kind !== 'backup' && old.kind === item.kind) {
        await records.delete(old.id);
        await files.delete(old.id);
      }
    }
    await records.put(item);
    await files.put({ id: item.id, blob: input.blob });
    await tx.done;
    return item;
  }

  /** An item's ciphertext, or undefined when the item is gone. */
  async file(id: string): Promise<Blob | undefined> {
    const db = await this.db();
    return (await db.get('outbox-files', id))?.blob;
  }

  /** Every item, oldest first (the order uploads go in). */
  async list(): Promise<OutboxItem[]> {
    const db = await this.db();
    const all = await db.getAll('outbox');
    return all.sort((a, b) => a.seq - b.seq);
  }

  async get(id: string): Promise<OutboxItem | undefined> {
    const db = await this.db();
    return db.get('outbox', id);
  }

  /**
   * Changes an item in one transaction and returns it, or undefined when it is gone (cancelled or
   * uploaded meanwhile: an update never brings an item back). `patch` may be a function of the
   * current item, returning null to change nothing. Only the small record is rewritten, never the file.
   */
  async update(id: string, patch: OutboxPatch | ((item: OutboxItem) => OutboxPatch | null)): Promise<OutboxItem | undefined> {
    const db = await this.db();
    const tx = db.transaction('outbox', 'readwrite');
    const item = await tx.store.get(id);
    if (!item) {
      await tx.done;
      return undefined;
    }
    const changes = typeof patch === 'function' ? patch(item) : patch;
    if (changes === null) {
      await tx.done;
      return item;
    }
    const next: Record<string, unknown> = { ...item };
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete next[name];
      else next[name] = value;
    }
    await tx.store.put(next as unknown as OutboxItem);
    await tx.done;
    return next as unknown as OutboxItem;
  }

  /** Removes the item and its file together. True when there was such an item. */
  async remove(id: string): Promise<boolean> {
    const db = await this.db();
    const tx = db.transaction(['outbox', 'outbox-files'], 'readwrite');
    const records = tx.objectStore('outbox');
    const found = (await records.getKey(id)) !== undefined;
    await records.delete(id);
    await tx.objectStore('outbox-files').delete(id);
    await tx.done;
    return found;
  }
}

function checkNew(input: NewOutboxItem): void {
  if (input.kind !== 'backup' && input.kind !== 'key-file' && input.kind !== 'keyring') {
    throw new OutboxError('bad-item', `unknown kind ${String(input.kind)}`);
  }
  if (!(input.blob instanceof Blob) || input.blob.size === 0) throw new OutboxError('bad-item', 'the file is empty');
  if (!SHA256_HEX.test(input.sha256)) throw new OutboxError('bad-item', 'sha256 must be 64 lowercase hex digits');
  if (!/^[0-9a-f]{16}$/u.test(input.keyId)) throw new OutboxError('bad-item', 'keyId must be 16 lowercase hex digits');
  if (Number.isNaN(new Date(input.createdAt).getTime())) throw new OutboxError('bad-item', 'createdAt must be a date');
  if (input.fileName !== undefined && !(input.kind === 'backup' && BACKUP_FILE_NAME.test(input.fileName))) {
    throw new OutboxError('bad-item', 'a given file name must be a dated backup name');
  }
  if (input.messageCount !== undefined && !(Number.isInteger(input.messageCount) && input.messageCount >= 0)) {
    throw new OutboxError('bad-item', 'messageCount must be a whole number');
  }
}
