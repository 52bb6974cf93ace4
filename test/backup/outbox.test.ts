import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, OutboxError, outboxFileName, type NewOutboxItem } from '../../src/backup/outbox';
import { BACKUP_FILE_NAME } from '../../src/import/file-name';
import { openChatSealDb, type ChatSealDb } from '../../src/store/db';

let n = 0;
const opened: { name: string; db: ChatSealDb }[] = [];
async function freshOutbox(now?: () => Date): Promise<{ outbox: Outbox; db: ChatSealDb }> {
  const name = `chatseal-outbox-${n++}`;
  const db = await openChatSealDb(name);
  opened.push({ name, db });
  return { outbox: new Outbox(async () => db, now), db };
}
/** An outbox whose database records the stores and mode of every transaction it opens. */
async function recordedOutbox(): Promise<{ outbox: Outbox; db: ChatSealDb; scopes: { stores: string[]; mode: string }[] }> {
  const { db } = await freshOutbox();
  const scopes: { stores: string[]; mode: string }[] = [];
  const recording = new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') {
        return (stores: string | string[], mode?: IDBTransactionMode) => {
          scopes.push({ stores: [stores].flat(), mode: mode ?? 'readonly' });
          return target.transaction(stores as never, mode);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { outbox: new Outbox(async () => recording), db, scopes };
}

afterEach(async () => {
  for (const { name, db } of opened.splice(0)) {
    db.close();
    await deleteDB(name);
  }
});

const SHA = 'ab'.repeat(32);
const KEY_ID = '0123456789abcdef';

function backup(over: Partial<NewOutboxItem> = {}): NewOutboxItem {
  return { kind: 'backup', blob: new Blob([new Uint8Array([1, 2, 3, 4])]), sha256: SHA, keyId: KEY_ID, createdAt: '2026-03-05T10:00:00.000Z', ...over };
}

describe('Outbox.add', () => {
  it('queues a backup as waiting, with a dated random name, its size and no upload yet', async () => {
    const { outbox } = await freshOutbox(() => new Date('2026-03-05T11:00:00.000Z'));
    const item = await outbox.add(backup({ complete: true, messageCount: 3000 }));
    expect(item).toMatchObject({
      kind: 'backup',
      size: 4,
      sha256: SHA,
      keyId: KEY_ID,
      createdAt: '2026-03-05T10:00:00.000Z',
      addedAt: '2026-03-05T11:00:00.000Z',
      complete: true,
      messageCount: 3000,
      state: 'waiting',
      attempts: 0,
    });
    expect(item.fileName).toMatch(BACKUP_FILE_NAME);
    expect(item.upload).toBeUndefined();
    expect(item.reason).toBeUndefined();
    expect(item.id).toMatch(/^[0-9a-f-]{36}$/u);
  });

  it('keeps the ciphertext Blob itself, byte for byte, across a reopened database', async () => {
    const name = `chatseal-outbox-${n++}`;
    const db = await openChatSealDb(name);
    const item = await new Outbox(async () => db).add(backup({ blob: new Blob([new Uint8Array([7, 8, 9])]) }));
    db.close();
    const again = await openChatSealDb(name);
    opened.push({ name, db: again });
    const back = await new Outbox(async () => again).file(item.id);
    expect(back).toBeInstanceOf(Blob);
    expect(new Uint8Array(await back!.arrayBuffer())).toEqual(new Uint8Array([7, 8, 9]));
  });

  it('writes the record and its file in one transaction over both stores', async () => {
    const { outbox, db, scopes } = await recordedOutbox();
    const item = await outbox.add(backup());
    expect(scopes).toEqual([{ stores: ['outbox', 'outbox-files'], mode: 'readwrite' }]);
    expect(await db.getAllKeys('outbox')).toEqual([item.id]);
    expect(await db.getAllKeys('outbox-files')).toEqual([item.id]);
  });

  it('gives every backup a different name and id', async () => {
    const { outbox } = await freshOutbox();
    const a = await outbox.add(backup());
    const b = await outbox.add(backup());
    expect(a.id).not.toBe(b.id);
    expect(a.fileName).not.toBe(b.fileName);
  });

  it('keeps a dated backup name it is given (a file the import page already saved), and refuses any other', async () => {
    const { outbox } = await freshOutbox();
    const item = await outbox.add(backup({ fileName: 'ChatSeal-2026-03-05-abcdefghij.age' }));
    expect(item.fileName).toBe('ChatSeal-2026-03-05-abcdefghij.age');
    await expect(outbox.add(backup({ fileName: 'Family chat.age' }))).rejects.toBeInstanceOf(OutboxError);
    await expect(outbox.add(backup({ kind: 'keyring', fileName: 'ChatSeal-2026-03-05-abcdefghij.age' }))).rejects.toBeInstanceOf(OutboxError);
  });

  it('names key files and keyrings by what they are and their key id, never a date or chat', () => {
    const d = new Date('2026-03-05T10:00:00.000Z');
    expect(outboxFileName('key-file', KEY_ID, d)).toBe(`ChatSeal-key-file-${KEY_ID}.age`);
    expect(outboxFileName('keyring', KEY_ID, d)).toBe(`ChatSeal-keyring-${KEY_ID}.age`);
    expect(outboxFileName('backup', KEY_ID, d)).toMatch(/^ChatSeal-2026-03-0[45]-[a-z2-7]{10}\.age$/u);
  });

  it('lets a newer key file or keyring replace a queued one of the same kind, but never a backup', async () => {
    const { outbox } = await freshOutbox();
    const b = await outbox.add(backup());
    const k1 = await outbox.add(backup({ kind: 'keyring' }));
    const f1 = await outbox.add(backup({ kind: 'key-file' }));
    const k2 = await outbox.add(backup({ kind: 'keyring' }));
    const ids = (await outbox.list()).map((i) => i.id);
    expect(ids).toEqual([b.id, f1.id, k2.id]);
    expect(ids).not.toContain(k1.id);
    expect(await outbox.file(k1.id)).toBeUndefined();
    expect(new Uint8Array(await (await outbox.file(k2.id))!.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it.each([
    ['an empty file', { blob: new Blob([]) }],
    ['a hash that is not 64 hex digits', { sha256: 'AB'.repeat(32) }],
    ['a malformed key id', { keyId: 'xyz' }],
    ['a date that is not a date', { createdAt: 'yesterday' }],
    ['a fractional message count', { messageCount: 1.5 }],
    ['an unknown kind', { kind: 'photo' as never }],
  ])('refuses %s', async (_what, over) => {
    const { outbox, db } = await freshOutbox();
    await expect(outbox.add(backup(over))).rejects.toBeInstanceOf(OutboxError);
    expect(await outbox.list()).toEqual([]);
    expect(await db.count('outbox-files')).toBe(0);
  });
});

describe('Outbox.list / get / update / remove', () => {
  it('lists in the order items were added, even within one millisecond', async () => {
    const { outbox } = await freshOutbox(() => new Date('2026-03-05T10:00:00.000Z'));
    const added = [];
    for (let i = 0; i < 6; i++) added.push((await outbox.add(backup())).id);
    expect((await outbox.list()).map((i) => i.id)).toEqual(added);
  });

  it('persists an upload checkpoint and state, and removes fields given as undefined', async () => {
    const { outbox } = await freshOutbox();
    const item = await outbox.add(backup());
    await outbox.update(item.id, { state: 'failed', reason: 'quota', detail: 'storageQuotaExceeded', attempts: 1 });
    const up = await outbox.update(item.id, {
      state: 'uploading',
      reason: undefined,
      detail: undefined,
      upload: { sessionUrl: 'https://www.googleapis.com/upload/drive/v3/files?upload_id=x', offset: 262144, chunkSize: 262144 },
    });
    expect(up).toMatchObject({ state: 'uploading', attempts: 1, upload: { offset: 262144 } });
    expect(up).not.toHaveProperty('reason');
    expect(up).not.toHaveProperty('detail');
    expect(await outbox.get(item.id)).toEqual(up);
  });

  it('updates from the current item when given a function, and changes nothing on null', async () => {
    const { outbox } = await freshOutbox();
    const item = await outbox.add(backup());
    await outbox.update(item.id, (cur) => ({ attempts: cur.attempts + 2 }));
    expect((await outbox.get(item.id))?.attempts).toBe(2);
    const same = await outbox.update(item.id, () => null);
    expect(same?.attempts).toBe(2);
  });

  it('rewrites only the small record on update (checkpoints), never the file', async () => {
    const { outbox, db, scopes } = await recordedOutbox();
    const item = await outbox.add(backup({ blob: new Blob([new Uint8Array([5, 6, 7])]) }));
    scopes.length = 0;
    const checkpoint = { sessionUrl: 'https://www.googleapis.com/upload/drive/v3/files?upload_id=x', offset: 262144, chunkSize: 262144 };
    await outbox.update(item.id, { state: 'uploading' });
    await outbox.update(item.id, () => ({ upload: checkpoint }));
    await outbox.update(item.id, () => null);
    expect(scopes).toEqual([
      { stores: ['outbox'], mode: 'readwrite' },
      { stores: ['outbox'], mode: 'readwrite' },
      { stores: ['outbox'], mode: 'readwrite' },
    ]);
    expect(await outbox.get(item.id)).toMatchObject({ state: 'uploading', upload: checkpoint });
    expect(Object.keys((await db.get('outbox', item.id))!)).not.toContain('blob');
    expect(new Uint8Array(await (await outbox.file(item.id))!.arrayBuffer())).toEqual(new Uint8Array([5, 6, 7]));
  });

  it('removes the record and its file together, in one transaction', async () => {
    const { outbox, db, scopes } = await recordedOutbox();
    const keep = await outbox.add(backup());
    const gone = await outbox.add(backup());
    scopes.length = 0;
    expect(await outbox.remove(gone.id)).toBe(true);
    expect(scopes).toEqual([{ stores: ['outbox', 'outbox-files'], mode: 'readwrite' }]);
    expect(await db.getAllKeys('outbox')).toEqual([keep.id]);
    expect(await db.getAllKeys('outbox-files')).toEqual([keep.id]);
    expect(await outbox.file(gone.id)).toBeUndefined();
  });

  it('never brings a removed item back through update', async () => {
    const { outbox } = await freshOutbox();
    const item = await outbox.add(backup());
    expect(await outbox.remove(item.id)).toBe(true);
    expect(await outbox.update(item.id, { state: 'uploading' })).toBeUndefined();
    expect(await outbox.get(item.id)).toBeUndefined();
    expect(await outbox.list()).toEqual([]);
    expect(await outbox.remove(item.id)).toBe(false);
  });

  it('stores nothing but the agreed non-secret fields in the record, and only id and Blob in the file store', async () => {
    const { outbox, db } = await freshOutbox();
    const item = await outbox.add(backup({ complete: false, messageCount: 12 }));
    const raw = (await db.get('outbox', item.id)) as unknown as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(
      ['addedAt', 'attempts', 'complete', 'createdAt', 'fileName', 'id', 'keyId', 'kind', 'messageCount', 'seq', 'sha256', 'size', 'state'].sort(),
    );
    const file = (await db.get('outbox-files', item.id)) as unknown as Record<string, unknown>;
    expect(Object.keys(file).sort()).toEqual(['blob', 'id']);
  });
});
