// The local Drive's metadata API: files.create/get/list/update/delete, about.get, auth errors,
// per-client visibility (drive.file), fields and paging, and persistence on disk.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDER, bytes, sameBytes, startTestDrive, type TestDrive } from './drive-emulator-setup';

let d: TestDrive;
beforeEach(async () => {
  d = await startTestDrive();
});
afterEach(async () => {
  await d.close();
});

const jsonInit = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

async function folder(name = 'ChatSeal Backups') {
  const { status, body } = await d.json('/drive/v3/files?fields=id', jsonInit('POST', { name, mimeType: FOLDER }));
  expect(status).toBe(200);
  return body.id as string;
}

async function upload(name: string, parent: string, extra: Record<string, unknown> = {}, size = 10) {
  const boundary = 'x';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ name, parents: [parent], ...extra })}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from(bytes(size)),
    Buffer.from(`\r\n--${boundary}--`),
  ]);
  const { status, body: file } = await d.json('/upload/drive/v3/files?uploadType=multipart&fields=id', {
    method: 'POST',
    headers: { 'Content-Type': `multipart/related; boundary=${boundary}` },
    body,
  });
  expect(status).toBe(200);
  return file.id as string;
}

describe('files', () => {
  it('creates a folder and answers with Drive’s default fields (kind, id, name, mimeType)', async () => {
    const { status, body } = await d.json('/drive/v3/files', jsonInit('POST', { name: 'ChatSeal Backups', mimeType: FOLDER }));
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    expect(body).toMatchObject({ kind: 'drive#file', name: 'ChatSeal Backups', mimeType: FOLDER });
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('gets metadata with fields, including checksums and appProperties', async () => {
    const parent = await folder();
    const id = await upload('ChatSeal-2026-11-26-abc.age', parent, {
      appProperties: { chatsealKind: 'backup', keyId: '0123456789abcdef', formatVersion: '1', createdAt: '2026-11-26T10:00:00Z' },
    }, 1234);
    const { status, body } = await d.json(`/drive/v3/files/${id}?fields=id,name,parents,size,md5Checksum,sha256Checksum,appProperties,createdTime,trashed`);
    expect(status).toBe(200);
    expect(body).toEqual({
      id,
      name: 'ChatSeal-2026-11-26-abc.age',
      parents: [parent],
      size: '1234',
      md5Checksum: expect.stringMatching(/^[0-9a-f]{32}$/),
      sha256Checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      appProperties: { chatsealKind: 'backup', keyId: '0123456789abcdef', formatVersion: '1', createdAt: '2026-11-26T10:00:00Z' },
      createdTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      trashed: false,
    });
    const all = await d.json(`/drive/v3/files/${id}?fields=*`);
    expect(all.body).toMatchObject({ kind: 'drive#file', version: '1', ownedByMe: true, sha1Checksum: expect.any(String), fileExtension: 'age' });
  });

  it('answers 404 notFound with Google’s error shape for an unknown id', async () => {
    const { status, body } = await d.json('/drive/v3/files/nope');
    expect(status).toBe(404);
    expect(body).toEqual({
      error: {
        code: 404,
        message: 'File not found: nope.',
        errors: [{ message: 'File not found: nope.', domain: 'global', reason: 'notFound', location: 'fileId', locationType: 'parameter' }],
        status: 'NOT_FOUND',
      },
    });
  });

  it('refuses an unknown field selection and unknown or read-only metadata', async () => {
    let r = await d.json('/drive/v3/files?fields=files(id,bogus)');
    expect(r.status).toBe(400);
    expect(r.body.error.errors[0]).toMatchObject({ reason: 'invalidParameter', location: 'fields' });
    expect(r.body.error.message).toBe('Invalid field selection bogus');
    r = await d.json('/drive/v3/files', jsonInit('POST', { name: 'a', size: '5' }));
    expect(r.status).toBe(403);
    expect(r.body.error.errors[0].reason).toBe('fieldNotWritable');
    r = await d.json('/drive/v3/files', jsonInit('POST', { name: 'a', colour: 'red' }));
    expect(r.status).toBe(400);
    r = await d.json('/drive/v3/files', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":' });
    expect(r.status).toBe(400);
    expect(r.body.error.errors[0].reason).toBe('parseError');
  });

  it('refuses a parent it cannot see, and more than one parent', async () => {
    let r = await d.json('/drive/v3/files', jsonInit('POST', { name: 'a', parents: ['missing'] }));
    expect(r.status).toBe(404);
    const p1 = await folder('one');
    const p2 = await folder('two');
    r = await d.json('/drive/v3/files', jsonInit('POST', { name: 'a', parents: [p1, p2] }));
    expect(r.status).toBe(403);
  });

  it('downloads with alt=media, and a Range with 206 and Content-Range (416 past the end)', async () => {
    const parent = await folder();
    const id = await upload('x.age', parent, {}, 1000);
    const all = bytes(1000);
    let res = await d.api(`/drive/v3/files/${id}?alt=media`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('1000');
    expect(sameBytes(new Uint8Array(await res.arrayBuffer()), all)).toBe(true);
    res = await d.api(`/drive/v3/files/${id}?alt=media`, { headers: { Range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(sameBytes(new Uint8Array(await res.arrayBuffer()), all.subarray(100, 200))).toBe(true);
    res = await d.api(`/drive/v3/files/${id}?alt=media`, { headers: { Range: 'bytes=900-' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 900-999/1000');
    res = await d.api(`/drive/v3/files/${id}?alt=media`, { headers: { Range: 'bytes=-10' } });
    expect(res.headers.get('content-range')).toBe('bytes 990-999/1000');
    res = await d.api(`/drive/v3/files/${id}?alt=media`, { headers: { Range: 'bytes=1000-' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */1000');
    const f = await d.json(`/drive/v3/files/${parent}?alt=media`);
    expect(f.status).toBe(403);
    expect(f.body.error.errors[0].reason).toBe('fileNotDownloadable');
  });

  it('updates metadata with PATCH: appProperties merge, null deletes, parents move with addParents/removeParents', async () => {
    const a = await folder('a');
    const b = await folder('b');
    const id = await upload('f', a, { appProperties: { k1: 'v1', k2: 'v2' } });
    let r = await d.json(`/drive/v3/files/${id}?fields=name,appProperties,version`, jsonInit('PATCH', { name: 'g', appProperties: { k1: null, k3: 'v3' } }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ name: 'g', appProperties: { k2: 'v2', k3: 'v3' }, version: '2' });
    r = await d.json(`/drive/v3/files/${id}?addParents=${b}&removeParents=${a}&fields=parents`, jsonInit('PATCH', {}));
    expect(r.body.parents).toEqual([b]);
    r = await d.json(`/drive/v3/files/${id}`, jsonInit('PATCH', { parents: [a] }));
    expect(r.status).toBe(403);
    expect(r.body.error.errors[0].reason).toBe('parentsNotWritable');
  });

  it('deletes with 204 (a folder takes its files with it)', async () => {
    const parent = await folder();
    const id = await upload('x', parent);
    let res = await d.api(`/drive/v3/files/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await d.api(`/drive/v3/files/${id}`)).status).toBe(404);
    const id2 = await upload('y', parent);
    res = await d.api(`/drive/v3/files/${parent}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await d.api(`/drive/v3/files/${id2}`)).status).toBe(404);
    expect(d.emu.admin.files()).toEqual([]);
  });

  it('refuses appProperties over 124 bytes of key and value', async () => {
    const r = await d.json('/drive/v3/files', jsonInit('POST', { name: 'a', appProperties: { k: 'x'.repeat(124) } }));
    expect(r.status).toBe(400);
  });

  it('answers the root alias', async () => {
    const r = await d.json('/drive/v3/files/root?fields=id,name,mimeType');
    expect(r.body).toMatchObject({ name: 'My Drive', mimeType: FOLDER });
  });
});

describe('files.list', () => {
  it('filters with q: name, parents, mimeType, trashed, and', async () => {
    const parent = await folder();
    await folder('Other');
    const a = await upload('ChatSeal-2026-11-26-a.age', parent);
    const b = await upload("it's \\ odd", parent);
    await upload('ChatSeal-2026-11-27-c.age', await folder('elsewhere'));
    const list = async (q: string) => {
      const r = await d.json(`/drive/v3/files?q=${encodeURIComponent(q)}&fields=files(id,name)&orderBy=name`);
      expect(r.status).toBe(200);
      return (r.body.files as { name: string }[]).map((f) => f.name);
    };
    expect(await list(`name = 'ChatSeal Backups' and mimeType = '${FOLDER}' and trashed = false`)).toEqual(['ChatSeal Backups']);
    expect(await list(`'${parent}' in parents and trashed = false`)).toEqual(['ChatSeal-2026-11-26-a.age', "it's \\ odd"]);
    expect(await list(`name = 'it\\'s \\\\ odd'`)).toEqual(["it's \\ odd"]);
    expect(await list(`mimeType != '${FOLDER}' and name contains 'ChatSeal'`)).toEqual(['ChatSeal-2026-11-26-a.age', 'ChatSeal-2026-11-27-c.age']);
    expect(await list(`'root' in parents`)).toEqual(['ChatSeal Backups', 'elsewhere', 'Other']);
    expect(await list(`(name = 'Other' or name = 'elsewhere') and not name = 'Other'`)).toEqual(['elsewhere']);
    await d.api(`/drive/v3/files/${a}`, jsonInit('PATCH', { trashed: true }));
    expect(await list(`'${parent}' in parents and trashed = false`)).toEqual(["it's \\ odd"]);
    expect(await list(`'${parent}' in parents and trashed = true`)).toEqual(['ChatSeal-2026-11-26-a.age']);
    expect(b).toBeTruthy();
  });

  it('filters on appProperties has { key and value } and on times', async () => {
    const parent = await folder();
    await upload('k', parent, { appProperties: { chatsealKind: 'key-file' } });
    await upload('b', parent, { appProperties: { chatsealKind: 'backup' } });
    const r = await d.json(`/drive/v3/files?q=${encodeURIComponent("appProperties has { key='chatsealKind' and value='backup' }")}&fields=files(name)`);
    expect(r.body.files).toEqual([{ name: 'b' }]);
    const later = await d.json(`/drive/v3/files?q=${encodeURIComponent("modifiedTime > '2100-01-01T00:00:00'")}`);
    expect(later.body.files).toEqual([]);
    const earlier = await d.json(`/drive/v3/files?q=${encodeURIComponent("createdTime > '2020-01-01T00:00:00Z' and mimeType != 'application/vnd.google-apps.folder'")}`);
    expect(earlier.body.files).toHaveLength(2);
  });

  it('answers 400 invalid for a malformed q', async () => {
    for (const q of ["name = 'unterminated", 'name = unquoted', "name ~ 'x'", "trashed = 'false'", "name = 'a' and", "'x' in names", "size > '3'"]) {
      const r = await d.json(`/drive/v3/files?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.errors[0]).toMatchObject({ reason: 'invalid', location: 'q', locationType: 'parameter' });
    }
  });

  it('pages with pageSize, nextPageToken and pageToken, and returns Drive’s default list fields', async () => {
    const parent = await folder();
    for (let i = 0; i < 7; i++) await upload(`f${i}`, parent);
    const q = encodeURIComponent(`'${parent}' in parents`);
    const first = await d.json(`/drive/v3/files?q=${q}&pageSize=3&orderBy=name`);
    expect(Object.keys(first.body).sort()).toEqual(['files', 'incompleteSearch', 'kind', 'nextPageToken']);
    expect(first.body.kind).toBe('drive#fileList');
    expect(Object.keys(first.body.files[0]).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await d.json(`/drive/v3/files?q=${q}&pageSize=3&orderBy=name${token ? `&pageToken=${token}` : ''}&fields=nextPageToken,files(name)`);
      names.push(...r.body.files.map((f: { name: string }) => f.name));
      token = r.body.nextPageToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
    expect((await d.json('/drive/v3/files?pageSize=0')).status).toBe(400);
    expect((await d.json('/drive/v3/files?pageSize=1001')).status).toBe(400);
    expect((await d.json('/drive/v3/files?pageToken=garbage')).status).toBe(400);
  });

  it('orders by name, createdTime and modifiedTime desc; refuses unknown keys', async () => {
    const parent = await folder();
    await upload('b', parent);
    await upload('a', parent);
    await upload('c', parent);
    const names = async (order: string) =>
      (await d.json(`/drive/v3/files?q=${encodeURIComponent(`'${parent}' in parents`)}&orderBy=${encodeURIComponent(order)}&fields=files(name)`)).body.files.map((f: { name: string }) => f.name);
    expect(await names('name')).toEqual(['a', 'b', 'c']);
    expect(await names('name desc')).toEqual(['c', 'b', 'a']);
    expect(await names('createdTime')).toEqual(['b', 'a', 'c']);
    expect(await names('createdTime desc')).toEqual(['c', 'a', 'b']);
    expect((await d.json('/drive/v3/files?orderBy=size')).status).toBe(400);
  });

  it('refuses the appDataFolder space to a drive.file token', async () => {
    expect((await d.json('/drive/v3/files?spaces=appDataFolder')).status).toBe(403);
  });
});

describe('auth and visibility', () => {
  it('answers 401 with Google’s errors for a missing, unknown, expired or revoked token', async () => {
    let res = await fetch(`${d.emu.url}/drive/v3/files`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    const missing = await res.json();
    expect(missing.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'required', location: 'Authorization', locationType: 'header' }] });

    const bad = await d.json('/drive/v3/files', { headers: { Authorization: 'Bearer ya29.forged' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error.errors[0]).toMatchObject({ reason: 'authError', domain: 'global', location: 'Authorization' });

    d.emu.admin.expireTokens();
    const expired = await d.json('/drive/v3/files');
    expect(expired.status).toBe(401);
    expect(expired.body.error.errors[0].reason).toBe('authError');

    const fresh = d.emu.admin.issueToken().accessToken;
    expect((await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${fresh}` } })).status).toBe(200);
    const revoke = await fetch(`${d.emu.url}/revoke?token=${fresh}`, { method: 'POST' });
    expect(revoke.status).toBe(200);
    expect((await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${fresh}` } })).status).toBe(401);
  });

  it('expires a token after its lifetime', async () => {
    const t = d.emu.admin.issueToken({ expiresIn: 1 }).accessToken;
    const h = { headers: { Authorization: `Bearer ${t}` } };
    expect((await d.json('/drive/v3/files', h)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await d.json('/drive/v3/files', h)).status).toBe(401);
  });

  it('answers 403 insufficientPermissions to a token without a Drive scope', async () => {
    const t = d.emu.admin.issueToken({ scopes: ['https://www.googleapis.com/auth/userinfo.email'] }).accessToken;
    const r = await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${t}` } });
    expect(r.status).toBe(403);
    expect(r.body.error.errors[0].reason).toBe('insufficientPermissions');
  });

  it('shows a client id’s tokens only the files created with that client id (drive.file)', async () => {
    await d.close();
    d = await startTestDrive({ clientIds: ['chrome.apps.googleusercontent.com', 'firefox.apps.googleusercontent.com'] });
    const chrome = d.token;
    const firefox = d.emu.admin.issueToken({ clientId: 'firefox.apps.googleusercontent.com' }).accessToken;
    const id = await folder('ChatSeal Backups');
    const asFirefox = { headers: { Authorization: `Bearer ${firefox}` } };
    expect((await d.json(`/drive/v3/files/${id}`, asFirefox)).status).toBe(404);
    expect((await d.json('/drive/v3/files', asFirefox)).body.files).toEqual([]);
    expect((await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${chrome}` } })).body.files).toHaveLength(1);
    const full = d.emu.admin.issueToken({ clientId: 'firefox.apps.googleusercontent.com', scopes: ['https://www.googleapis.com/auth/drive'] }).accessToken;
    expect((await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${full}` } })).body.files).toHaveLength(1);
  });

  it('keeps accounts apart: another account sees none of the first one’s files', async () => {
    await folder();
    d.emu.admin.setAccount({ email: 'other@example.com', name: 'Other Person' });
    const other = d.emu.admin.issueToken().accessToken;
    const r = await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${other}` } });
    expect(r.body.files).toEqual([]);
  });
});

describe('about', () => {
  it('answers fields=user with the account, and storageQuota with usage', async () => {
    const parent = await folder();
    await upload('x', parent, {}, 500);
    let r = await d.json('/drive/v3/about?fields=user');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      user: {
        kind: 'drive#user',
        displayName: 'Maya Example',
        emailAddress: 'maya@example.com',
        me: true,
        permissionId: expect.stringMatching(/^\d+$/),
        photoLink: expect.any(String),
      },
    });
    r = await d.json('/drive/v3/about?fields=user(emailAddress),storageQuota');
    expect(r.body).toEqual({
      user: { emailAddress: 'maya@example.com' },
      storageQuota: { limit: String(15 * 1024 ** 3), usage: '500', usageInDrive: '500', usageInDriveTrash: '0' },
    });
  });

  it('requires fields, as Google does', async () => {
    const r = await d.json('/drive/v3/about');
    expect(r.status).toBe(400);
    expect(r.body.error.errors[0]).toMatchObject({ reason: 'required', location: 'fields' });
  });
});

describe('persistence and admin', () => {
  it('keeps files, tokens and consents on disk across a restart with the same dir', async () => {
    const parent = await folder();
    const id = await upload('kept.age', parent, { appProperties: { chatsealKind: 'backup' } }, 300);
    const { dir, token } = d;
    await d.emu.close();
    const again = await startTestDrive({ dir });
    try {
      const r = await again.json(`/drive/v3/files/${id}?fields=name,size,appProperties`, { headers: { Authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ name: 'kept.age', size: '300', appProperties: { chatsealKind: 'backup' } });
      expect(again.emu.admin.files().map((f) => f.path)).toEqual(['ChatSeal Backups', 'ChatSeal Backups/kept.age']);
    } finally {
      await again.emu.close();
    }
  });

  it('logs every request without tokens', async () => {
    await d.json(`/drive/v3/files?access_token=${d.token}`, { headers: { Authorization: '' } });
    await d.json('/drive/v3/files?pageSize=5');
    const log = d.emu.admin.log();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/drive/v3/files', status: 200, query: { access_token: '(redacted)' } });
    expect(log[1]).toMatchObject({ query: { pageSize: '5' }, clientId: 'chatseal-local-test.apps.googleusercontent.com' });
    expect(JSON.stringify(log)).not.toContain(d.token);
  });

  it('serves the admin API over HTTP', async () => {
    const admin = (p: string, init?: RequestInit) => fetch(`${d.emu.url}/__admin/${p}`, init);
    const post = (p: string, body: unknown) => admin(p, { method: 'POST', body: JSON.stringify(body) });
    const parent = await folder();
    await upload('a', parent, {}, 20);
    const files = await (await admin('files')).json();
    expect(files.map((f: { path: string }) => f.path)).toEqual(['ChatSeal Backups', 'ChatSeal Backups/a']);
    const content = Buffer.from(await (await admin(`files/${files[1].id}/content`)).arrayBuffer());
    expect(sameBytes(content, bytes(20))).toBe(true);
    expect(await (await post('faults', { match: { pathPrefix: '/drive/v3/about' }, action: { status: 500 }, times: 1 })).json()).toEqual({ id: expect.any(String) });
    expect((await d.json('/drive/v3/about?fields=user')).status).toBe(500);
    expect((await post('faults', { action: { status: 99 } })).status).toBe(400);
    const log = await (await admin('log')).json();
    expect(log.at(-1)).toMatchObject({ path: '/drive/v3/about', status: 500, fault: expect.stringContaining('status 500') });
    const token = (await (await post('tokens', {})).json()).accessToken;
    expect((await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    await post('tokens/expire', {});
    expect((await d.json('/drive/v3/files', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await (await post('quota/fill', {})).json()).usageBytes).toBe(15 * 1024 ** 3);
    expect((await (await post('quota/free', {})).json()).usageBytes).toBe(20);
    expect(await (await post('account', { email: 'b@example.com', name: 'B' })).json()).toEqual({ email: 'b@example.com', name: 'B' });
    await post('reset', {});
    expect(await (await admin('files')).json()).toEqual([]);
    expect(await (await admin('log')).json()).toEqual([]);
    expect(await (await admin('account')).json()).toEqual({ email: 'maya@example.com', name: 'Maya Example' });
    expect((await admin('nothing-here')).status).toBe(404);
  });
});
