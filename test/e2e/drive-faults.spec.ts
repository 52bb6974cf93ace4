// Issue 4, Done when 2: the fault matrix. Each test makes a backup of several resumable chunks
// (an export .zip with 6 MiB of incompressible media: chunks of 1 MiB, then 4 MiB, then the rest,
// as src/drive/chunk-size.ts grows them), injects one fault after Drive confirmed the first chunk,
// opens no extension page from then on (the worker recovers by itself), and ends with exactly one
// complete file in "ChatSeal Backups" whose bytes are the saved backup and decrypt to the export,
// the emulator's log showing how the client found where Drive stood and that at most one chunk
// went twice. Quota full: a clear message, the backup kept, and Retry after space is freed.
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import type { DriveEmulator, LogEntry, UploadStats } from '../../tools/drive-emulator/index.mjs';
import { launchExtension, type ExtensionSession } from '../helpers/browser';
import { comparable } from '../helpers/chat-doc';
import { DownloadCatcher } from '../helpers/downloads';
import { chatseal } from '../helpers/run';
import {
  BIG_EXPORT_ME,
  DEVTOOLS_PORT_ARG,
  FIRST_CHUNK,
  backupThroughImportPage,
  bigExportZip,
  stopServiceWorkers,
  chunkEntries,
  closeExtensionPages,
  connectDrive,
  decryptBackup,
  expect,
  expectOneCompleteBackup,
  extensionPages,
  logSince,
  bySeq,
  outboxCount,
  setUpTestKey,
  test,
  waitForKept,
} from './drive-harness';

const MEDIA_BYTES = 6 * 1024 * 1024;
/** Slow enough that a 4 MiB chunk is on the wire for seconds (to stop the worker or the browser in it). */
const SLOW = 1024 * 1024;
const KiB = 1024;

/** Key, Drive connected, every extension page closed; returns the key and a big export. */
async function ready(ext: ExtensionSession, tmp: string): Promise<{ digits: string; zip: string }> {
  const key = await setUpTestKey(ext);
  const popup = await ext.openPage('popup.html');
  await connectDrive(ext.context, popup);
  await closeExtensionPages(ext);
  return { digits: key.digits, zip: bigExportZip(tmp, MEDIA_BYTES) };
}

/** Extension pages that open from now on (there must be none: the worker recovers alone). */
function watchExtensionPages(ext: ExtensionSession): string[] {
  const opened: string[] = [];
  ext.context.on('page', (p) => {
    if (p.url().startsWith(ext.origin)) opened.push(p.url());
    p.on('framenavigated', (f) => {
      if (f === p.mainFrame() && f.url().startsWith(ext.origin)) opened.push(f.url());
    });
  });
  return opened;
}

/** Bytes a chunk's Content-Range names (`bytes A-B/N` → B-A+1). */
function chunkLength(e: LogEntry): number {
  const m = /^bytes (\d+)-(\d+)\//u.exec(e.contentRange ?? '');
  if (!m) throw new Error(`not a chunk: ${e.method} ${e.contentRange}`);
  return Number(m[2]) - Number(m[1]) + 1;
}
const chunkStart = (e: LogEntry): number => Number(/^bytes (\d+)-/u.exec(e.contentRange ?? '')?.[1] ?? NaN);

/**
 * What every fault test ends with: one complete correct file (bytes = the saved backup; the CLI
 * decrypts it to what `convert` makes of the export), at least 3 chunks, the fault after the first
 * confirmed chunk, at most one chunk's bytes re-sent.
 */
async function expectRecovered(
  ext: ExtensionSession,
  drive: DriveEmulator,
  saved: Buffer,
  digits: string,
  zip: string,
  tmp: string,
  opened: string[],
): Promise<{ stats: UploadStats; chunks: LogEntry[] }> {
  const stats = await expectOneCompleteBackup(ext, drive, saved);
  const chunks = chunkEntries(drive).filter((e) => e.uploadId === stats.uploadId && e.contentRange !== null);
  expect(stats.chunks, 'a backup of at least 3 chunks').toBeGreaterThanOrEqual(3);
  const firstConfirmed = chunks.findIndex((e) => e.status === 308 && (e.bytesKept ?? 0) >= FIRST_CHUNK);
  expect(firstConfirmed, 'the first chunk was confirmed').toBe(0);
  const largest = Math.max(...chunks.map(chunkLength));
  expect(stats.bytesResent, 'at most one chunk re-sent').toBeLessThanOrEqual(largest);
  expect(opened, 'no extension page opened after the fault').toEqual([]);
  expect(extensionPages(ext).map((p) => p.url())).toEqual([]);

  const doc = await decryptBackup(saved, digits, tmp);
  const converted = await chatseal(['convert', zip, '--me', BIG_EXPORT_ME]);
  expect(converted.code, converted.stderr).toBe(0);
  expect(comparable(doc)).toEqual(comparable(JSON.parse(converted.stdout.toString('utf8'))));
  return { stats, chunks };
}

/** Arms a fault that hits the first chunk sent after Drive kept FIRST_CHUNK bytes. */
function afterFirstChunk(drive: DriveEmulator, action: Parameters<DriveEmulator['admin']['addFault']>[0]['action'], times = 1): string {
  return drive.admin.addFault({ match: { method: 'PUT', upload: true, afterBytes: FIRST_CHUNK }, action, times });
}

test.describe('fault matrix: the worker finishes the upload by itself', () => {
  test('503 then success: a status query, then the refused chunk once more', async ({ ext, drive, downloads, tmp }) => {
    const { digits, zip } = await ready(ext, tmp);
    const fault = afterFirstChunk(drive, { status: 503 });
    const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
    const opened = watchExtensionPages(ext);
    const { stats, chunks } = await expectRecovered(ext, drive, saved.bytes, digits, zip, tmp, opened);
    expect(stats.faults).toEqual([`${fault}: status 503`]);
    expect(stats.statusQueries).toBeGreaterThanOrEqual(1);
    const hit = chunks.findIndex((e) => e.fault !== null);
    expect(chunks[hit]!.status).toBe(503);
    // The next chunk starts where Drive stood: the refused chunk's first byte.
    expect(chunkStart(chunks[hit + 1]!)).toBe(chunkStart(chunks[hit]!));
  });

  test('429 with backoff: the chunk and then the status query refused, each retry waits, one chunk re-sent', async ({ ext, drive, downloads, tmp }) => {
    const { digits, zip } = await ready(ext, tmp);
    const onChunk = afterFirstChunk(drive, { status: 429, reason: 'rateLimitExceeded', retryAfter: 1 });
    const onQuery = drive.admin.addFault({
      match: { method: 'PUT', statusQuery: true, afterBytes: FIRST_CHUNK },
      action: { status: 429, reason: 'userRateLimitExceeded', retryAfter: 2 },
    });
    const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
    const opened = watchExtensionPages(ext);
    const { stats } = await expectRecovered(ext, drive, saved.bytes, digits, zip, tmp, opened);
    expect(stats.faults).toEqual([`${onChunk}: status 429 rateLimitExceeded`, `${onQuery}: status 429 userRateLimitExceeded`]);
    expect(stats.statusQueries).toBeGreaterThanOrEqual(2);
    const session = bySeq(drive.admin.log()).filter((e) => e.uploadId === stats.uploadId && e.method === 'PUT');
    const refused = session.filter((e) => e.status === 429);
    expect(refused).toHaveLength(2);
    for (const [e, wait] of [[refused[0]!, 1000], [refused[1]!, 2000]] as const) {
      const next = session[session.indexOf(e) + 1]!;
      const waited = Date.parse(next.time) - (Date.parse(e.time) + e.durationMs);
      expect(waited, 'the client waited (Retry-After) before trying again').toBeGreaterThanOrEqual(wait - 50);
      expect(next.statusQuery, 'after a wait it asks Drive where it stands').toBe(true);
    }
  });

  test('connection cut mid-chunk: the client asks Drive and re-sends only what Drive did not keep', async ({ ext, drive, downloads, tmp }) => {
    const { digits, zip } = await ready(ext, tmp);
    // Drive keeps whole 256 KiB units of a broken chunk: 1 MiB + 1.5 MiB kept, 100 KiB lost.
    const fault = afterFirstChunk(drive, { cutAfterBytes: 1536 * KiB + 100 * KiB });
    const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
    const opened = watchExtensionPages(ext);
    const { stats, chunks } = await expectRecovered(ext, drive, saved.bytes, digits, zip, tmp, opened);
    expect(stats.faults).toEqual([`${fault}: cut after ${1536 * KiB + 100 * KiB} bytes`]);
    expect(stats.statusQueries).toBeGreaterThanOrEqual(1);
    const hit = chunks.findIndex((e) => e.cut);
    expect(hit).toBeGreaterThan(0);
    expect(chunkStart(chunks[hit + 1]!)).toBe(FIRST_CHUNK + 1536 * KiB);
    expect(stats.bytesResent).toBe(100 * KiB);
  });

  test('Drive keeps fewer bytes than sent: the next chunk starts at Drive\'s Range', async ({ ext, drive, downloads, tmp }) => {
    const { digits, zip } = await ready(ext, tmp);
    const fault = afterFirstChunk(drive, { keepBytes: 512 * KiB });
    const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
    const opened = watchExtensionPages(ext);
    const { stats, chunks } = await expectRecovered(ext, drive, saved.bytes, digits, zip, tmp, opened);
    expect(stats.faults).toEqual([`${fault}: keep ${512 * KiB} bytes`]);
    const hit = chunks.findIndex((e) => e.fault !== null);
    expect(chunks[hit]!.status).toBe(308);
    expect(chunks[hit]!.bytesKept).toBe(512 * KiB);
    // The short 308 is confirmed by a status query; the next chunk starts where Drive stands.
    expect(stats.statusQueries).toBeGreaterThanOrEqual(1);
    expect(chunkStart(chunks[hit + 1]!)).toBe(FIRST_CHUNK + 512 * KiB);
    expect(stats.bytesResent).toBe(chunkLength(chunks[hit]!) - 512 * KiB);
  });

  test('token expired mid-upload: silent renewal (prompt=none) and the upload goes on', async ({ ext, drive, downloads, tmp }) => {
    const { digits, zip } = await ready(ext, tmp);
    drive.admin.setNetwork({ bytesPerSecond: SLOW });
    const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
    const opened = watchExtensionPages(ext);
    await waitForKept(drive, FIRST_CHUNK);
    const expiredAt = Date.now();
    drive.admin.expireTokens();
    drive.admin.setNetwork({ bytesPerSecond: null });
    const { stats } = await expectRecovered(ext, drive, saved.bytes, digits, zip, tmp, opened);
    const after = logSince(drive, expiredAt);
    const refused = after.findIndex((e) => e.status === 401 && e.uploadId === stats.uploadId);
    expect(refused, 'a request on the session was refused with the expired token').toBeGreaterThanOrEqual(0);
    const renewal = after.findIndex((e) => e.host === 'accounts.google.com' && e.path === '/o/oauth2/v2/auth');
    expect(renewal).toBeGreaterThan(refused);
    expect(after[renewal]!.query.prompt).toBe('none');
    expect(after[renewal]!.status).toBe(302);
    const next = after.slice(renewal).find((e) => e.uploadId === stats.uploadId && e.method === 'PUT');
    expect(next?.statusQuery, 'with the new token it first asks Drive where it stands').toBe(true);
    expect([200, 308], 'the session answered again with the new token').toContain(next?.status);
    expect(stats.statusQueries).toBeGreaterThanOrEqual(1);
  });

  test('the service worker stopped mid-upload (ServiceWorker.stopAllWorkers): a new worker asks Drive and resumes', async ({ ext, drive, downloads, tmp }) => {
    test.setTimeout(180_000);
    const { digits, zip } = await ready(ext, tmp);
    drive.admin.setNetwork({ bytesPerSecond: SLOW });
    const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
    const opened = watchExtensionPages(ext);
    await waitForKept(drive, FIRST_CHUNK);
    // The second chunk (4 MiB at 1 MiB/s) is on the wire: stop the worker in the middle of it.
    await new Promise((r) => setTimeout(r, 1000));
    await stopServiceWorkers(ext);
    const stoppedAt = Date.now();
    drive.admin.setNetwork({ bytesPerSecond: null });
    const { stats } = await expectRecovered(ext, drive, saved.bytes, digits, zip, tmp, opened);
    const session = bySeq(drive.admin.log()).filter((e) => e.uploadId === stats.uploadId && e.method === 'PUT');
    const cut = session.filter((e) => e.status === 0);
    expect(cut, 'the chunk in flight died with the worker').toHaveLength(1);
    expect(Date.parse(cut[0]!.time)).toBeLessThan(stoppedAt);
    const after = logSince(drive, stoppedAt).filter((e) => e.uploadId === stats.uploadId && e.method === 'PUT');
    expect(after[0]?.statusQuery, 'the new worker asked Drive first').toBe(true);
  });
});

test('the browser closed mid-upload and reopened with the same profile: the upload resumes from Drive\'s Range', async ({ drive, tmp }) => {
  test.setTimeout(180_000);
  const launch = (userDataDir?: string) =>
    launchExtension({ hostMap: drive.hostMap, keepProfile: true, extraArgs: [DEVTOOLS_PORT_ARG], ...(userDataDir === undefined ? {} : { userDataDir }) });
  let ext = await launch();
  const profile = ext.userDataDir;
  try {
    const downloads = await DownloadCatcher.attach(ext.context);
    const { digits, zip } = await ready(ext, tmp);
    drive.admin.setNetwork({ bytesPerSecond: SLOW });
    const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
    await waitForKept(drive, FIRST_CHUNK);
    // The second chunk (4 MiB at 1 MiB/s) is on the wire: close the browser in the middle of it.
    await new Promise((r) => setTimeout(r, 1000));
    await downloads.dispose();
    await ext.close();
    const closedAt = Date.now();
    expect(drive.admin.files().filter((f) => f.name.endsWith('.age'))).toHaveLength(0);
    drive.admin.setNetwork({ bytesPerSecond: null });

    ext = await launch(profile);
    // Chromium installs a --load-extension build anew on every launch, so the extension opens its
    // options page as on a first install; the test closes it and opens nothing itself.
    const reinstallPage = `${ext.origin}/options.html`;
    const isReinstallPage = (p: Page) => p.url().startsWith(reinstallPage);
    const seen = watchExtensionPages(ext);
    await expect.poll(() => ext.context.pages().some(isReinstallPage), { timeout: 10_000 }).toBe(true);
    for (const p of ext.context.pages().filter(isReinstallPage)) await p.close();
    const opened: string[] = [];
    const { stats } = await expectRecovered(ext, drive, saved.bytes, digits, zip, tmp, opened);
    expect(seen.filter((u) => !u.startsWith(reinstallPage)), 'no extension page but the reinstall one').toEqual([]);
    const after = logSince(drive, closedAt);
    const cut = bySeq(drive.admin.log()).filter((e) => e.uploadId === stats.uploadId && e.method === 'PUT' && e.status === 0);
    expect(cut, 'the chunk in flight died with the browser').toHaveLength(1);
    expect(Date.parse(cut[0]!.time)).toBeLessThan(closedAt);
    const firstPut = after.find((e) => e.uploadId === stats.uploadId && e.method === 'PUT');
    expect(firstPut?.statusQuery, 'the reopened browser asked Drive first').toBe(true);
    // The token did not survive the browser (storage.session): it was renewed without a window.
    const renewal = after.find((e) => e.host === 'accounts.google.com' && e.path === '/o/oauth2/v2/auth');
    expect(renewal?.query.prompt).toBe('none');
  } finally {
    await ext.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('quota full: a clear message, the backup kept in the outbox; space freed and Retry pressed, it uploads', async ({ ext, drive, downloads, tmp }) => {
  const { digits, zip } = await ready(ext, tmp);
  drive.admin.setNetwork({ bytesPerSecond: SLOW });
  const saved = await backupThroughImportPage(ext, downloads, zip, BIG_EXPORT_ME);
  await waitForKept(drive, FIRST_CHUNK);
  drive.admin.fillQuota();
  drive.admin.setNetwork({ bytesPerSecond: null });

  const popup: Page = await ext.openPage('popup.html');
  const item = popup.getByTestId('outbox-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(item.getByTestId('outbox-reason')).toContainText(
    'Google Drive is full. Your backup is kept on this computer. Free some space in Google Drive, then press Retry.',
  );
  expect(await outboxCount(ext)).toBe(1);
  expect(drive.admin.log().some((e) => e.status === 403)).toBe(true);
  expect(drive.admin.files().filter((f) => f.name.endsWith('.age'))).toHaveLength(0);

  drive.admin.freeQuota();
  await item.getByRole('button', { name: 'Retry' }).click();
  const stats = await expectOneCompleteBackup(ext, drive, saved.bytes);
  // Retry went on with the same session, from where Drive stood.
  expect(stats.statusQueries).toBeGreaterThanOrEqual(1);
  await expect(popup.getByTestId('outbox-item')).toHaveCount(0);
  await expect(popup.getByTestId('last-backup')).toContainText('Last backup: “');
  const doc = await decryptBackup(saved.bytes, digits, tmp);
  expect(doc.messages.length).toBeGreaterThan(0);
});
