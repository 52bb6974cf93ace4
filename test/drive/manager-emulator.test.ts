// The upload manager with the real resumable upload against the local Drive (in-process, http):
// the outbox's checkpoint carries an upload across a "worker restart" (a new manager over the same
// database), Drive's status query decides where it continues, and a full Drive keeps the backup
// until Retry after space was freed.
import { deleteDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/backup/outbox';
import type { ConnectionState } from '../../src/drive/connection';
import { FOLDER_NAME, UploadManager, type ManagerDeps } from '../../src/drive/manager';
import { memorySessionStore } from '../../src/keys/session';
import { openChatSealDb, type ChatSealDb } from '../../src/store/db';
import { DriveClient } from '../../src/drive/client';
import { patternBytes, sha256Hex, startDrive, type Drive } from './drive-fixture';

const MiB = 1024 * 1024;
const CONNECTED: ConnectionState = { status: 'connected', email: 'maya@example.com', connectedAt: '2026-03-05T10:00:00.000Z' };

let drive: Drive;
let db: ChatSealDb;
let n = 0;
let name = '';
beforeEach(async () => {
  drive = await startDrive();
  name = `chatseal-manager-emu-${n++}`;
  db = await openChatSealDb(name);
});
afterEach(async () => {
  db.close();
  await deleteDB(name);
  await drive.close();
});

function manager(over: Partial<ManagerDeps> & { fetchGate?: (method: string, init: RequestInit | undefined) => Promise<void> } = {}) {
  const { fetchGate, ...rest } = over;
  let token = drive.emu.admin.issueToken().accessToken;
  const client = new DriveClient({
    // Requests wait on the gate before they go out (a stopped worker's never do).
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      await fetchGate?.(init?.method ?? 'GET', init);
      return fetch(input, init);
    }) as typeof fetch,
    token: {
      get: async () => token,
      refresh: async () => (token = drive.emu.admin.issueToken().accessToken),
    },
    apiBase: drive.emu.url,
    sleep: async () => undefined,
  });
  return new UploadManager({
    outbox: new Outbox(async () => db),
    connection: { state: async () => CONNECTED, client: () => client },
    local: memorySessionStore(),
    ...rest,
  });
}

async function queue(bytes: Uint8Array<ArrayBuffer>) {
  return new Outbox(async () => db).add({ kind: 'backup', blob: new Blob([bytes]), sha256: sha256Hex(bytes), keyId: '0123456789abcdef', createdAt: '2026-03-05T09:00:00.000Z' });
}

describe('UploadManager against the local Drive', () => {
  it('uploads a multi-chunk backup into ChatSeal Backups with its name and appProperties', async () => {
    const bytes = patternBytes(3 * MiB + 12345);
    const item = await queue(bytes);
    await manager().kick();
    const files = drive.emu.admin.files().filter((f) => f.name.endsWith('.age'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: item.fileName, path: `${FOLDER_NAME}/${item.fileName}`, sha256Checksum: sha256Hex(bytes) });
    expect(files[0]!.appProperties).toEqual({ chatsealKind: 'backup', keyId: '0123456789abcdef', formatVersion: '1', createdAt: '2026-03-05T09:00:00.000Z' });
    expect(drive.emu.admin.fileContent(files[0]!.id).equals(Buffer.from(bytes))).toBe(true);
    expect(drive.emu.admin.uploadStats()[0]!.chunks).toBeGreaterThanOrEqual(2);
    expect(await new Outbox(async () => db).list()).toEqual([]);
  });

  it('a new worker resumes from the checkpoint after a status query, re-sending at most one chunk', async () => {
    const bytes = patternBytes(3 * MiB + 777);
    const item = await queue(bytes);
    // The first worker stops before its second chunk goes out: that request never completes.
    let chunks = 0;
    let stopped!: () => void;
    const atStop = new Promise<void>((resolve) => (stopped = resolve));
    const dying = manager({
      fetchGate: async (method, init) => {
        if (method === 'PUT' && init?.body != null && ++chunks === 2) {
          stopped();
          await new Promise(() => undefined);
        }
      },
    });
    void dying.kick();
    await atStop;
    const left = await new Outbox(async () => db).get(item.id);
    expect(left?.state).toBe('uploading');
    expect(left?.upload?.offset).toBeGreaterThan(0);
    expect(left?.upload?.offset).toBeLessThan(bytes.length);

    await manager().kick();
    const stats = drive.emu.admin.uploadStats();
    expect(stats).toHaveLength(1);
    expect(stats[0]!.completed).toBe(true);
    expect(stats[0]!.statusQueries).toBeGreaterThanOrEqual(1);
    expect(stats[0]!.bytesResent).toBe(0);
    const file = drive.emu.admin.files().find((f) => f.name === item.fileName)!;
    expect(drive.emu.admin.fileContent(file.id).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a full Drive: the backup stays with reason quota; after space is freed, Retry uploads it', async () => {
    const bytes = patternBytes(600 * 1024);
    const item = await queue(bytes);
    drive.emu.admin.fillQuota();
    const m = manager();
    await m.kick();
    expect(await new Outbox(async () => db).get(item.id)).toMatchObject({ state: 'failed', reason: 'quota' });
    expect(drive.emu.admin.files().filter((f) => f.name.endsWith('.age'))).toEqual([]);
    drive.emu.admin.freeQuota();
    await m.retry(item.id);
    await m.idle();
    expect(await new Outbox(async () => db).list()).toEqual([]);
    expect(drive.emu.admin.files().filter((f) => f.name === item.fileName)).toHaveLength(1);
  });
});
