// npm run bench:upload — how fast a backup reaches Google Drive through the extension's own upload
// path, against a plain upload of the same bytes to the same local Drive from the same service
// worker in the same run, and what a forced interruption costs. Issue 4, Done when 4. Not part of
// `npm test`.
//
//   plain fetch   the service worker starts a resumable session and PUTs the outbox item's Blob in
//                 one request (no chunks, no checkpoints, no checksum work)
//   extension     the production build in Debian's Chromium: the upload manager sends the same
//                 outbox item (speed-adapted chunks, a checkpoint in IndexedDB after each,
//                 sha256Checksum compared at the end)
//   interrupted   a second outbox item of the same bytes whose connection is cut in the middle of a
//                 chunk (once a quarter of the file, at most 64 MiB, is in Drive): the bytes sent
//                 twice, from the emulator's uploadStats
//
// The outbox items are prepared the way src/backup/outbox.ts add() stores them (IndexedDB
// 'chatseal': the facts in store 'outbox', keyPath id, the next seq; the Blob in store
// 'outbox-files' under the same id, both in one transaction), written from the service worker with a
// Blob built there from bench/upload-bytes.mjs's generator, in state 'paused'; each upload starts
// as a user starts one: Resume in the popup. The extension carries no bench code. Encryption is not
// in the figures (bench:crypto measures it). Each time is measured at the local Drive, from the
// session's start (POST) to the answer to its last byte. Every file in Drive is hashed and must
// equal the generator's SHA-256.
//
// Run: `npm run bench:upload` (builds the extension with the placeholder client id first).
// CHATSEAL_BENCH_MIB=32 for a quick run; CHATSEAL_BENCH_WRITE=1 adds the table to bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriveEmulator } from '../tools/drive-emulator/index.mjs';
import { launchExtension } from '../test/helpers/browser.ts';
import { connectDrive } from '../test/e2e/drive-harness.ts';
import { backupFileName } from '../src/import/file-name.ts';
import { DB_NAME, DB_VERSION } from '../src/store/db.ts';
import { benchSha256, fillPiece, PIECE_BYTES, sha256Hex } from './upload-bytes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.CHATSEAL_BENCH_MIB ?? 256);
const SIZE = SIZE_MIB * MiB;
const CLIENT_ID = 'chatseal-local-test.apps.googleusercontent.com';
// The interruption: once this much is in Drive, the next chunk's connection drops after CUT_AFTER bytes.
const CUT_ONCE_KEPT = Math.min(64 * MiB, Math.floor(SIZE / 4 / (256 * 1024)) * 256 * 1024);
const CUT_AFTER = SIZE >= 128 * MiB ? 10 * MiB + 100 * 1024 : 1 * MiB + 100 * 1024;

if (!Number.isInteger(SIZE_MIB) || SIZE_MIB < 8) throw new Error('CHATSEAL_BENCH_MIB must be a whole number of MiB, 8 or more');

function build() {
  if (process.env.CHATSEAL_BENCH_NO_BUILD === '1') return;
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, WXT_GOOGLE_CLIENT_ID: CLIENT_ID } });
}

const bySeq = (entries) => [...entries].sort((a, b) => a.seq - b.seq);

/** Session start to the answer to its last byte, from the emulator's log. */
function sessionTiming(drive, uploadId) {
  const log = bySeq(drive.admin.log());
  const entries = log.filter((e) => e.uploadId === uploadId);
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) throw new Error(`no log entries for upload session ${uploadId}`);
  // The emulator files the session's POST under the upload id it handed out in Location.
  const isStart = (e) => e.method === 'POST' && e.path === '/upload/drive/v3/files';
  const post = isStart(first) ? first : undefined;
  if (!post) throw new Error(`no session start (POST) before upload session ${uploadId}`);
  const ms = Date.parse(last.time) + last.durationMs - Date.parse(post.time);
  return { ms, entries };
}

async function waitUntil(what, test, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await test();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs in the service worker: builds the Blob from the generator (`fill`'s source) and stores one
 * outbox record per entry of `records` and, beside each, that Blob, as Outbox.add() would (next seq).
 */
async function seedOutbox(sw, records) {
  // One expression holding both functions' source: the generator arrives as code, not as a string
  // to eval (MV3's CSP forbids eval in the worker).
  const expression = `(${seedInWorker.toString()})(${fillPiece.toString()}, ${JSON.stringify({ size: SIZE, piece: PIECE_BYTES, dbName: DB_NAME, dbVersion: DB_VERSION, records })})`;
  return sw.evaluate(expression);
}

async function seedInWorker(fill, { size, piece, dbName, dbVersion, records }) {
  const parts = [];
  const u32 = new Uint32Array(piece / 4);
  for (let i = 0, offset = 0; offset < size; i++, offset += piece) {
    const bytes = new Uint8Array(fill(u32, i).buffer);
    parts.push(new Blob([bytes.subarray(0, Math.min(piece, size - offset))]));
  }
  const blob = new Blob(parts);
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, dbVersion);
    req.onupgradeneeded = () => {
      req.transaction.abort();
      reject(new Error('the extension has not created its database yet'));
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    const tx = db.transaction(['outbox', 'outbox-files'], 'readwrite');
    const store = tx.objectStore('outbox');
    const files = tx.objectStore('outbox-files');
    const existing = await new Promise((resolve, reject) => {
      const req = store.getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    let seq = existing.reduce((max, r) => Math.max(max, r.seq + 1), 0);
    for (const record of records) {
      store.put({ ...record, seq: seq++, size: blob.size });
      files.put({ id: record.id, blob });
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('aborted'));
    });
    return blob.size;
  } finally {
    db.close();
  }
}

/** An outbox item's state in IndexedDB (undefined once the manager removed it after Drive confirmed it). */
async function outboxRecord(ext, id) {
  const sw = await ext.currentWorker();
  return sw.evaluate(
    async ({ dbName, id }) => {
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open(dbName);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      try {
        const item = await new Promise((resolve, reject) => {
          const req = db.transaction('outbox').objectStore('outbox').get(id);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        return item && { state: item.state, reason: item.reason, detail: item.detail, attempts: item.attempts, upload: item.upload };
      } finally {
        db.close();
      }
    },
    { dbName: DB_NAME, id },
  );
}

/** The plain upload: one resumable session, the outbox item's Blob in one PUT, from the service worker. */
async function plainUpload(ext, drive, id) {
  const { accessToken } = drive.admin.issueToken({ clientId: CLIENT_ID });
  const sw = await ext.currentWorker();
  const result = await sw.evaluate(
    async ({ token, dbName, id }) => {
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open(dbName);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const file = await new Promise((resolve, reject) => {
        const req = db.transaction('outbox-files').objectStore('outbox-files').get(id);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      db.close();
      const size = file.blob.size;
      const init = await fetch('https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json; charset=UTF-8', 'X-Upload-Content-Length': String(size) },
        body: JSON.stringify({ name: 'plain-fetch.bin' }),
      });
      await init.text();
      const session = init.headers.get('Location');
      const put = await fetch(session, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Range': `bytes 0-${size - 1}/${size}` }, body: file.blob });
      const body = await put.text();
      return { status: put.status, body, uploadId: new URL(session).searchParams.get('upload_id') };
    },
    { token: accessToken, dbName: DB_NAME, id },
  );
  if (result.status !== 200) throw new Error(`plain upload: HTTP ${result.status} ${result.body.slice(0, 200)}`);
  const fileId = JSON.parse(result.body).id;
  return { ...sessionTiming(drive, result.uploadId), fileId, stats: statsOf(drive, result.uploadId) };
}

function statsOf(drive, uploadId) {
  const stats = drive.admin.uploadStats().find((s) => s.uploadId === uploadId);
  if (!stats) throw new Error(`no upload stats for session ${uploadId}`);
  return stats;
}

/** Resume in the popup, as a user does; the worker's upload manager takes it from there. */
async function resumeInPopup(ext, drive) {
  const posts = () => drive.admin.log().filter((e) => e.method === 'POST' && e.path === '/upload/drive/v3/files').length;
  const before = posts();
  const popup = await ext.openPage('popup.html');
  await popup.getByRole('button', { name: 'Resume', exact: true }).first().click();
  await waitUntil('the upload session start', () => posts() > before, 60_000);
  await popup.close();
}

async function extensionUpload(ext, drive, record) {
  const done = new Set(drive.admin.uploadStats().filter((s) => s.completed).map((s) => s.uploadId));
  await resumeInPopup(ext, drive);
  const file = await waitUntil('the upload', () => drive.admin.files().find((f) => f.name === record.fileName), 30 * 60_000);
  // The outbox lets the item go only after the manager compared Drive's sha256Checksum with its own.
  await waitUntil(
    'the outbox letting the item go',
    async () => {
      const item = await outboxRecord(ext, record.id);
      if (item && item.state !== 'uploading' && item.state !== 'waiting') throw new Error(`the upload ended ${item.state}: ${item.reason} ${item.detail ?? ''}`);
      return item === undefined;
    },
    60_000,
  );
  const fresh = drive.admin.uploadStats().filter((s) => s.completed && !done.has(s.uploadId));
  if (fresh.length !== 1) throw new Error(`expected one new completed upload session, found ${fresh.length}`);
  const stats = fresh[0];
  return { fileId: file.id, stats, ...sessionTiming(drive, stats.uploadId) };
}

function checkFile(drive, fileId, expected, what) {
  const bytes = drive.admin.fileContent(fileId);
  if (bytes.length !== SIZE) throw new Error(`${what}: Drive holds ${bytes.length} bytes, not ${SIZE}`);
  const hash = sha256Hex(bytes);
  if (hash !== expected) throw new Error(`${what}: the SHA-256 of the file in Drive is ${hash}, not ${expected}`);
}

/** The bytes a chunk's Content-Range announced (0 for a status query). */
function chunkBytes(entry) {
  const m = /^bytes (\d+)-(\d+)\//u.exec(entry.contentRange ?? '');
  return m ? Number(m[2]) - Number(m[1]) + 1 : 0;
}

/**
 * Where a session's time went, at the server: inside requests (from arrival to the answer: mostly
 * the body arriving) and between them (from one answer to the next request: the client's work,
 * e.g. reading its Blob slice, its checkpoint in IndexedDB, starting the fetch).
 */
function timeSplit(entries) {
  let inside = 0;
  let between = 0;
  let prevEnd;
  for (const e of entries) {
    const start = Date.parse(e.time);
    inside += e.durationMs;
    if (prevEnd !== undefined) between += Math.max(0, start - prevEnd);
    prevEnd = start + e.durationMs;
  }
  return `${(inside / 1000).toFixed(2)} s in requests, ${(between / 1000).toFixed(2)} s between them`;
}

const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);
const MiBs = (bytes) => `${(bytes / MiB).toFixed(2)} MiB`;

async function main() {
  build();
  const load = [loadavg()[0]];
  const tmp = mkdtempSync(join(tmpdir(), 'chatseal-bench-upload-'));
  const drive = await startDriveEmulator({ dir: join(tmp, 'drive') });
  let ext;
  try {
    const expected = benchSha256(SIZE);
    ext = await launchExtension({ hostMap: drive.hostMap });
    for (const p of ext.context.pages().filter((p) => p.url().startsWith(ext.origin))) await p.close();
    const popup = await ext.openPage('popup.html');
    await connectDrive(ext.context, popup);
    await popup.close();

    const created = new Date();
    const record = (n) => ({
      id: crypto.randomUUID(),
      kind: 'backup',
      fileName: backupFileName(new Date(created.getTime() + n)),
      sha256: expected,
      keyId: '0123456789abcdef',
      createdAt: created.toISOString(),
      addedAt: new Date().toISOString(),
      state: 'paused',
      attempts: 0,
    });
    const first = record(0);
    const second = record(1);
    console.log(`\n${SIZE_MIB} MiB: two outbox items (paused) from the service worker...`);
    let t = Date.now();
    const size = await seedOutbox(await ext.currentWorker(), [first, second]);
    if (size !== SIZE) throw new Error(`the outbox Blob has ${size} bytes, not ${SIZE}`);
    console.log(`  stored in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    console.log('plain fetch of the first item\'s Blob (one PUT)...');
    const plain = await plainUpload(ext, drive, first.id);
    checkFile(drive, plain.fileId, expected, 'plain fetch');

    console.log('the extension\'s upload path (Resume in the popup)...');
    load.push(loadavg()[0]);
    const viaExtension = await extensionUpload(ext, drive, first);
    checkFile(drive, viaExtension.fileId, expected, 'extension');

    console.log(`interrupted: the connection cut ${MiBs(CUT_AFTER)} into a chunk once ${MiBs(CUT_ONCE_KEPT)} are in Drive...`);
    drive.admin.addFault({ match: { method: 'PUT', upload: true, afterBytes: CUT_ONCE_KEPT }, action: { cutAfterBytes: CUT_AFTER } });
    const interrupted = await extensionUpload(ext, drive, second);
    checkFile(drive, interrupted.fileId, expected, 'interrupted');
    const cut = interrupted.entries.find((e) => e.cut);
    if (!cut) throw new Error('the fault never cut a chunk of the interrupted upload');
    const cutChunk = chunkBytes(cut);
    load.push(loadavg()[0]);

    const chunkSizes = (entries) => entries.filter((e) => !e.statusQuery && e.method === 'PUT').map(chunkBytes);
    const plainMBps = mbps(SIZE, plain.ms);
    const extMBps = mbps(SIZE, viaExtension.ms);
    const intMBps = mbps(SIZE, interrupted.ms);
    const table = [
      '| upload | bytes | time (s) | MB/s | vs plain fetch | chunks | status queries | bytes re-sent | baseline for re-sent |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
      `| plain fetch (one PUT, service worker) | ${SIZE} | ${(plain.ms / 1000).toFixed(2)} | ${plainMBps.toFixed(1)} | 1.00 | ${plain.stats.chunks} | ${plain.stats.statusQueries} | ${plain.stats.bytesResent} | — |`,
      `| extension upload path | ${SIZE} | ${(viaExtension.ms / 1000).toFixed(2)} | ${extMBps.toFixed(1)} | **${(extMBps / plainMBps).toFixed(2)}** | ${viaExtension.stats.chunks} | ${viaExtension.stats.statusQueries} | ${viaExtension.stats.bytesResent} | 0 (no fault) |`,
      `| extension, connection cut once | ${SIZE} | ${(interrupted.ms / 1000).toFixed(2)} | ${intMBps.toFixed(1)} | ${(intMBps / plainMBps).toFixed(2)} | ${interrupted.stats.chunks} | ${interrupted.stats.statusQueries} | **${interrupted.stats.bytesResent}** (${MiBs(interrupted.stats.bytesResent)}) | the cut chunk: ${cutChunk} (${MiBs(cutChunk)}) |`,
    ].join('\n');
    const chromium = execFileSync(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const notes = [
      `- ratio extension / plain fetch: **${(extMBps / plainMBps).toFixed(2)}** (aim: 0.8 or better)`,
      `- chunk sizes (MiB), extension: ${chunkSizes(viaExtension.entries).map((b) => (b / MiB).toFixed(2)).join(', ')}; interrupted: ${chunkSizes(interrupted.entries).map((b) => (b / MiB).toFixed(2)).join(', ')}`,
      `- time at the server: plain fetch ${timeSplit(plain.entries)}; extension ${timeSplit(viaExtension.entries)}; interrupted ${timeSplit(interrupted.entries)}`,
      `- Node ${process.version}, ${chromium}, 2 cores, 1-minute load average ${load.map((l) => l.toFixed(2)).join(' / ')} (start / before the extension upload / end).`,
      "- The local Drive (tools/drive-emulator) over HTTPS on loopback at Google's hostnames, full speed, files on disk; time = from the session's POST to the answer to its last byte, at the server.",
      `- The bytes: ${SIZE_MIB} MiB from bench/upload-bytes.mjs's generator, built into a Blob in the service worker and stored as two outbox items the way Outbox.add() stores them (paused); the plain fetch sends the first item's Blob read from IndexedDB, Resume in the popup starts the manager on each item. Each file in Drive was hashed: SHA-256 equal to the generator's.`,
      `- Interrupted: a fault cut the connection after ${MiBs(CUT_AFTER)} of the chunk that went once ${MiBs(CUT_ONCE_KEPT)} were in Drive; Drive kept whole 256 KiB units, the client asked (status query) and went on from there: the bytes re-sent are those that arrived twice.`,
    ].join('\n');
    console.log(`\n${table}\n\n${notes}`);
    if (process.env.CHATSEAL_BENCH_WRITE === '1') {
      const file = join(here, 'RESULTS.md');
      const day = new Date().toISOString().slice(0, 10);
      // Newest first: after the file's introduction, before the first dated section.
      const text = readFileSync(file, 'utf8');
      const at = text.indexOf('\n## ');
      const section = `\n## ${day}: \`npm run bench:upload\` (${SIZE_MIB} MiB)\n\n${table}\n\n${notes}\n`;
      writeFileSync(file, at < 0 ? `${text.trimEnd()}\n${section}` : `${text.slice(0, at)}\n${section}${text.slice(at)}`);
      console.log(`\nadded to ${file}`);
    }
  } finally {
    await ext?.close();
    await drive.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench:upload failed: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  },
);
