// Drive end-to-end harness: the local Google Drive (tools/drive-emulator) at Google's hostnames for
// every profile, and the steps the Drive specs share — Connect through Google's window, a backup
// big enough for several resumable chunks, watching the emulator's log for "the first chunk is
// confirmed", and the end state every fault must reach (one complete, correct file).
// Launching and capture helpers are reused from fixtures.ts and capture-steps.ts, not repeated.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { startDriveEmulator, type DriveEmulator, type LogEntry, type UploadStats } from '../../tools/drive-emulator/index.mjs';
import { testTls } from '../../tools/tls/index.mjs';
import type { OutboxItem } from '../../src/backup/outbox';
import { BACKUP_FILE_NAME } from '../../src/import/file-name';
import type { ExtensionSession } from '../helpers/browser';
import type { DownloadCatcher, SavedFile } from '../helpers/downloads';
import { DEVTOOLS_PORT_ARG } from './capture-steps';
import { expect, test as base } from './fixtures';
import { fixturePath, ImportPage } from './pages/import';

export { DEVTOOLS_PORT_ARG };
export { decryptBackup, setUpTestKey } from './capture-steps';

/** The client picks 1 MiB for a session's first chunk (src/drive/chunk-size.ts initialBytes). */
export const FIRST_CHUNK = 1024 * 1024;

/** A fresh emulator in a temporary folder (files on disk there). */
export async function startDrive(): Promise<{ drive: DriveEmulator; dir: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-drive-'));
  const drive = await startDriveEmulator({ dir });
  return {
    drive,
    dir,
    async stop() {
      await drive.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ drive: DriveEmulator }>({
  // eslint-disable-next-line no-empty-pattern
  drive: async ({}, use) => {
    const d = await startDrive();
    await use(d.drive);
    await d.stop();
  },
  // A second DevTools client reaches the browser target (ServiceWorker.stopAllWorkers).
  extLaunch: async ({ drive }, use) => use({ hostMap: drive.hostMap, extraArgs: [DEVTOOLS_PORT_ARG] }),
});
export { expect };

/** Clicks Connect in the popup and Allow in Google's window (the emulator's consent page). */
export async function connectDrive(context: BrowserContext, popup: Page, email = 'maya@example.com'): Promise<void> {
  const [consent] = await Promise.all([
    context.waitForEvent('page', { predicate: (p) => p.url().startsWith('https://accounts.google.com/o/oauth2/v2/auth'), timeout: 30_000 }),
    popup.getByRole('button', { name: 'Connect Google Drive' }).click(),
  ]);
  await consent.waitForLoadState();
  await expect(consent.getByText(email).first()).toBeVisible();
  await consent.getByRole('button', { name: 'Allow' }).click();
  await expect(popup.getByTestId('drive-account')).toHaveText(`Connected as ${email}`, { timeout: 30_000 });
}

/**
 * A WhatsApp .zip export (test/fixtures/whatsapp/ios-media) whose photo is `mediaBytes` of random,
 * incompressible bytes, stored uncompressed: the encrypted backup is a little larger than that.
 */
export function bigExportZip(dir: string, mediaBytes: number, seed = 1): string {
  const src = fixturePath('whatsapp', 'ios-media');
  const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const name of fs.readdirSync(src)) entries[name] = [fs.readFileSync(path.join(src, name)), { level: 0 }];
  const photo = Object.keys(entries).find((n) => n.endsWith('.jpg'));
  if (!photo) throw new Error('ios-media has no photo');
  entries[photo] = [pseudoRandomBytes(mediaBytes, seed), { level: 0 }];
  const zip = path.join(dir, `big-export-${seed}.zip`);
  fs.writeFileSync(zip, zipSync(entries));
  return zip;
}

/** Deterministic bytes that do not compress (xorshift32). */
function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    view.setUint32(i, x >>> 0);
  }
  return out;
}

/** The person the ios-media export is "me" for. */
export const BIG_EXPORT_ME = 'Felix Braun';

/**
 * Makes a backup through the import page (popup › Encrypt an export file…) and closes every
 * extension page once it is saved: from here on the worker uploads on its own.
 */
export async function backupThroughImportPage(ext: ExtensionSession, downloads: DownloadCatcher, file: string, me: string): Promise<SavedFile> {
  const importPage = await ImportPage.openFromPopup(ext);
  const { saved } = await importPage.encryptExport(downloads, file, me);
  await expect(importPage.page.getByTestId('import-queued')).toBeVisible();
  await closeExtensionPages(ext);
  return saved;
}

export function extensionPages(ext: ExtensionSession): Page[] {
  return ext.context.pages().filter((p) => p.url().startsWith(ext.origin));
}

export async function closeExtensionPages(ext: ExtensionSession): Promise<void> {
  for (const p of extensionPages(ext)) await p.close();
}

/** Chunks the emulator answered (status 308/200 after carrying bytes), in order. */
export function chunkEntries(drive: DriveEmulator): LogEntry[] {
  return bySeq(drive.admin.log()).filter((e) => e.method === 'PUT' && !e.statusQuery && e.uploadId !== null);
}

/** Log entries in the order requests arrived (the log itself is in the order they completed). */
export const bySeq = (entries: LogEntry[]): LogEntry[] => [...entries].sort((a, b) => a.seq - b.seq);

/** Requests that arrived at or after `since` (epoch ms), in arrival order. */
export function logSince(drive: DriveEmulator, since: number): LogEntry[] {
  return bySeq(drive.admin.log().filter((e) => Date.parse(e.time) >= since));
}

/** Waits until Drive has kept at least `bytes` of some upload session (a chunk was confirmed). */
export async function waitForKept(drive: DriveEmulator, bytes: number, timeoutMs = 60_000): Promise<void> {
  await expect
    .poll(() => Math.max(0, ...drive.admin.uploads().map((u) => u.offset)), { timeout: timeoutMs, intervals: [25] })
    .toBeGreaterThanOrEqual(bytes);
}

/** The .age files in "ChatSeal Backups". */
export function backupsInDrive(drive: DriveEmulator) {
  return drive.admin.files().filter((f) => f.name.endsWith('.age'));
}

/**
 * The end every fault must reach: exactly one file in "ChatSeal Backups", named by date, with
 * ChatSeal's appProperties and exactly the bytes that were saved, and the outbox empty.
 * Returns the file's upload session stats.
 */
export async function expectOneCompleteBackup(ext: ExtensionSession, drive: DriveEmulator, saved: Buffer, timeoutMs = 120_000): Promise<UploadStats> {
  await expect.poll(() => backupsInDrive(drive).length, { timeout: timeoutMs }).toBe(1);
  const files = backupsInDrive(drive);
  expect(files).toHaveLength(1);
  const file = files[0]!;
  expect(file.name).toMatch(BACKUP_FILE_NAME);
  expect(file.path).toBe(`ChatSeal Backups/${file.name}`);
  expect(file.appProperties).toMatchObject({ chatsealKind: 'backup', formatVersion: '1' });
  expect(file.appProperties.keyId).toMatch(/^[0-9a-f]{16}$/u);
  expect(Date.parse(file.appProperties.createdAt!)).not.toBeNaN();
  expect(file.size).toBe(saved.length);
  expect(drive.admin.fileContent(file.id).equals(saved), 'the bytes in Drive are the saved backup').toBe(true);
  // The outbox let it go only once Drive confirmed it.
  await expect.poll(() => outboxCount(ext), { timeout: 30_000 }).toBe(0);
  const sessions = drive.admin.uploadStats().filter((s) => s.completed);
  expect(sessions, 'one completed upload session').toHaveLength(1);
  return sessions[0]!;
}

/** Items in the outbox (IndexedDB), read through the current service worker. */
export async function outboxCount(ext: ExtensionSession): Promise<number> {
  const sw = await ext.currentWorker();
  return sw.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('chatseal');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      if (!db.objectStoreNames.contains('outbox')) return 0;
      return await new Promise<number>((resolve, reject) => {
        const req = db.transaction('outbox').objectStore('outbox').count();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  });
}

/**
 * Stops the extension's service worker as Chromium does when it idles (DevTools
 * ServiceWorker.stopAllWorkers), from a session on a plain web page: opening an extension page
 * would itself start a worker.
 */
export async function stopServiceWorkers(ext: ExtensionSession): Promise<void> {
  const blank = await ext.context.newPage();
  try {
    const cdp = await ext.context.newCDPSession(blank);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
  } finally {
    await blank.close();
  }
}

/** A GET on Drive's API over HTTPS at www.googleapis.com (the emulator's port), with a drive.file token, as any client would. */
function driveApiGet(drive: DriveEmulator, apiPath: string): Promise<{ status: number; body: Buffer }> {
  const { accessToken } = drive.admin.issueToken();
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port: drive.port,
        servername: 'www.googleapis.com',
        ca: testTls.cert,
        path: apiPath,
        headers: { Host: 'www.googleapis.com', Authorization: `Bearer ${accessToken}` },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** files.get?alt=media: the file's bytes. */
export async function downloadFromDrive(drive: DriveEmulator, fileId: string): Promise<Buffer> {
  const { status, body } = await driveApiGet(drive, `/drive/v3/files/${encodeURIComponent(fileId)}?alt=media`);
  if (status !== 200) throw new Error(`download: HTTP ${status}`);
  return body;
}

/** files.get?fields=*: every field of the file resource Drive shows. */
export async function driveFileResource(drive: DriveEmulator, fileId: string): Promise<Record<string, unknown>> {
  const { status, body } = await driveApiGet(drive, `/drive/v3/files/${encodeURIComponent(fileId)}?fields=*`);
  if (status !== 200) throw new Error(`files.get: HTTP ${status} ${body.toString('utf8')}`);
  return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
}

/** The outbox's records (IndexedDB 'outbox', no files), in queue order, read through the current service worker. */
export async function outboxItems(ext: ExtensionSession): Promise<OutboxItem[]> {
  const sw = await ext.currentWorker();
  const items = await sw.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('chatseal');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      if (!db.objectStoreNames.contains('outbox')) return [];
      return await new Promise<unknown[]>((resolve, reject) => {
        const req = db.transaction('outbox').objectStore('outbox').getAll();
        req.onsuccess = () => resolve(req.result as unknown[]);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  });
  return (items as OutboxItem[]).sort((a, b) => a.seq - b.seq);
}
