import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, type NewOutboxItem, type UploadCheckpoint } from '../../src/backup/outbox';
import type { DriveClient, DriveFile } from '../../src/drive/client';
import type { ConnectionState } from '../../src/drive/connection';
import { DriveError } from '../../src/drive/errors';
import { FOLDER_NAME, UploadManager, type FailureNotice, type ManagerDeps, type UploadRequest } from '../../src/drive/manager';
import { memorySessionStore } from '../../src/keys/session';
import { openChatSealDb, type ChatSealDb } from '../../src/store/db';

const SHA = 'cd'.repeat(32);
const KEY_ID = '0123456789abcdef';
const CHUNK = 4;

let n = 0;
const dbs: { name: string; db: ChatSealDb }[] = [];
afterEach(async () => {
  for (const { name, db } of dbs.splice(0)) {
    db.close();
    await deleteDB(name);
  }
});

function bytes(size: number): Blob {
  return new Blob([new Uint8Array(size).fill(7)]);
}

/** A Drive stand-in at the level the manager sees: a folder, files, and a scripted resumable upload. */
function fakeDrive() {
  const d = {
    files: [] as DriveFile[],
    folderCalls: 0,
    calls: [] as { name: string; resume?: UploadCheckpoint; parents: string[]; appProperties: Record<string, string> }[],
    /** Runs before each chunk is sent at `offset`; may throw a DriveError or wait. */
    beforeChunk: async (_offset: number, _req: UploadRequest): Promise<void> => undefined,
    sessions: 0,
    removed: [] as string[],
  };
  const client = {
    async ensureFolder(name: string) {
      d.folderCalls++;
      expect(name).toBe(FOLDER_NAME);
      return 'folder-1';
    },
    async listFolder(folder: string) {
      return d.files.filter((f) => f.parents?.includes(folder));
    },
    async remove(id: string) {
      d.removed.push(id);
      d.files = d.files.filter((f) => f.id !== id);
    },
  } as unknown as DriveClient;
  async function upload(req: UploadRequest): Promise<DriveFile> {
    d.calls.push({ name: req.metadata.name, ...(req.resume ? { resume: req.resume } : {}), parents: req.metadata.parents!, appProperties: req.metadata.appProperties! });
    let checkpoint = req.resume;
    if (!checkpoint) {
      checkpoint = { sessionUrl: `https://www.googleapis.com/upload/drive/v3/files?upload_id=s${++d.sessions}`, offset: 0, chunkSize: CHUNK };
      await req.onCheckpoint(checkpoint);
    }
    let offset = checkpoint.offset;
    while (offset < req.blob.size) {
      req.signal.throwIfAborted();
      await d.beforeChunk(offset, req);
      req.signal.throwIfAborted();
      offset = Math.min(req.blob.size, offset + CHUNK);
      req.onProgress({ confirmed: offset, total: req.blob.size, bytesPerSecond: 1000 });
      if (offset < req.blob.size) await req.onCheckpoint({ sessionUrl: checkpoint.sessionUrl, offset, chunkSize: CHUNK });
    }
    const file: DriveFile = { id: `file-${d.files.length + 1}`, name: req.metadata.name, parents: req.metadata.parents!, appProperties: req.metadata.appProperties!, sha256Checksum: req.sha256 };
    d.files.push(file);
    return file;
  }
  return { d, client, upload };
}

async function setup(over: Partial<ManagerDeps> = {}) {
  const name = `chatseal-manager-${n++}`;
  const db = await openChatSealDb(name);
  dbs.push({ name, db });
  const outbox = new Outbox(async () => db);
  const drive = fakeDrive();
  const local = memorySessionStore();
  const titles = new Map<string, string>();
  const notices: FailureNotice[] = [];
  const wakes: ({ when?: number; periodic: boolean } | null)[] = [];
  const env = { state: { status: 'connected', email: 'maya@example.com', connectedAt: '2026-03-05T10:00:00.000Z' } as ConnectionState, popupOpen: false, now: Date.parse('2026-03-05T10:00:00.000Z') };
  const deps: ManagerDeps = {
    outbox,
    connection: { state: async () => env.state, client: () => drive.client },
    upload: drive.upload,
    local,
    titleOf: async (id) => titles.get(id),
    notify: (notice) => notices.push(notice),
    isPopupOpen: () => env.popupOpen,
    scheduleWake: (w) => wakes.push(w),
    now: () => env.now,
    ...over,
  };
  const manager = new UploadManager(deps);
  const add = (over2: Partial<NewOutboxItem> = {}) =>
    outbox.add({ kind: 'backup', blob: bytes(10), sha256: SHA, keyId: KEY_ID, createdAt: '2026-03-05T09:00:00.000Z', complete: true, messageCount: 42, ...over2 });
  return { outbox, manager, drive, local, titles, notices, wakes, env, add, deps, db };
}

describe('UploadManager', () => {
  it('uploads waiting backups in order into the folder, with the agreed appProperties, and empties the outbox', async () => {
    const { manager, drive, outbox, add, local, titles } = await setup();
    const a = await add();
    const b = await add({ createdAt: '2026-03-05T09:30:00.000Z' });
    titles.set(b.id, 'Family');
    await manager.kick();
    expect(drive.d.calls.map((c) => c.name)).toEqual([a.fileName, b.fileName]);
    expect(drive.d.calls[0]).toMatchObject({
      parents: ['folder-1'],
      appProperties: { chatsealKind: 'backup', keyId: KEY_ID, formatVersion: '1', createdAt: '2026-03-05T09:00:00.000Z' },
    });
    expect(await outbox.list()).toEqual([]);
    const view = await manager.view();
    expect(view.items).toEqual([]);
    expect(view.lastBackup).toMatchObject({ at: '2026-03-05T10:00:00.000Z', size: 10, fileName: b.fileName, itemId: b.id, title: 'Family', complete: true, messageCount: 42 });
    // storage.local holds no title.
    expect(JSON.stringify(local.dump())).not.toContain('Family');
  });

  it('persists the checkpoint after every chunk, and a new worker resumes from it', async () => {
    const first = await setup();
    const item = await first.add();
    const seen: (UploadCheckpoint | undefined)[] = [];
    // The worker "dies" while the third chunk is on the wire: the run never finishes.
    first.drive.d.beforeChunk = async (offset) => {
      seen.push((await first.outbox.get(item.id))?.upload);
      if (offset === 8) await new Promise(() => undefined);
    };
    void first.manager.kick();
    await expect.poll(() => seen.length).toBe(3);
    expect(seen.map((c) => c?.offset)).toEqual([0, 4, 8]);
    const left = await first.outbox.get(item.id);
    expect(left).toMatchObject({ state: 'uploading', upload: { offset: 8, chunkSize: CHUNK } });

    // A fresh manager over the same database (worker restart).
    const drive2 = { ...first.drive };
    const manager2 = new UploadManager({ ...first.deps, upload: drive2.upload });
    first.drive.d.beforeChunk = async () => undefined;
    await manager2.kick();
    expect(first.drive.d.calls.at(-1)).toMatchObject({ resume: { offset: 8, sessionUrl: left!.upload!.sessionUrl } });
    expect(await first.outbox.list()).toEqual([]);
    expect(first.drive.d.files).toHaveLength(1);
  });

  it('keeps backups waiting with a reason while Drive is not connected, and uploads once it is', async () => {
    const { manager, drive, outbox, add, env, notices, wakes } = await setup();
    env.state = { status: 'disconnected' };
    const item = await add();
    await manager.kick();
    expect(await outbox.get(item.id)).toMatchObject({ state: 'waiting', reason: 'not-connected' });
    expect(drive.d.calls).toEqual([]);
    expect(notices).toEqual([]);
    expect(wakes.at(-1)).toBeNull();
    env.state = { status: 'connected', email: 'maya@example.com', connectedAt: '2026-03-05T10:00:00.000Z' };
    await manager.kick();
    expect(await outbox.list()).toEqual([]);
  });

  it.each([
    [{ status: 'no-client-id' } as ConnectionState, 'no-client-id'],
    [{ status: 'signed-out', email: 'maya@example.com' } as ConnectionState, 'signed-out'],
    [{ status: 'confirm-account', email: 'b@example.com', previousEmail: 'maya@example.com' } as ConnectionState, 'account-changed'],
  ])('waits with the reason for connection %j', async (state, reason) => {
    const { manager, outbox, add, env } = await setup();
    env.state = state;
    const item = await add();
    await manager.kick();
    expect(await outbox.get(item.id)).toMatchObject({ state: 'waiting', reason });
  });

  it('stops on a full Drive with a clear reason and a notification (popup closed), keeps the backup, and uploads after Retry', async () => {
    const { manager, drive, outbox, add, notices } = await setup();
    const item = await add();
    drive.d.beforeChunk = async (offset) => {
      if (offset === 4) throw new DriveError('quota', 'full', { status: 403, reason: 'storageQuotaExceeded' });
    };
    await manager.kick();
    expect(await outbox.get(item.id)).toMatchObject({ state: 'failed', reason: 'quota', detail: 'quota (storageQuotaExceeded)', attempts: 1, upload: { offset: 4 } });
    expect(notices).toEqual([{ itemId: item.id, kind: 'backup', reason: 'quota' }]);
    // Nothing happens by itself.
    await manager.kick();
    expect(drive.d.calls).toHaveLength(1);
    drive.d.beforeChunk = async () => undefined;
    await manager.retry(item.id);
    await manager.idle();
    expect(await outbox.list()).toEqual([]);
    expect(drive.d.calls.at(-1)?.resume?.offset).toBe(4);
  });

  it('does not raise a notification while the popup is open (it shows the failure)', async () => {
    const { manager, drive, add, notices, env } = await setup();
    env.popupOpen = true;
    await add();
    drive.d.beforeChunk = async () => {
      throw new DriveError('forbidden', 'no', { status: 403, reason: 'insufficientPermissions' });
    };
    await manager.kick();
    expect(notices).toEqual([]);
  });

  it('after the client gave up on network errors, waits with backoff and an alarm, then resumes', async () => {
    const { manager, drive, outbox, add, env, wakes } = await setup();
    const item = await add();
    drive.d.beforeChunk = async (offset) => {
      if (offset === 4) throw new DriveError('network', 'offline');
    };
    await manager.kick();
    const waiting = await outbox.get(item.id);
    expect(waiting).toMatchObject({ state: 'waiting', reason: 'offline', attempts: 1, retryAt: '2026-03-05T10:01:00.000Z' });
    expect(wakes.at(-1)).toEqual({ when: Date.parse('2026-03-05T10:01:00.000Z'), periodic: false });
    // Not before its time.
    await manager.kick();
    expect(drive.d.calls).toHaveLength(1);
    drive.d.beforeChunk = async () => undefined;
    env.now += 60_000;
    await manager.kick();
    expect(await outbox.list()).toEqual([]);
  });

  it('waits longer after each failed attempt', async () => {
    const { manager, drive, outbox, add, env } = await setup();
    const item = await add();
    drive.d.beforeChunk = async () => {
      throw new DriveError('server', 'busy', { status: 503 });
    };
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await manager.kick();
      const cur = await outbox.get(item.id);
      expect(cur?.reason).toBe('drive-busy');
      waits.push(Date.parse(cur!.retryAt!) - env.now);
      env.now = Date.parse(cur!.retryAt!);
    }
    expect(waits).toEqual([60_000, 120_000, 240_000]);
  });

  it('Pause stops the upload at once and keeps the checkpoint; Resume continues from it', async () => {
    const { manager, drive, outbox, add } = await setup();
    const item = await add();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    drive.d.beforeChunk = async (offset, req) => {
      if (offset === 4) await Promise.race([gate, new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason)))]);
    };
    const run = manager.kick();
    await expect.poll(async () => (await outbox.get(item.id))?.upload?.offset).toBe(4);
    await manager.pause(item.id);
    await run;
    expect(await outbox.get(item.id)).toMatchObject({ state: 'paused', upload: { offset: 4 } });
    expect((await outbox.get(item.id))?.reason).toBeUndefined();
    release();
    drive.d.beforeChunk = async () => undefined;
    await manager.kick();
    expect(await outbox.get(item.id)).toMatchObject({ state: 'paused' });
    await manager.resume(item.id);
    await manager.idle();
    expect(await outbox.list()).toEqual([]);
    expect(drive.d.calls.at(-1)?.resume?.offset).toBe(4);
  });

  it('Cancel stops the upload and removes the backup; nothing reaches Drive', async () => {
    const { manager, drive, outbox, add } = await setup();
    const item = await add();
    drive.d.beforeChunk = async (offset, req) => {
      if (offset === 4) await new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason)));
    };
    const run = manager.kick();
    await expect.poll(async () => (await outbox.get(item.id))?.upload?.offset).toBe(4);
    await manager.cancel(item.id);
    await run;
    expect(await outbox.list()).toEqual([]);
    expect(drive.d.files).toEqual([]);
    expect((await manager.view()).lastBackup).toBeNull();
  });

  it('a cancel from another context between chunks stops before the next chunk', async () => {
    const { manager, drive, outbox, add } = await setup();
    const item = await add();
    drive.d.beforeChunk = async (offset) => {
      if (offset === 0) await outbox.remove(item.id);
    };
    await manager.kick();
    expect(drive.d.files).toEqual([]);
    expect(await outbox.list()).toEqual([]);
  });

  it('starts over when Drive lost the session, and after a checksum mismatch tries once more, then fails', async () => {
    const { manager, drive, outbox, add, notices } = await setup();
    const item = await add();
    let lost = false;
    drive.d.beforeChunk = async (offset) => {
      if (offset === 8 && !lost) {
        lost = true;
        throw new DriveError('session-lost', 'gone', { status: 404 });
      }
    };
    await manager.kick();
    expect(drive.d.calls).toHaveLength(2);
    expect(drive.d.calls[1]?.resume).toBeUndefined();
    expect(await outbox.list()).toEqual([]);

    const bad = await add();
    drive.d.beforeChunk = async (offset) => {
      if (offset === 8) throw new DriveError('checksum-mismatch', 'differs');
    };
    await manager.kick();
    expect(await outbox.get(bad.id)).toMatchObject({ state: 'failed', reason: 'checksum', attempts: 2 });
    expect((await outbox.get(bad.id))?.upload).toBeUndefined();
    expect(notices.map((x) => x.reason)).toEqual(['checksum']);
  });

  it('waits as signed out when the token cannot be renewed, and notifies', async () => {
    const { manager, drive, outbox, add, notices, env } = await setup();
    const item = await add();
    drive.d.beforeChunk = async () => {
      env.state = { status: 'signed-out', email: 'maya@example.com' };
      throw new DriveError('auth', 'sign in again', { status: 401 });
    };
    await manager.kick();
    expect(await outbox.get(item.id)).toMatchObject({ state: 'waiting', reason: 'signed-out' });
    expect(notices.map((x) => x.reason)).toEqual(['signed-out']);
  });

  it('Disconnect mid-upload leaves the backup waiting for a connection', async () => {
    const { manager, drive, outbox, add, env } = await setup();
    const item = await add();
    drive.d.beforeChunk = async (offset, req) => {
      if (offset === 4) await new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason)));
    };
    const run = manager.kick();
    await expect.poll(async () => (await outbox.get(item.id))?.upload?.offset).toBe(4);
    env.state = { status: 'disconnected', previousEmail: 'maya@example.com' };
    manager.disconnected();
    await run;
    expect(await outbox.get(item.id)).toMatchObject({ state: 'waiting', reason: 'not-connected' });
  });

  it('shows progress, speed and time left while uploading, and the title only while remembered', async () => {
    const { manager, drive, outbox, add, titles } = await setup();
    const item = await add({ blob: bytes(4000) });
    titles.set(item.id, 'Jonas');
    let seen: Awaited<ReturnType<UploadManager['view']>> | undefined;
    drive.d.beforeChunk = async (offset) => {
      if (offset === 8) seen = await manager.view();
    };
    await manager.kick();
    expect(seen?.items[0]).toMatchObject({ id: item.id, state: 'uploading', size: 4000, title: 'Jonas', progress: { confirmed: 8, bytesPerSecond: 1000, secondsLeft: 4 } });
    expect(await outbox.list()).toEqual([]);
  });

  it('queues the key file and keyring once per change while connected, and removes older copies after upload', async () => {
    let keyFile = new Uint8Array([1, 2, 3]);
    const keyring = new Uint8Array([4, 5]);
    const { manager, drive, outbox, env } = await setup({
      keyFiles: {
        keyFile: async () => ({ bytes: keyFile, keyId: KEY_ID, createdAt: '2026-03-01T00:00:00.000Z' }),
        keyring: async () => ({ bytes: keyring, keyId: KEY_ID, createdAt: '2026-03-01T00:00:00.000Z' }),
      },
      sha256Hex: async (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').padEnd(64, '0'),
    });
    env.state = { status: 'disconnected' };
    await manager.syncKeyFiles();
    expect(await outbox.list()).toEqual([]);
    env.state = { status: 'connected', email: 'maya@example.com', connectedAt: '2026-03-05T10:00:00.000Z' };
    await manager.syncKeyFiles();
    await manager.idle();
    expect(drive.d.calls.map((c) => c.appProperties.chatsealKind).sort()).toEqual(['key-file', 'keyring']);
    expect(drive.d.calls.find((c) => c.appProperties.chatsealKind === 'key-file')?.name).toBe(`ChatSeal-key-file-${KEY_ID}.age`);
    await manager.syncKeyFiles();
    await manager.idle();
    expect(drive.d.calls).toHaveLength(2);
    // The password changed: a new key file replaces the old one in Drive.
    keyFile = new Uint8Array([9, 9, 9]);
    await manager.syncKeyFiles();
    await manager.idle();
    expect(drive.d.calls).toHaveLength(3);
    const kinds = drive.d.files.map((f) => f.appProperties?.chatsealKind).sort();
    expect(kinds).toEqual(['key-file', 'keyring']);
    expect(drive.d.removed).toHaveLength(1);
    // Another account's Drive gets both again.
    env.state = { status: 'connected', email: 'work@example.org', connectedAt: '2026-03-06T10:00:00.000Z' };
    await manager.syncKeyFiles();
    await manager.idle();
    expect(drive.d.calls).toHaveLength(5);
  });

  describe("a key file or keyring whose key was turned off ('no-key')", () => {
    const OLD_KEY = 'aaaaaaaaaaaaaaaa';
    const NEW_KEY = 'bbbbbbbbbbbbbbbb';
    async function withKeys(ids: { current: string | null; older: string[] }) {
      const keys = { ...ids };
      const t = await setup({
        keyFiles: { keyFile: async () => null, keyring: async () => null, keyIds: async () => ({ current: keys.current, older: keys.older }) },
      });
      return { ...t, keys };
    }

    it('is held as failed/no-key without a byte sent, with a notification; backups of that key still upload', async () => {
      const { manager, drive, outbox, add, notices, keys } = await withKeys({ current: OLD_KEY, older: [] });
      const keyFile = await add({ kind: 'key-file', keyId: OLD_KEY, blob: bytes(6) });
      const keyring = await add({ kind: 'keyring', keyId: OLD_KEY, blob: bytes(6) });
      const backup = await add({ keyId: OLD_KEY });
      // Drive was unreachable until after the user turned the key off.
      keys.current = null;
      await manager.kick();
      expect(drive.d.calls.map((c) => c.appProperties.chatsealKind)).toEqual(['backup']);
      expect(drive.d.folderCalls, 'only the backup went to Drive').toBe(1);
      expect(await outbox.get(backup.id)).toBeUndefined();
      for (const held of [keyFile, keyring]) expect(await outbox.get(held.id)).toMatchObject({ state: 'failed', reason: 'no-key' });
      expect(notices).toEqual([
        { itemId: keyFile.id, kind: 'key-file', reason: 'no-key' },
        { itemId: keyring.id, kind: 'keyring', reason: 'no-key' },
      ]);
      const view = await manager.view();
      expect(view.items.map((i) => [i.kind, i.state, i.reason])).toEqual([
        ['key-file', 'failed', 'no-key'],
        ['keyring', 'failed', 'no-key'],
      ]);
      // A kick later does not send it either; Cancel takes it out of the outbox.
      await manager.kick();
      expect(drive.d.calls).toHaveLength(1);
      await manager.cancel(keyFile.id);
      expect((await outbox.list()).map((i) => i.id)).toEqual([keyring.id]);
    });

    it('stays held when a new key was set up since, while the new key\'s files upload', async () => {
      const { manager, drive, outbox, add, keys } = await withKeys({ current: NEW_KEY, older: [] });
      const stale = await add({ kind: 'key-file', keyId: OLD_KEY, blob: bytes(6) });
      const fresh = await add({ kind: 'keyring', keyId: NEW_KEY, blob: bytes(6) });
      await manager.kick();
      expect(drive.d.calls.map((c) => [c.appProperties.chatsealKind, c.appProperties.keyId])).toEqual([['keyring', NEW_KEY]]);
      expect(await outbox.get(fresh.id)).toBeUndefined();
      expect(await outbox.get(stale.id)).toMatchObject({ state: 'failed', reason: 'no-key' });
      // Retry does not send it while its key is off …
      await manager.retry(stale.id);
      await manager.idle();
      expect(await outbox.get(stale.id)).toMatchObject({ state: 'failed', reason: 'no-key' });
      // … and does once that key is back on this device (the user typed it in again).
      keys.current = OLD_KEY;
      await manager.retry(stale.id);
      await manager.idle();
      expect(await outbox.get(stale.id)).toBeUndefined();
      expect(drive.d.calls.map((c) => [c.appProperties.chatsealKind, c.appProperties.keyId])).toEqual([
        ['keyring', NEW_KEY],
        ['key-file', OLD_KEY],
      ]);
    });

    it('turning the key off stops a key file being uploaded and holds it, without waiting for the next kick', async () => {
      const { manager, drive, outbox, add, keys, notices } = await withKeys({ current: OLD_KEY, older: [] });
      const keyFile = await add({ kind: 'key-file', keyId: OLD_KEY, blob: bytes(20) });
      let reachedSecondChunk!: () => void;
      const secondChunk = new Promise<void>((r) => (reachedSecondChunk = r));
      drive.d.beforeChunk = async (offset, req) => {
        if (offset < CHUNK) return;
        reachedSecondChunk();
        // Drive is slow: the chunk waits until the upload is aborted.
        await new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason)));
      };
      const run = manager.kick();
      await secondChunk;
      keys.current = null;
      // What the key service's change listener calls after Turn off.
      await manager.syncKeyFiles();
      await run;
      expect(drive.d.files).toEqual([]);
      expect(await outbox.get(keyFile.id)).toMatchObject({ state: 'failed', reason: 'no-key', upload: { offset: CHUNK } });
      expect(notices).toEqual([{ itemId: keyFile.id, kind: 'key-file', reason: 'no-key' }]);
    });

    it('is not held for the current key or an older key the keyring keeps (a rotation, not a turn-off)', async () => {
      const { manager, drive, outbox, add } = await withKeys({ current: NEW_KEY, older: [OLD_KEY] });
      await add({ kind: 'key-file', keyId: OLD_KEY, blob: bytes(6) });
      await add({ kind: 'keyring', keyId: NEW_KEY, blob: bytes(6) });
      await manager.kick();
      expect(drive.d.calls.map((c) => c.appProperties.chatsealKind)).toEqual(['key-file', 'keyring']);
      expect(await outbox.list()).toEqual([]);
    });
  });
});
