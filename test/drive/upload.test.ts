// Resumable uploads against the local Drive: chunks with checkpoints, resuming from the Range Drive
// reports, backoff and status queries after faults mid-upload, the 401 refresh, no retry when
// Drive is full, a lost session restarting, chunk sizes following the measured speed, and the
// sha256Checksum check.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_UNIT } from '../../src/drive/chunk-size';
import { DriveError } from '../../src/drive/errors';
import { uploadMetadata } from '../../src/drive/names';
import { queryStatus, sendChunk, startSession, uploadResumable, type UploadCheckpoint, type UploadOptions } from '../../src/drive/upload';
import { patternBytes, sha256Hex, startDrive, testClient, type Drive, type TestClientOptions } from './drive-fixture';

const KiB = 1024;
const MiB = 1024 * KiB;

// A fresh local Drive per test, on a new port: no kept-alive connection from an earlier test
// (which the emulator closes when a cut is armed) can be reused and fail unseen.
let drive: Drive;
beforeEach(async () => {
  drive = await startDrive();
});
afterEach(async () => {
  await drive.close();
});

/** 1.25 MiB plus an odd tail: five 256 KiB chunks and a short last one at the smallest chunk size. */
const SIZE = 5 * CHUNK_UNIT + 12_345;
const SMALL_CHUNKS = { initialBytes: CHUNK_UNIT, maxBytes: CHUNK_UNIT };

function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength));
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

interface Run {
  bytes: Uint8Array<ArrayBuffer>;
  checkpoints: UploadCheckpoint[];
  options: UploadOptions;
}

function run(size = SIZE, extra: Partial<UploadOptions> = {}): Run {
  const bytes = patternBytes(size, 42);
  const checkpoints: UploadCheckpoint[] = [];
  const options: UploadOptions = {
    blob: new Blob([bytes]),
    metadata: uploadMetadata({ kind: 'backup', keyId: '0123456789abcdef', createdAt: '2026-11-26T10:15:03.000Z' }, 'root', 'ChatSeal-2026-11-26-abcdefghij.age'),
    sha256: sha256Hex(bytes),
    chunkSize: SMALL_CHUNKS,
    onCheckpoint: (checkpoint) => {
      checkpoints.push(checkpoint);
    },
    ...extra,
  };
  return { bytes, checkpoints, options };
}

/** The emulator's log of the upload's session requests (chunks and status queries), in the order they came. */
function sessionLog() {
  return drive.emu.admin
    .log()
    .filter((e) => e.method === 'PUT' && e.path.startsWith('/upload/drive/v3/files'))
    .sort((a, b) => a.seq - b.seq);
}

/** Exactly one stored file, equal to what we meant to upload. */
function expectStoredOnce(bytes: Uint8Array): void {
  const files = drive.emu.admin.files().filter((f) => f.mimeType !== 'application/vnd.google-apps.folder');
  expect(files).toHaveLength(1);
  const [file] = files;
  expect(file!.sha256Checksum).toBe(sha256Hex(bytes));
  expect(sameBytes(drive.emu.admin.fileContent(file!.id), bytes)).toBe(true);
}

/** Fault on chunks once the upload has this many bytes (after the first chunk is confirmed). */
const afterFirstChunk = { upload: true, afterBytes: CHUNK_UNIT } as const;

describe('uploadResumable', () => {
  it('uploads in chunks of 256 KiB multiples with a checkpoint after each confirmed chunk', async () => {
    const { client } = testClient(drive);
    const folder = await client.ensureFolder();
    const r = run(SIZE, {});
    r.options.metadata = uploadMetadata({ kind: 'backup', keyId: '0123456789abcdef', createdAt: '2026-11-26T10:15:03.000Z' }, folder, 'ChatSeal-2026-11-26-abcdefghij.age');
    const progress: number[] = [];
    const { file, stats } = await uploadResumable(client, { ...r.options, onProgress: (p) => progress.push(p.confirmed) });

    expect(stats).toMatchObject({ chunks: 6, bytesSent: SIZE, bytesResent: 0, statusQueries: 0, restarts: 0, retries: 0 });
    expect(r.checkpoints.map((c) => c.offset)).toEqual([0, 1, 2, 3, 4, 5].map((n) => n * CHUNK_UNIT));
    expect(new Set(r.checkpoints.map((c) => c.sessionUrl)).size).toBe(1);
    expect(r.checkpoints.every((c) => c.chunkSize % CHUNK_UNIT === 0)).toBe(true);
    expect(progress.at(-1)).toBe(SIZE);
    expect(sessionLog().map((e) => e.contentRange)).toEqual([
      ...[0, 1, 2, 3, 4].map((n) => `bytes ${n * CHUNK_UNIT}-${(n + 1) * CHUNK_UNIT - 1}/${SIZE}`),
      `bytes ${5 * CHUNK_UNIT}-${SIZE - 1}/${SIZE}`,
    ]);

    expect(file).toMatchObject({ name: 'ChatSeal-2026-11-26-abcdefghij.age', size: String(SIZE), sha256Checksum: r.options.sha256, parents: [folder] });
    expect(file.appProperties).toEqual({ chatsealKind: 'backup', keyId: '0123456789abcdef', formatVersion: '1', createdAt: '2026-11-26T10:15:03.000Z' });
    expectStoredOnce(r.bytes);
    expect(drive.emu.admin.files().find((f) => f.id === file.id)?.path).toBe('ChatSeal Backups/ChatSeal-2026-11-26-abcdefghij.age');
  });

  it('uploads a small file (the key file) in one request after the session starts', async () => {
    const { client } = testClient(drive);
    const r = run(321, { chunkSize: {} });
    const { stats } = await uploadResumable(client, r.options);
    expect(stats.chunks).toBe(1);
    expect(sessionLog().map((e) => e.contentRange)).toEqual(['bytes 0-320/321']);
    expectStoredOnce(r.bytes);
  });

  it('resumes after a restart from the Range Drive reports, even when it is less than was sent', async () => {
    // Run 1: 1 MiB chunks; the connection drops 600 KiB into the second chunk (Drive keeps
    // 512 KiB of it, in 256 KiB units), and the worker is stopped during the backoff wait.
    const size = 3 * MiB + 5;
    const chunkSize = { initialBytes: MiB, maxBytes: MiB };
    const dead = new AbortController();
    const first = testClient(drive, { sleep: async () => dead.abort(new Error('worker stopped')) });
    const r = run(size, { chunkSize, signal: dead.signal });
    drive.emu.admin.addFault({ match: { upload: true, afterBytes: MiB }, action: { cutAfterBytes: 600 * KiB } });
    await expect(uploadResumable(first.client, r.options)).rejects.toThrow('worker stopped');
    const saved = r.checkpoints.at(-1)!;
    expect(saved.offset).toBe(MiB);

    // Run 2 starts from the saved checkpoint, here claiming the whole second chunk arrived (as
    // if its 308 had been saved): Drive's Range (1.5 MiB) wins over it.
    drive.emu.admin.clearLog();
    const second = testClient(drive);
    const claimed = { ...saved, offset: 2 * MiB };
    const { stats } = await uploadResumable(second.client, { ...r.options, signal: new AbortController().signal, resume: claimed });

    // (The cut request of run 1 is logged when its handler ends, possibly after clearLog.)
    const log = sessionLog().filter((e) => !e.cut);
    expect(log[0]!.statusQuery).toBe(true);
    expect(log[1]!.contentRange).toBe(`bytes ${1.5 * MiB}-${2.5 * MiB - 1}/${size}`);
    expect(stats).toMatchObject({ statusQueries: 1, bytesSent: size - 1.5 * MiB, bytesResent: 0, restarts: 0 });
    expect(new Set(r.checkpoints.map((c) => c.sessionUrl)).size).toBe(1);
    expectStoredOnce(r.bytes);
  });

  it('continues from the Range of a chunk Drive kept only part of', async () => {
    drive.emu.admin.addFault({ match: afterFirstChunk, action: { keepBytes: 100 * KiB } });
    const { client, sleeps } = testClient(drive);
    const r = run();
    const { stats } = await uploadResumable(client, r.options);
    const log = sessionLog();
    const ranges = log.map((e) => e.contentRange);
    expect(ranges[1]).toBe(`bytes ${CHUNK_UNIT}-${2 * CHUNK_UNIT - 1}/${SIZE}`);
    // Drive's short 308 is confirmed by a status query before anything is sent again.
    expect(log[2]!.statusQuery).toBe(true);
    expect(ranges[3]).toBe(`bytes ${CHUNK_UNIT + 100 * KiB}-${2 * CHUNK_UNIT + 100 * KiB - 1}/${SIZE}`);
    expect(r.checkpoints[2]!.offset).toBe(CHUNK_UNIT + 100 * KiB);
    expect(stats.statusQueries).toBe(1);
    expect(stats.bytesResent).toBe(CHUNK_UNIT - 100 * KiB);
    expect(sleeps).toEqual([]);
    expectStoredOnce(r.bytes);
  });

  it.each([
    ['503', { status: 503 }],
    ['429', { status: 429, reason: 'rateLimitExceeded' }],
    ['403 rateLimitExceeded', { status: 403, reason: 'rateLimitExceeded' }],
    ['403 userRateLimitExceeded', { status: 403, reason: 'userRateLimitExceeded' }],
    ['a connection cut mid-chunk', { cutAfterBytes: 200 * KiB }],
  ] as const)('backs off on %s, asks Drive where it stands, and re-sends no more than the failed chunks', async (_, action) => {
    drive.emu.admin.addFault({ match: afterFirstChunk, action, times: 3 });
    const randoms = [0.9, 0.9, 0.3];
    const { client, sleeps } = testClient(drive, { random: () => randoms.shift() ?? 0.5 });
    const r = run();
    const { stats } = await uploadResumable(client, r.options);

    expect(sleeps).toEqual([900, 1800, 1200]);
    expect(stats.retries).toBe(3);
    expect(stats.statusQueries).toBe(3);
    const log = sessionLog();
    const faulted = log.filter((e) => e.fault !== null);
    expect(faulted).toHaveLength(3);
    // Each failure is followed by a status query.
    for (const entry of faulted) expect(log[log.indexOf(entry) + 1]?.statusQuery).toBe(true);
    expect(stats.bytesResent).toBeLessThanOrEqual(3 * CHUNK_UNIT);
    expect(log.filter((e) => !e.statusQuery && e.fault === null).reduce((n, e) => n + e.bytesReceived, 0)).toBe(SIZE);
    expectStoredOnce(r.bytes);
  });

  it('refreshes an expired token once mid-upload and carries on', async () => {
    const { client, refreshes, sleeps } = testClient(drive);
    const r = run();
    let expired = false;
    const { stats } = await uploadResumable(client, {
      ...r.options,
      onCheckpoint: (c) => {
        r.checkpoints.push(c);
        if (c.offset === CHUNK_UNIT && !expired) {
          expired = true;
          drive.emu.admin.expireTokens();
        }
      },
    });
    expect(refreshes()).toBe(1);
    expect(sleeps).toEqual([]);
    expect(stats.bytesResent).toBe(CHUNK_UNIT);
    // The refused chunk is sent again only after Drive said where it stands.
    const log = sessionLog();
    const refused = log.findIndex((e) => e.status === 401);
    expect(log.filter((e) => e.status === 401)).toHaveLength(1);
    expect(log[refused + 1]).toMatchObject({ statusQuery: true, status: 308 });
    expect(log[refused + 2]!.contentRange).toBe(`bytes ${CHUNK_UNIT}-${2 * CHUNK_UNIT - 1}/${SIZE}`);
    expectStoredOnce(r.bytes);
  });

  it('refreshes again when the token expires again after more chunks', async () => {
    const { client, refreshes } = testClient(drive);
    const r = run();
    const { stats } = await uploadResumable(client, {
      ...r.options,
      onCheckpoint: (c) => {
        r.checkpoints.push(c);
        if (c.offset === CHUNK_UNIT || c.offset === 3 * CHUNK_UNIT) drive.emu.admin.expireTokens();
      },
    });
    expect(refreshes()).toBe(2);
    expect(stats.statusQueries).toBe(2);
    expectStoredOnce(r.bytes);
  });

  it('gives up with an auth error when the refreshed token is refused too', async () => {
    const stale = drive.emu.admin.issueToken().accessToken;
    let refreshes = 0;
    const { client, sleeps } = testClient(drive, {
      token: {
        get: async () => stale,
        refresh: async () => {
          refreshes++;
          return stale;
        },
      },
    });
    const r = run();
    const error = await caught(
      uploadResumable(client, {
        ...r.options,
        onCheckpoint: (c) => {
          r.checkpoints.push(c);
          if (c.offset === CHUNK_UNIT) drive.emu.admin.expireTokens();
        },
      }),
    );
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(sleeps).toEqual([]);
    expect(refreshes).toBeLessThanOrEqual(2);
    expect(r.checkpoints.at(-1)!.offset).toBe(CHUNK_UNIT);
  });

  it('does not retry when Drive is full, and says so', async () => {
    drive.emu.admin.fillQuota();
    const { client, sleeps } = testClient(drive);
    const r = run();
    const error = await caught(uploadResumable(client, r.options));
    expect(error.kind).toBe('quota');
    expect(error.reason).toBe('storageQuotaExceeded');
    expect(error.retryable).toBe(false);
    expect(sleeps).toEqual([]);
    expect(drive.emu.admin.log()).toHaveLength(1);

    // Freed, the same upload goes through.
    drive.emu.admin.freeQuota();
    await uploadResumable(client, r.options);
    expectStoredOnce(r.bytes);
  });

  it.each([
    ['403 insufficientPermissions', { status: 403, reason: 'insufficientPermissions' }, 'forbidden'],
    ['400', { status: 400, reason: 'badRequest' }, 'bad-request'],
    ['a full Drive mid-upload', { status: 403, reason: 'storageQuotaExceeded' }, 'quota'],
  ] as const)('does not retry %s on a chunk', async (_, action, kind) => {
    drive.emu.admin.addFault({ match: afterFirstChunk, action });
    const { client, sleeps } = testClient(drive);
    const r = run();
    const error = await caught(uploadResumable(client, r.options));
    expect(error.kind).toBe(kind);
    expect(sleeps).toEqual([]);
    // The refused chunk is never sent again (after a 400, one status query checks we agree
    // with Drive on the offset).
    const chunks = sessionLog().filter((e) => !e.statusQuery);
    expect(chunks).toHaveLength(2);
    expect(sessionLog().length - chunks.length).toBe(kind === 'bad-request' ? 1 : 0);
    // The checkpoint still says where Drive stands, for a later retry.
    expect(r.checkpoints.at(-1)!.offset).toBe(CHUNK_UNIT);
  });

  it('continues from where Drive stands when a chunk is refused because another context moved the session on', async () => {
    const { client, sleeps } = testClient(drive);
    const r = run();
    let meddled = false;
    const { stats } = await uploadResumable(client, {
      ...r.options,
      onCheckpoint: async (c) => {
        r.checkpoints.push(c);
        if (c.offset === 2 * CHUNK_UNIT && !meddled) {
          meddled = true;
          // A second worker instance sends the next chunk on the same session.
          await sendChunk(client, c.sessionUrl, r.options.blob, c.offset, c.offset + CHUNK_UNIT);
        }
      },
    });
    const log = sessionLog();
    const refused = log.findIndex((e) => e.status === 400);
    expect(log[refused]!.contentRange).toBe(`bytes ${2 * CHUNK_UNIT}-${3 * CHUNK_UNIT - 1}/${SIZE}`);
    expect(log[refused + 1]!.statusQuery).toBe(true);
    expect(log[refused + 2]!.contentRange).toBe(`bytes ${3 * CHUNK_UNIT}-${4 * CHUNK_UNIT - 1}/${SIZE}`);
    expect(stats.statusQueries).toBe(1);
    expect(sleeps).toEqual([]);
    expectStoredOnce(r.bytes);
  });

  it('starts a new session when Drive lost the old one (404 on the session URL)', async () => {
    const { client, sleeps } = testClient(drive);
    const r = run();
    let lost = false;
    const { stats } = await uploadResumable(client, {
      ...r.options,
      onCheckpoint: (c) => {
        r.checkpoints.push(c);
        if (c.offset === 2 * CHUNK_UNIT && !lost) {
          lost = true;
          drive.emu.admin.expireUploads();
        }
      },
    });
    expect(stats.restarts).toBe(1);
    expect(sleeps).toEqual([]);
    const sessions = [...new Set(r.checkpoints.map((c) => c.sessionUrl))];
    expect(sessions).toHaveLength(2);
    // The new session is saved at offset 0 before its first chunk.
    expect(r.checkpoints.find((c) => c.sessionUrl === sessions[1])?.offset).toBe(0);
    expect(sessionLog().filter((e) => e.status === 404)).toHaveLength(1);
    expectStoredOnce(r.bytes);
  });

  it('starts a new session when a saved one is gone after a restart', async () => {
    const { client } = testClient(drive);
    const r = run();
    const sessionUrl = await startSession(client, r.options.metadata, SIZE);
    drive.emu.admin.expireUploads();
    const { stats } = await uploadResumable(client, { ...r.options, resume: { sessionUrl, offset: 0, chunkSize: CHUNK_UNIT } });
    expect(stats).toMatchObject({ restarts: 1, statusQueries: 1 });
    expectStoredOnce(r.bytes);
  });

  it('finishes at once when Drive already has the whole file', async () => {
    const { client } = testClient(drive);
    const r = run();
    const first = await uploadResumable(client, r.options);
    const sessionUrl = r.checkpoints.at(-1)!.sessionUrl;
    expect(await queryStatus(client, sessionUrl, SIZE)).toMatchObject({ done: true, file: { id: first.file.id } });
    drive.emu.admin.clearLog();
    const again = await uploadResumable(client, { ...r.options, resume: { sessionUrl, offset: 4 * CHUNK_UNIT, chunkSize: CHUNK_UNIT } });
    expect(again.file.id).toBe(first.file.id);
    expect(again.stats).toMatchObject({ chunks: 0, bytesSent: 0, statusQueries: 1 });
    expectStoredOnce(r.bytes);
  });

  it('detects a checksum mismatch and removes the file Drive stored', async () => {
    const { client } = testClient(drive);
    const r = run();
    const error = await caught(uploadResumable(client, { ...r.options, sha256: sha256Hex(patternBytes(SIZE, 43)) }));
    expect(error.kind).toBe('checksum-mismatch');
    expect(error.retryable).toBe(false);
    expect(error.fileId).toMatch(/\S/u);
    expect(drive.emu.admin.files().filter((f) => f.id === error.fileId)).toEqual([]);
  });

  it('stops at once when paused (aborted), keeping the checkpoint', async () => {
    const { client } = testClient(drive);
    const r = run();
    const pause = new AbortController();
    const stopped = uploadResumable(client, {
      ...r.options,
      signal: pause.signal,
      onCheckpoint: (c) => {
        r.checkpoints.push(c);
        if (c.offset === 2 * CHUNK_UNIT) pause.abort(new Error('paused'));
      },
    });
    await expect(stopped).rejects.toThrow('paused');
    expect(sessionLog()).toHaveLength(2);
    const resumed = await uploadResumable(client, { ...r.options, resume: r.checkpoints.at(-1)! });
    expect(resumed.stats.bytesResent).toBe(0);
    expectStoredOnce(r.bytes);
  });
});

describe('a stalled chunk', () => {
  it('is abandoned after chunkTimeoutMs, followed by a status query and smaller chunks', async () => {
    // 1 MiB/s: the first chunk (1 MiB) needs 1 s, more than the 700 ms allowed; 256 KiB need 250 ms.
    drive.emu.admin.setNetwork({ bytesPerSecond: MiB });
    const { client, sleeps } = testClient(drive);
    const size = 2 * MiB + 5;
    const r = run(size, { chunkSize: { targetMs: 300 }, chunkTimeoutMs: 700 });
    const { stats } = await uploadResumable(client, r.options);
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    expect(stats.retries).toBe(sleeps.length);
    expect(stats.statusQueries).toBe(sleeps.length);
    const log = sessionLog();
    // The first chunk was given up (no answer sent: the client went away); Drive kept part of it.
    expect(log[0]).toMatchObject({ contentRange: `bytes 0-${MiB - 1}/${size}`, status: 0, cut: true });
    expect(log[1]!.statusQuery).toBe(true);
    const later = log.filter((e) => !e.statusQuery && e.status === 308);
    expect(later.length).toBeGreaterThanOrEqual(2);
    expect(later.every((e) => e.bytesReceived <= 512 * KiB)).toBe(true);
    expectStoredOnce(r.bytes);
  });
});

describe('chunk size', () => {
  /** A clock that moves as if the link carried `bytesPerSecond()` (chunks only). */
  function simulatedLink(bytesPerSecond: () => number): Pick<TestClientOptions, 'now' | 'beforeFetch'> {
    let clock = 0;
    return {
      now: () => clock,
      beforeFetch: (method, _url, init) => {
        if (method === 'PUT' && init?.body instanceof Blob) clock += (init.body.size / bytesPerSecond()) * 1000;
      },
    };
  }

  it('grows with a fast link, shrinks when it slows, always 256 KiB multiples within bounds', async () => {
    let speed = 4 * MiB; // per second: 8 s would be 32 MiB, but chunks stop at maxBytes
    const { client } = testClient(drive, simulatedLink(() => speed));
    const size = 12 * MiB + 5;
    const r = run(size, { chunkSize: { maxBytes: 4 * MiB, targetMs: 8000 } });
    let chunkNo = 0;
    const { stats } = await uploadResumable(client, {
      ...r.options,
      onCheckpoint: (c) => {
        r.checkpoints.push(c);
        if (++chunkNo === 4) speed = 128 * KiB; // 8 s = 1 MiB
      },
    });
    const sizes = sessionLog().map((e) => e.bytesReceived);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(size);
    expect(sizes.slice(0, -1).every((n) => n % CHUNK_UNIT === 0 && n >= CHUNK_UNIT && n <= 4 * MiB)).toBe(true);
    // 1 MiB first, 4x growth up to the 4 MiB bound; after the slowdown at most about 8 s a chunk.
    expect(sizes.slice(0, 3)).toEqual([1 * MiB, 4 * MiB, 4 * MiB]);
    expect(sizes.slice(4, -1).every((n) => n < 4 * MiB && (n / speed) * 1000 <= 8000 * 4)).toBe(true);
    expect(stats.chunks).toBe(sizes.length);
    expectStoredOnce(r.bytes);
  });

  it('stays small on a slow link so each chunk fits well within 30 s', async () => {
    const speed = 64 * KiB;
    const { client } = testClient(drive, simulatedLink(() => speed));
    const r = run(3 * MiB, { chunkSize: {} });
    await uploadResumable(client, r.options);
    const sizes = sessionLog().map((e) => e.bytesReceived);
    // The first chunk (1 MiB, before any measurement) takes 16 s; every later one at most 8 s.
    expect(sizes[0]).toBe(MiB);
    expect(sizes.slice(1).every((n) => (n / speed) * 1000 <= 8000)).toBe(true);
    expect(sizes.slice(1, -1).every((n) => n === 512 * KiB)).toBe(true);
    expectStoredOnce(r.bytes);
  });
});
