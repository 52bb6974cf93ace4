// DriveClient against the local Drive: folder find-or-create, paged listing, ranged download,
// delete, about, the 401 refresh, backoff on what is retryable and no retry on what is not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUP_FOLDER_NAME, DriveClient, FOLDER_MIME_TYPE, queryLiteral } from '../../src/drive/client';
import { DriveError } from '../../src/drive/errors';
import { uploadResumable } from '../../src/drive/upload';
import { patternBytes, sha256Hex, startDrive, testClient, type Drive } from './drive-fixture';

// A fresh local Drive per test, on a new port: no kept-alive connection from an earlier test
// (which the emulator closes when a cut is armed) can be reused and fail unseen.
let drive: Drive;
beforeEach(async () => {
  drive = await startDrive();
});
afterEach(async () => {
  await drive.close();
});

const folders = () => drive.emu.admin.files().filter((f) => f.mimeType === FOLDER_MIME_TYPE && !f.trashed);

async function putFile(client: DriveClient, name: string, bytes: Uint8Array<ArrayBuffer>, parents?: string[]): Promise<string> {
  const { file } = await uploadResumable(client, {
    blob: new Blob([bytes]),
    metadata: { name, ...(parents === undefined ? {} : { parents }) },
    sha256: sha256Hex(bytes),
  });
  return file.id;
}

async function caught(promise: Promise<unknown>): Promise<DriveError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DriveError);
    return error as DriveError;
  }
  throw new Error('expected a DriveError');
}

describe('ensureFolder', () => {
  it('creates "ChatSeal Backups" once and finds it afterwards, also from another client', async () => {
    const { client } = testClient(drive);
    const id = await client.ensureFolder();
    expect(await client.ensureFolder()).toBe(id);
    expect(await testClient(drive).client.ensureFolder()).toBe(id);
    expect(folders().map((f) => [f.id, f.name])).toEqual([[id, BACKUP_FOLDER_NAME]]);
  });

  it('makes one folder when called many times at once', async () => {
    const { client } = testClient(drive);
    const ids = await Promise.all([client.ensureFolder(), client.ensureFolder(), client.ensureFolder()]);
    expect(new Set(ids).size).toBe(1);
    expect(folders()).toHaveLength(1);
  });

  it('does not make a second folder when the answer to the create was lost', async () => {
    // Drive creates the folder, then the connection drops before the answer arrives.
    drive.emu.admin.addFault({ match: { method: 'POST', pathPrefix: '/drive/v3/files' }, action: { cutAfterBytes: 0 } });
    const { client, sleeps } = testClient(drive);
    const id = await client.ensureFolder();
    expect(sleeps).toHaveLength(1);
    expect(folders().map((f) => f.id)).toEqual([id]);
  });

  it('makes the folder anew when the user deleted it', async () => {
    const { client } = testClient(drive);
    const first = await client.ensureFolder();
    await client.remove(first);
    const second = await client.ensureFolder();
    expect(second).not.toBe(first);
    expect(folders().map((f) => f.id)).toEqual([second]);
  });

  it('picks the oldest when two browsers raced and made two', async () => {
    const a = testClient(drive).client;
    const b = testClient(drive).client;
    const first = await a.ensureFolder();
    // A second folder of the same name, as a racing browser could have made.
    const response = await b.send('test', b.url('/drive/v3/files', { fields: 'id' }), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: BACKUP_FOLDER_NAME, mimeType: FOLDER_MIME_TYPE }),
    });
    const second = ((await response.json()) as { id: string }).id;
    expect(second).not.toBe(first);
    expect(await b.ensureFolder()).toBe(first);
    expect(await b.findFolder(BACKUP_FOLDER_NAME)).toBe(first);
  });

  it('finds a folder whose name needs quoting in the query', async () => {
    const { client } = testClient(drive);
    const name = "Maya's \\ backups";
    const id = await client.ensureFolder(name);
    expect(await testClient(drive).client.findFolder(name)).toBe(id);
    expect(queryLiteral(name)).toBe("'Maya\\'s \\\\ backups'");
  });
});

describe('list', () => {
  it('follows nextPageToken to the end', async () => {
    const { client, requests } = testClient(drive);
    const folder = await client.ensureFolder();
    const names = Array.from({ length: 7 }, (_, i) => `ChatSeal-2026-11-26-file00000${i}.age`);
    for (const [i, name] of names.entries()) await putFile(client, name, patternBytes(100 + i, i + 1), [folder]);
    await putFile(client, 'elsewhere.age', patternBytes(10));
    requests.length = 0;

    const files = await client.listFolder(folder, { pageSize: 3 });
    expect(files.map((f) => f.name).sort()).toEqual(names);
    expect(files.every((f) => f.parents?.[0] === folder && f.size !== undefined && f.sha256Checksum !== undefined)).toBe(true);
    const pages = requests.filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/drive/v3/files');
    expect(pages).toHaveLength(3);
    expect(new URL(pages[0]!.url).searchParams.has('pageToken')).toBe(false);
    expect(pages.slice(1).every((r) => new URL(r.url).searchParams.has('pageToken'))).toBe(true);

    const pageSizes: number[] = [];
    for await (const page of client.pages({ q: `${queryLiteral(folder)} in parents`, pageSize: 3 })) pageSizes.push(page.length);
    expect(pageSizes).toEqual([3, 3, 1]);
  });

  it('returns an empty list when nothing matches', async () => {
    const { client } = testClient(drive);
    expect(await client.list({ q: "name = 'nothing here'" })).toEqual([]);
  });
});

describe('download, get, remove, about', () => {
  it('downloads a whole file and byte ranges of it', async () => {
    const { client } = testClient(drive);
    const bytes = patternBytes(300_000, 7);
    const id = await putFile(client, 'x.age', bytes);
    expect(Buffer.from(await client.downloadBytes(id)).equals(Buffer.from(bytes))).toBe(true);
    expect(await client.downloadBytes(id, { start: 100, end: 199 })).toEqual(bytes.subarray(100, 200));
    expect(await client.downloadBytes(id, { start: 299_990 })).toEqual(bytes.subarray(299_990));
    const response = await client.download(id, { start: 0, end: 9 });
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe('bytes 0-9/300000');
    await response.body?.cancel();
  });

  it('downloads again when the connection drops mid-file', async () => {
    const { client, sleeps } = testClient(drive);
    const bytes = patternBytes(200_000, 9);
    const id = await putFile(client, 'z.age', bytes);
    drive.emu.admin.addFault({ match: { method: 'GET', pathPrefix: `/drive/v3/files/${id}` }, action: { cutAfterBytes: 50_000 } });
    expect(Buffer.from(await client.downloadBytes(id)).equals(Buffer.from(bytes))).toBe(true);
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    expect(drive.emu.admin.log().filter((e) => e.method === 'GET' && e.cut)).toHaveLength(1);
  });

  it('reads a file’s details, and deletes it for good', async () => {
    const { client, sleeps } = testClient(drive);
    const bytes = patternBytes(1000);
    const id = await putFile(client, 'gone-soon.age', bytes);
    const file = await client.get(id);
    expect(file).toMatchObject({ id, name: 'gone-soon.age', size: '1000', sha256Checksum: sha256Hex(bytes) });
    await client.remove(id);
    expect(drive.emu.admin.files().find((f) => f.id === id)).toBeUndefined();
    const error = await caught(client.get(id));
    expect(error.kind).toBe('not-found');
    expect(error.status).toBe(404);
    expect(sleeps).toEqual([]);
  });

  it('treats a delete whose answer was lost as done', async () => {
    const { client } = testClient(drive);
    const id = await putFile(client, 'y.age', patternBytes(10));
    drive.emu.admin.addFault({ match: { method: 'DELETE' }, action: { cutAfterBytes: 0 } });
    await client.remove(id);
    expect(drive.emu.admin.files().find((f) => f.id === id)).toBeUndefined();
  });

  it('says which Google account it is', async () => {
    const { client } = testClient(drive);
    const about = await client.about();
    expect(about.email).toBe('maya@example.com');
    expect(about.name).toBe('Maya Example');
    expect(about.storageQuota?.limit).toBeGreaterThan(0);
  });
});

describe('tokens', () => {
  it('refreshes the token once on 401 and succeeds', async () => {
    const { client, refreshes, sleeps } = testClient(drive);
    await client.ensureFolder();
    drive.emu.admin.expireTokens();
    expect((await client.about()).email).toBe('maya@example.com');
    expect(refreshes()).toBe(1);
    expect(sleeps).toEqual([]);
    const statuses = drive.emu.admin.log().filter((e) => e.path === '/drive/v3/about').map((e) => e.status);
    expect(statuses).toEqual([401, 200]);
  });

  it('gives up with an auth error when the refreshed token is refused too', async () => {
    let refreshes = 0;
    const stale = drive.emu.admin.issueToken().accessToken;
    drive.emu.admin.expireTokens();
    const { client, sleeps } = testClient(drive, {
      token: {
        get: async () => stale,
        refresh: async () => {
          refreshes++;
          return stale;
        },
      },
    });
    const error = await caught(client.about());
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(refreshes).toBe(1);
    expect(sleeps).toEqual([]);
    expect(drive.emu.admin.log().filter((e) => e.path === '/drive/v3/about')).toHaveLength(2);
  });

  it('turns a token source without a token into an auth error', async () => {
    const { client } = testClient(drive, {
      token: {
        get: () => Promise.reject(new Error('not connected')),
        refresh: () => Promise.reject(new Error('not connected')),
      },
    });
    const error = await caught(client.about());
    expect(error.kind).toBe('auth');
    expect(drive.emu.admin.log()).toHaveLength(0);
  });
});

describe('retries', () => {
  const policy = { baseMs: 1000, capMs: 4000, maxRetries: 6 };

  it.each([
    ['503', { status: 503 }, 'server'],
    ['429', { status: 429, reason: 'rateLimitExceeded' }, 'rate-limited'],
    ['403 rateLimitExceeded', { status: 403, reason: 'rateLimitExceeded' }, 'rate-limited'],
    ['403 userRateLimitExceeded', { status: 403, reason: 'userRateLimitExceeded' }, 'rate-limited'],
    ['a cut connection', { cutAfterBytes: 0 }, 'network'],
  ] as const)('backs off on %s with growing, jittered, capped waits, then succeeds', async (_, action, kind) => {
    drive.emu.admin.addFault({ match: { pathPrefix: '/drive/v3/about' }, action, times: 6 });
    // Without retries the first fault shows what the client made of it.
    const once = testClient(drive, { backoff: { ...policy, maxRetries: 0 } });
    const error = await caught(once.client.about());
    expect([error.kind, error.retryable]).toEqual([kind, true]);
    drive.emu.admin.clearLog();
    // Jitter from a fixed sequence: each wait is that fraction of its ceiling (1, 2, 4, 4, 4 s).
    const randoms = [0.99, 0.99, 0.99, 0.99, 0.25];
    const { client, sleeps } = testClient(drive, { random: () => randoms.shift() ?? 0, backoff: policy });
    expect((await client.about()).email).toBe('maya@example.com');
    expect(sleeps).toEqual([990, 1980, 3960, 3960, 1000]);
    expect(drive.emu.admin.log().map((e) => e.fault !== null)).toEqual([true, true, true, true, true, false]);
    expect(drive.emu.admin.log().filter((e) => e.path === '/drive/v3/about')).toHaveLength(6);
  });

  it('honours Retry-After', async () => {
    drive.emu.admin.addFault({ match: { pathPrefix: '/drive/v3/about' }, action: { status: 429, retryAfter: 3 } });
    const { client, sleeps } = testClient(drive, { random: () => 0.1 });
    await client.about();
    expect(sleeps).toEqual([3000]);
  });

  it('stops after the last retry with the last retryable error', async () => {
    drive.emu.admin.addFault({ match: { pathPrefix: '/drive/v3/about' }, action: { status: 500 }, times: 10 });
    const { client, sleeps } = testClient(drive, { backoff: { baseMs: 100, capMs: 1000, maxRetries: 3 } });
    const error = await caught(client.about());
    expect(error.kind).toBe('server');
    expect(error.retryable).toBe(true);
    expect(sleeps).toHaveLength(3);
    expect(drive.emu.admin.log().filter((e) => e.path === '/drive/v3/about')).toHaveLength(4);
  });

  it.each([
    ['403 storageQuotaExceeded', { status: 403, reason: 'storageQuotaExceeded' }, 'quota'],
    ['403 insufficientPermissions', { status: 403, reason: 'insufficientPermissions' }, 'forbidden'],
    ['400', { status: 400, reason: 'badRequest' }, 'bad-request'],
    ['404', { status: 404, reason: 'notFound' }, 'not-found'],
  ] as const)('does not retry %s', async (_, action, kind) => {
    drive.emu.admin.addFault({ match: { pathPrefix: '/drive/v3/files' }, action, times: 3 });
    const { client, sleeps } = testClient(drive);
    const error = await caught(client.list({ q: 'trashed = false' }));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(action.status);
    expect(error.retryable).toBe(false);
    expect(sleeps).toEqual([]);
    expect(drive.emu.admin.log().filter((e) => e.path === '/drive/v3/files')).toHaveLength(1);
  });

  it('passes an abort through without retrying', async () => {
    drive.emu.admin.addFault({ match: { pathPrefix: '/drive/v3/about' }, action: { status: 503 }, times: 5 });
    const controller = new AbortController();
    const { client } = testClient(drive, {
      sleep: async () => {
        controller.abort(new Error('paused'));
      },
    });
    await expect(client.about(controller.signal)).rejects.toThrow('paused');
  });
});
