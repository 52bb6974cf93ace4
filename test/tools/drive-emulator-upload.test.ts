// Resumable, multipart and media uploads on the local Drive, and the faults injected into them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KiB256, bytes, sameBytes, sha256Hex, startTestDrive, type TestDrive } from './drive-emulator-setup';

let d: TestDrive;
beforeEach(async () => {
  d = await startTestDrive();
});
afterEach(async () => {
  await d.close();
});

const range = (start: number, end: number, total: number | '*') => `bytes ${start}-${end}/${total}`;

describe('resumable upload', () => {
  it('initiates with 200, an empty body and the session URI in Location', async () => {
    const res = await d.api('/upload/drive/v3/files?uploadType=resumable&fields=id,name', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=UTF-8', 'X-Upload-Content-Length': '10' },
      body: JSON.stringify({ name: 'a.age' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.pathname).toBe('/upload/drive/v3/files');
    expect(location.searchParams.get('uploadType')).toBe('resumable');
    expect(location.searchParams.get('fields')).toBe('id,name');
    const uploadId = location.searchParams.get('upload_id');
    expect(uploadId).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(res.headers.get('x-guploader-uploadid')).toBe(uploadId);
  });

  it('takes chunks with 308 and Range, answers a status query, and ends with 200 and the file', async () => {
    const data = bytes(3 * KiB256 + 1000);
    const total = data.length;
    const uri = await d.startUpload(
      { name: 'ChatSeal-2026-11-26-k3f9.age', appProperties: { chatsealKind: 'backup', keyId: 'abcd' } },
      total,
      '&fields=id,name,size,md5Checksum,sha256Checksum,appProperties,mimeType',
    );

    let res = await d.put(uri, null, `bytes */${total}`);
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBeNull(); // nothing kept yet: no Range header at all

    res = await d.put(uri, data.subarray(0, 2 * KiB256), range(0, 2 * KiB256 - 1, total));
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${2 * KiB256 - 1}`);
    expect(await res.text()).toBe('');

    res = await d.put(uri, null, `bytes */${total}`);
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${2 * KiB256 - 1}`);

    res = await d.put(uri, data.subarray(2 * KiB256), range(2 * KiB256, total - 1, total));
    expect(res.status).toBe(200);
    const file = await res.json();
    expect(file).toEqual({
      id: expect.any(String),
      name: 'ChatSeal-2026-11-26-k3f9.age',
      mimeType: 'application/octet-stream',
      size: String(total),
      md5Checksum: expect.stringMatching(/^[0-9a-f]{32}$/),
      sha256Checksum: await sha256Hex(data),
      appProperties: { chatsealKind: 'backup', keyId: 'abcd' },
    });

    // A status query after completion answers with the file again.
    res = await d.put(uri, null, `bytes */${total}`);
    expect(res.status).toBe(200);
    expect((await res.json()).id).toBe(file.id);

    const media = await d.api(`/drive/v3/files/${file.id}?alt=media`);
    expect(media.status).toBe(200);
    expect(sameBytes(new Uint8Array(await media.arrayBuffer()), data)).toBe(true);
    expect(sameBytes(d.emu.admin.fileContent(file.id), data)).toBe(true);
  });

  it('accepts the total only with the last chunk (bytes A-B/*) and a whole upload without Content-Range', async () => {
    const data = bytes(KiB256 + 5);
    const uri = await d.startUpload({ name: 'unknown-size' });
    let res = await d.put(uri, data.subarray(0, KiB256), range(0, KiB256 - 1, '*'));
    expect(res.status).toBe(308);
    res = await d.put(uri, data.subarray(KiB256), range(KiB256, data.length - 1, data.length));
    expect(res.status).toBe(200);

    const uri2 = await d.startUpload({ name: 'one-go' }, 10);
    res = await d.api(uri2, { method: 'PUT', body: bytes(10) });
    expect(res.status).toBe(200);
    expect((await res.json()).name).toBe('one-go');
  });

  it('refuses a chunk that does not start at the kept offset, a non-final chunk off 256 KiB, and a wrong total', async () => {
    const total = 3 * KiB256;
    const data = bytes(total);
    const uri = await d.startUpload({ name: 'strict' }, total);
    let res = await d.put(uri, data.subarray(KiB256, 2 * KiB256), range(KiB256, 2 * KiB256 - 1, total));
    expect(res.status).toBe(400);
    const err = await res.json();
    expect(err.error.code).toBe(400);
    expect(err.error.errors[0].reason).toBe('badRequest');
    res = await d.put(uri, data.subarray(0, 1000), range(0, 999, total));
    expect(res.status).toBe(400);
    res = await d.put(uri, data.subarray(0, KiB256), range(0, KiB256 - 1, total + 1));
    expect(res.status).toBe(400);
    res = await d.put(uri, null, `bytes */${total}`);
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBeNull();
  });

  it('answers 404 for an unknown or expired session', async () => {
    const uri = await d.startUpload({ name: 'lost' }, KiB256);
    d.emu.admin.expireUploads();
    const res = await d.put(uri, null, `bytes */${KiB256}`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.errors[0].reason).toBe('notFound');
    const bogus = uri.replace(/upload_id=[^&]+/, 'upload_id=nope');
    expect((await d.put(bogus, null, `bytes */${KiB256}`)).status).toBe(404);
  });

  it('cancels a session with DELETE (499), after which it is gone', async () => {
    const uri = await d.startUpload({ name: 'cancel' }, KiB256);
    const res = await d.api(uri, { method: 'DELETE' });
    expect(res.status).toBe(499);
    expect((await d.put(uri, null, `bytes */${KiB256}`)).status).toBe(404);
  });

  it('accepts the session URI without Authorization, but checks a token that is sent', async () => {
    const uri = await d.startUpload({ name: 'noauth' }, KiB256);
    let res = await fetch(uri, { method: 'PUT', headers: { 'Content-Range': `bytes */${KiB256}` } });
    expect(res.status).toBe(308);
    res = await d.put(uri, null, `bytes */${KiB256}`, { Authorization: 'Bearer ya29.not-a-token' });
    expect(res.status).toBe(401);
  });

  it('answers 401 to a chunk sent with a token that expired mid-upload; the kept bytes stay and a new token goes on', async () => {
    const total = 3 * KiB256;
    const data = bytes(total, 8);
    const uri = await d.startUpload({ name: 'expiring.age' }, total);
    expect((await d.put(uri, data.subarray(0, KiB256), range(0, KiB256 - 1, total))).status).toBe(308);
    d.emu.admin.expireTokens();
    let res = await d.put(uri, data.subarray(KiB256, 2 * KiB256), range(KiB256, 2 * KiB256 - 1, total));
    expect(res.status).toBe(401);
    expect((await res.json()).error.errors[0].reason).toBe('authError');
    const fresh = d.emu.admin.issueToken().accessToken;
    const auth = { Authorization: `Bearer ${fresh}` };
    res = await d.put(uri, null, `bytes */${total}`, auth);
    expect(res.headers.get('range')).toBe(`bytes=0-${KiB256 - 1}`);
    res = await d.put(uri, data.subarray(KiB256), range(KiB256, total - 1, total), auth);
    expect(res.status).toBe(200);
    const entry = d.emu.admin.log().find((e) => e.status === 401);
    expect(entry).toMatchObject({ bytesReceived: KiB256, bytesKept: null });
  });

  it('takes one request at a time per session: a status query waits for the chunk in flight', async () => {
    const total = 2 * KiB256;
    const data = bytes(total, 2);
    const uri = await d.startUpload({ name: 'serial' }, total);
    d.emu.admin.setNetwork({ bytesPerSecond: 2 * KiB256 });
    const chunk = d.put(uri, data.subarray(0, KiB256), range(0, KiB256 - 1, total));
    await new Promise((r) => setTimeout(r, 100));
    const status = await d.put(uri, null, `bytes */${total}`);
    expect(status.headers.get('range')).toBe(`bytes=0-${KiB256 - 1}`);
    expect((await chunk).status).toBe(308);
  });

  it('survives a restart of the emulator: the session and its kept bytes are on disk', async () => {
    const total = 2 * KiB256 + 7;
    const data = bytes(total, 3);
    const uri = await d.startUpload({ name: 'restart.age' }, total, '&fields=id,sha256Checksum');
    expect((await d.put(uri, data.subarray(0, KiB256), range(0, KiB256 - 1, total))).status).toBe(308);
    const { dir } = d;
    await d.emu.close();
    const again = await startTestDrive({ dir });
    try {
      // The session URI names the host; a browser maps that host to wherever the emulator listens.
      const uri2 = uri.replace(d.emu.url, again.emu.url);
      let res = await again.put(uri2, null, `bytes */${total}`);
      expect(res.status).toBe(308);
      expect(res.headers.get('range')).toBe(`bytes=0-${KiB256 - 1}`);
      res = await again.put(uri2, data.subarray(KiB256), range(KiB256, total - 1, total));
      expect(res.status).toBe(200);
      expect((await res.json()).sha256Checksum).toBe(await sha256Hex(data));
    } finally {
      await again.emu.close();
    }
  });
});

describe('multipart and media uploads', () => {
  it('creates a file from multipart/related: metadata first, then the bytes', async () => {
    const data = bytes(5000);
    const boundary = 'chatseal-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n`),
      Buffer.from(JSON.stringify({ name: 'key.age', appProperties: { chatsealKind: 'key-file' } })),
      Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from(data),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await d.api('/upload/drive/v3/files?uploadType=multipart&fields=id,name,size,sha256Checksum,appProperties', {
      method: 'POST',
      headers: { 'Content-Type': `multipart/related; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(200);
    const file = await res.json();
    expect(file).toMatchObject({ name: 'key.age', size: '5000', sha256Checksum: await sha256Hex(data), appProperties: { chatsealKind: 'key-file' } });
    expect(sameBytes(d.emu.admin.fileContent(file.id), data)).toBe(true);
  });

  it('refuses a multipart body without the metadata part', async () => {
    const res = await d.api('/upload/drive/v3/files?uploadType=multipart', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/related; boundary=b' },
      body: '--b\r\nContent-Type: application/octet-stream\r\n\r\nxx\r\n--b--',
    });
    expect(res.status).toBe(400);
  });

  it('creates an Untitled file from uploadType=media, and replaces content with PATCH', async () => {
    let res = await d.api('/upload/drive/v3/files?uploadType=media&fields=id,name,mimeType,size', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    const file = await res.json();
    expect(file).toMatchObject({ name: 'Untitled', mimeType: 'text/plain', size: '5' });
    res = await d.api(`/upload/drive/v3/files/${file.id}?uploadType=media&fields=id,size,version`, { method: 'PATCH', body: 'hello again' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: file.id, size: '11', version: '2' });
  });

  it('wants an uploadType', async () => {
    const res = await d.api('/upload/drive/v3/files', { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.errors[0]).toMatchObject({ reason: 'invalid', location: 'uploadType' });
  });
});

describe('quota', () => {
  it('refuses uploads with 403 storageQuotaExceeded when the quota is full, and takes them after it is freed', async () => {
    d.emu.admin.fillQuota();
    let res = await d.api('/upload/drive/v3/files?uploadType=resumable', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Upload-Content-Length': '100' },
      body: '{"name":"full"}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: {
        code: 403,
        message: "The user's Drive storage quota has been exceeded.",
        errors: [{ message: "The user's Drive storage quota has been exceeded.", domain: 'usageLimits', reason: 'storageQuotaExceeded' }],
        status: 'PERMISSION_DENIED',
      },
    });
    d.emu.admin.freeQuota();
    const uri = await d.startUpload({ name: 'after' }, 100);
    expect((await d.put(uri, bytes(100), range(0, 99, 100))).status).toBe(200);
  });

  it('refuses a chunk that would pass the quota, keeping the session', async () => {
    const total = 2 * KiB256;
    d.emu.admin.setQuota({ limitBytes: KiB256 + 10 });
    const uri = await d.startUpload({ name: 'big' });
    expect((await d.put(uri, bytes(KiB256), range(0, KiB256 - 1, '*'))).status).toBe(308);
    const res = await d.put(uri, bytes(KiB256), range(KiB256, total - 1, total));
    expect(res.status).toBe(403);
    expect((await res.json()).error.errors[0].reason).toBe('storageQuotaExceeded');
    d.emu.admin.setQuota({ limitBytes: 10 * KiB256 });
    const status = await d.put(uri, null, `bytes */${total}`);
    expect(status.headers.get('range')).toBe(`bytes=0-${KiB256 - 1}`);
  });
});

describe('faults', () => {
  async function uploadFirstChunk(total: number, data: Uint8Array<ArrayBuffer>) {
    const uri = await d.startUpload({ name: 'faulty.age' }, total, '&fields=id,sha256Checksum,size');
    const res = await d.put(uri, data.subarray(0, KiB256), range(0, KiB256 - 1, total));
    expect(res.status).toBe(308);
    return uri;
  }

  it('fails the next N matching chunks with a status and reason, then lets them through', async () => {
    const total = 3 * KiB256;
    const data = bytes(total);
    const uri = await uploadFirstChunk(total, data);
    d.emu.admin.addFault({ match: { upload: true, afterBytes: KiB256 }, action: { status: 503 }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await d.put(uri, data.subarray(KiB256, 2 * KiB256), range(KiB256, 2 * KiB256 - 1, total));
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.error).toMatchObject({ code: 503, errors: [{ reason: 'backendError', domain: 'global' }] });
    }
    // status queries are not chunks: untouched
    const status = await d.put(uri, null, `bytes */${total}`);
    expect(status.headers.get('range')).toBe(`bytes=0-${KiB256 - 1}`);
    expect((await d.put(uri, data.subarray(KiB256), range(KiB256, total - 1, total))).status).toBe(200);
    const log = d.emu.admin.log().filter((e) => e.uploadId !== null && e.method === 'PUT');
    expect(log.map((e) => [e.status, e.statusQuery, e.fault !== null])).toEqual([
      [308, false, false],
      [503, false, true],
      [503, false, true],
      [308, true, false],
      [200, false, false],
    ]);
    expect(d.emu.admin.faults()).toEqual([]);
  });

  it('answers 429 rateLimitExceeded with Retry-After, and 403 userRateLimitExceeded in the usageLimits domain', async () => {
    d.emu.admin.addFault({ match: { pathPrefix: '/drive/v3/files', method: 'GET' }, action: { status: 429, reason: 'rateLimitExceeded', retryAfter: 2 } });
    d.emu.admin.addFault({ match: { pathPrefix: '/drive/v3/files' }, action: { status: 403, reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' } });
    let res = await d.api('/drive/v3/files');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await res.json()).error.errors[0]).toMatchObject({ reason: 'rateLimitExceeded', domain: 'usageLimits' });
    res = await d.api('/drive/v3/files');
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ message: 'User Rate Limit Exceeded', errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits' }] });
    expect((await d.api('/drive/v3/files')).status).toBe(200);
  });

  it('can answer with Google front-end HTML instead of JSON', async () => {
    d.emu.admin.addFault({ action: { status: 502, html: true } });
    const res = await d.api('/drive/v3/files');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('502.');
  });

  it('applies faults after the auth checks: a request without a token gets 401, not the fault', async () => {
    d.emu.admin.addFault({ action: { status: 503 } });
    const res = await fetch(`${d.emu.url}/drive/v3/files`);
    expect(res.status).toBe(401);
    expect(d.emu.admin.faults()).toHaveLength(1);
  });

  it('keepBytes: Drive keeps fewer bytes of a chunk than were sent, and the 308 Range says so', async () => {
    const total = 4 * KiB256;
    const data = bytes(total, 9);
    const uri = await uploadFirstChunk(total, data);
    d.emu.admin.addFault({ match: { upload: true }, action: { keepBytes: KiB256 } });
    let res = await d.put(uri, data.subarray(KiB256, 3 * KiB256), range(KiB256, 3 * KiB256 - 1, total));
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${2 * KiB256 - 1}`);
    res = await d.put(uri, data.subarray(2 * KiB256), range(2 * KiB256, total - 1, total));
    expect(res.status).toBe(200);
    expect((await res.json()).sha256Checksum).toBe(await sha256Hex(data));
    const chunk = d.emu.admin.log().find((e) => e.fault !== null);
    expect(chunk).toMatchObject({ bytesReceived: 2 * KiB256, bytesKept: KiB256, status: 308 });
    expect(d.emu.admin.uploadStats()).toEqual([
      {
        uploadId: expect.any(String),
        chunks: 3,
        statusQueries: 0,
        bytesReceived: 5 * KiB256,
        bytesKept: total,
        bytesResent: KiB256,
        faults: [expect.stringContaining('keep')],
        completed: true,
      },
    ]);
  });

  it('keepBytes on the last chunk leaves the upload incomplete (308, not 200)', async () => {
    const total = 2 * KiB256;
    const data = bytes(total, 4);
    const uri = await uploadFirstChunk(total, data);
    d.emu.admin.addFault({ match: { upload: true }, action: { keepBytes: 1000 } });
    const res = await d.put(uri, data.subarray(KiB256), range(KiB256, total - 1, total));
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${KiB256 + 999}`);
    expect((await d.put(uri, data.subarray(KiB256 + 1000), range(KiB256 + 1000, total - 1, total))).status).toBe(200);
  });

  it('cutAfterBytes: the connection drops mid-chunk; the status query shows what was kept (rounded down to 256 KiB)', async () => {
    const total = 5 * KiB256;
    const data = bytes(total, 5);
    const uri = await uploadFirstChunk(total, data);
    // Armed after a chunk: the idle keep-alive connections close (let the client see that), and
    // the cut hits the next chunk, which comes on a fresh connection.
    d.emu.admin.addFault({ match: { upload: true, afterBytes: 2 * KiB256 }, action: { cutAfterBytes: KiB256 + 5000 } });
    await new Promise((r) => setTimeout(r, 50));
    let res = await d.put(uri, data.subarray(KiB256, 2 * KiB256), range(KiB256, 2 * KiB256 - 1, total));
    expect(res.status).toBe(308);
    expect(res.headers.get('connection')).toBe('close');
    await expect(d.put(uri, data.subarray(2 * KiB256, 4 * KiB256), range(2 * KiB256, 4 * KiB256 - 1, total))).rejects.toThrow();
    res = await d.put(uri, null, `bytes */${total}`);
    expect(res.status).toBe(308);
    expect(res.headers.get('range')).toBe(`bytes=0-${3 * KiB256 - 1}`);
    expect(res.headers.get('connection')).not.toBe('close'); // the cut is spent
    res = await d.put(uri, data.subarray(3 * KiB256), range(3 * KiB256, total - 1, total));
    expect(res.status).toBe(200);
    expect((await res.json()).sha256Checksum).toBe(await sha256Hex(data));
    const cut = d.emu.admin.log().find((e) => e.fault !== null);
    expect(cut).toMatchObject({ cut: true, status: 0, bytesReceived: KiB256 + 5000, bytesKept: KiB256 });
    const [stats] = d.emu.admin.uploadStats();
    expect(stats).toMatchObject({ chunks: 4, statusQueries: 1, bytesResent: 5000, completed: true });
    const overHttp = await (await fetch(`${d.emu.url}/__admin/uploads/stats`)).json();
    expect(overHttp).toEqual([stats]);
  });

  it('a client that gives up mid-chunk leaves the whole 256 KiB units it sent', async () => {
    const total = 8 * KiB256;
    const data = bytes(total, 6);
    const uri = await uploadFirstChunk(total, data);
    d.emu.admin.setNetwork({ bytesPerSecond: 4 * KiB256 });
    const abort = new AbortController();
    const sending = d.put(uri, data.subarray(KiB256, 7 * KiB256), range(KiB256, 7 * KiB256 - 1, total), {});
    const aborted = d.api(uri, {
      method: 'PUT',
      headers: { 'Content-Range': range(KiB256, 7 * KiB256 - 1, total) },
      body: data.subarray(KiB256, 7 * KiB256),
      signal: abort.signal,
    });
    void sending.catch(() => undefined);
    setTimeout(() => abort.abort(), 700);
    await expect(aborted).rejects.toThrow();
    d.emu.admin.setNetwork({ bytesPerSecond: null });
    await sending.catch(() => undefined);
    const res = await d.put(uri, null, `bytes */${total}`);
    const kept = Number((res.headers.get('range') ?? 'bytes=0--1').split('-')[1]) + 1;
    expect(kept % KiB256).toBe(0);
    expect(kept).toBeGreaterThanOrEqual(KiB256);
    expect((await d.put(uri, data.subarray(kept), range(kept, total - 1, total))).status).toBe(200);
  });

  it('cutAfterBytes on a download drops the connection after K bytes of the body', async () => {
    const res0 = await d.api('/upload/drive/v3/files?uploadType=media', { method: 'POST', body: bytes(100000) });
    const { id } = await res0.json();
    d.emu.admin.addFault({ match: { method: 'GET' }, action: { cutAfterBytes: 1000 } });
    const res = await d.api(`/drive/v3/files/${id}?alt=media`);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('refuses malformed fault specs', () => {
    expect(() => d.emu.admin.addFault({ action: { status: 200 } })).toThrow(/status/);
    expect(() => d.emu.admin.addFault({ action: { status: 503, keepBytes: 1 } } as never)).toThrow(/exactly one/);
    expect(() => d.emu.admin.addFault({ match: { bogus: 1 } as never, action: { status: 503 } })).toThrow(/bogus/);
  });
});
