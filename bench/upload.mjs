// npm run bench:upload — how fast a backup reaches Google Drive through the extension's own upload
// path, against a plain upload of the same size to the same local Drive in the same browser and
// the same run, and what a forced interruption costs. Issue 4, Done when 4. Not part of `npm test`.
//
//   plain fetch   the service worker starts a resumable session and PUTs the whole Blob in one request
//   extension     the production build in Debian's Chromium: a backup made on the import page waits
//                 in the outbox and the upload manager sends it (speed-adapted chunks, a checkpoint
//                 in IndexedDB after each, sha256Checksum compared at the end)
//   interrupted   a second backup of the same size whose connection is cut in the middle of a chunk
//                 (after 64 MiB are in Drive): the bytes sent twice, from the emulator's uploadStats
// Each time is measured at the local Drive, from the session's start (POST) to the answer to its
// last byte, so encryption time is not in it. Files of SIZE (default 256 MiB) of incompressible bytes.
//
// Run: `npm run bench:upload` (builds the extension with the placeholder client id and the CLI
// first). CHATSEAL_BENCH_MIB=64 for a quick run; CHATSEAL_BENCH_WRITE=1 adds the table to
// bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriveEmulator } from '../tools/drive-emulator/index.mjs';
import { launchExtension } from '../test/helpers/browser.ts';
import { DownloadCatcher } from '../test/helpers/downloads.ts';
import { BIG_EXPORT_ME, backupsInDrive, bigExportZip, connectDrive, outboxCount, setUpTestKey } from '../test/e2e/drive-harness.ts';
import { ImportPage } from '../test/e2e/pages/import.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.CHATSEAL_BENCH_MIB ?? 256);
const CLIENT_ID = 'chatseal-local-test.apps.googleusercontent.com';

function build() {
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, WXT_GOOGLE_CLIENT_ID: CLIENT_ID } });
  execFileSync(process.execPath, ['tools/build-cli.mjs'], { cwd: root, stdio: 'inherit' });
}

/** Session start to the answer to its last byte, from the emulator's log. */
function sessionTiming(drive, uploadId) {
  const entries = drive.admin.log().filter((e) => e.query.upload_id === uploadId || e.uploadId === uploadId).sort((a, b) => a.seq - b.seq);
  const start = drive.admin.log().filter((e) => e.method === 'POST' && e.path === '/upload/drive/v3/files').map((e) => Date.parse(e.time));
  const last = entries.at(-1);
  const first = entries[0];
  // The session's POST has no upload_id (Drive gives it in Location): the newest POST before its first chunk.
  const began = Math.max(...start.filter((t) => t <= Date.parse(first.time)));
  return { ms: Date.parse(last.time) + last.durationMs - began };
}

async function waitUntil(what, test, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function plainUpload(ext, drive, size) {
  const { accessToken } = drive.admin.issueToken();
  const sw = await ext.currentWorker();
  const result = await sw.evaluate(
    async ({ token, size }) => {
      const blob = new Blob([new Uint8Array(size).map((_, i) => (i * 2654435761) >>> 24)]);
      const init = await fetch('https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json; charset=UTF-8', 'X-Upload-Content-Length': String(size) },
        body: JSON.stringify({ name: 'plain-fetch.bin' }),
      });
      const session = init.headers.get('Location');
      const put = await fetch(session, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Range': `bytes 0-${size - 1}/${size}` }, body: blob });
      await put.text();
      return { status: put.status, uploadId: new URL(session).searchParams.get('upload_id') };
    },
    { token: accessToken, size },
  );
  if (result.status !== 200) throw new Error(`plain upload: HTTP ${result.status}`);
  return sessionTiming(drive, result.uploadId);
}

async function extensionUpload(ext, drive, downloads, zip, before) {
  // The import page's steps (test/e2e/pages/import.ts), with room for reading a 256 MiB .zip.
  const { page } = await ImportPage.openFromPopup(ext);
  await page.getByLabel('WhatsApp export file (.txt or .zip)').setInputFiles(zip);
  await page.getByRole('heading', { name: 'Which one is you?' }).waitFor({ timeout: 10 * 60_000 });
  await page.getByRole('radio', { name: new RegExp(`^${BIG_EXPORT_ME} \\(`) }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Check the chat' }).waitFor({ timeout: 10 * 60_000 });
  const saved = await downloads.expectDownload(() => page.getByRole('button', { name: 'Encrypt and save backup' }).click(), 10 * 60_000);
  for (const p of ext.context.pages().filter((p) => p.url().startsWith(ext.origin))) await p.close();
  await waitUntil('the upload', async () => backupsInDrive(drive).length > before && (await outboxCount(ext)) === 0, 30 * 60_000);
  const file = backupsInDrive(drive).at(-1);
  if (!drive.admin.fileContent(file.id).equals(saved.bytes)) throw new Error('the bytes in Drive differ from the backup');
  const stats = drive.admin.uploadStats().filter((s) => s.completed).at(-1);
  return { size: saved.bytes.length, stats, ...sessionTiming(drive, stats.uploadId) };
}

const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);

async function main() {
  build();
  const tmp = mkdtempSync(join(tmpdir(), 'chatseal-bench-upload-'));
  const drive = await startDriveEmulator({ dir: join(tmp, 'drive') });
  const load = [loadavg()[0]];
  let ext;
  try {
    ext = await launchExtension({ hostMap: drive.hostMap });
    const downloads = await DownloadCatcher.attach(ext.context);
    await setUpTestKey(ext);
    const popup = await ext.openPage('popup.html');
    await connectDrive(ext.context, popup);
    await popup.close();
    const zip = bigExportZip(tmp, SIZE_MIB * MiB);

    console.log(`\n${SIZE_MIB} MiB: the extension's upload path...`);
    const viaExtension = await extensionUpload(ext, drive, downloads, zip, 0);
    console.log(`plain fetch of ${viaExtension.size} bytes...`);
    const plain = await plainUpload(ext, drive, viaExtension.size);

    console.log('interrupted: the connection cut in the middle of a chunk after 64 MiB are in Drive...');
    drive.admin.addFault({ match: { method: 'PUT', upload: true, afterBytes: 64 * MiB }, action: { cutAfterBytes: 10 * MiB + 100 * 1024 } });
    const interrupted = await extensionUpload(ext, drive, downloads, zip, 1);
    await downloads.dispose();
    load.push(loadavg()[0]);

    const rows = [
      ['plain fetch (one PUT, service worker)', viaExtension.size, plain.ms, 1, '-', '-'],
      ['extension upload path', viaExtension.size, viaExtension.ms, viaExtension.stats.chunks, viaExtension.stats.statusQueries, viaExtension.stats.bytesResent],
      ['extension, connection cut once', interrupted.size, interrupted.ms, interrupted.stats.chunks, interrupted.stats.statusQueries, interrupted.stats.bytesResent],
    ];
    const ratio = mbps(viaExtension.size, viaExtension.ms) / mbps(viaExtension.size, plain.ms);
    const table = [
      '| upload | bytes | time (s) | MB/s | chunks | status queries | bytes re-sent |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map(([name, bytes, ms, chunks, queries, resent]) => `| ${name} | ${bytes} | ${(ms / 1000).toFixed(2)} | ${mbps(bytes, ms).toFixed(1)} | ${chunks} | ${queries} | ${resent} |`),
    ].join('\n');
    const chromium = execFileSync(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version']).toString().trim();
    const notes = [
      `- ratio extension / plain fetch: **${ratio.toFixed(2)}** (aim: 0.8 or better)`,
      `- Node ${process.version}, ${chromium}, 2 cores, 1-minute load average ${load.map((l) => l.toFixed(2)).join(' before, ')} after.`,
      '- The local Drive (tools/drive-emulator) over HTTPS on loopback at Google\'s hostnames, full speed; time = from the session\'s POST to the answer to its last byte, at the server.',
      `- Backups: the import page, a WhatsApp .zip with ${SIZE_MIB} MiB of incompressible media (the backup is a little larger); the bytes in Drive were compared with the saved backup.`,
      '- Interrupted: a fault cut the connection after 10 MiB + 100 KiB of a chunk once 64 MiB were in Drive; Drive kept whole 256 KiB units, the client asked (status query) and went on: the bytes re-sent are the ones Drive did not keep.',
    ].join('\n');
    console.log(`\n${table}\n\n${notes}`);
    if (process.env.CHATSEAL_BENCH_WRITE === '1') {
      const file = join(here, 'RESULTS.md');
      const day = new Date().toISOString().slice(0, 10);
      writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n\n## ${day}: \`npm run bench:upload\` (${SIZE_MIB} MiB)\n\n${table}\n\n${notes}\n`);
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
