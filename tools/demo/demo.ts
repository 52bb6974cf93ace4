// `npm run demo`: the whole ChatSeal path on this computer, no Google account needed. It builds the
// extension (with the placeholder OAuth client id the local Drive accepts), starts the local Google
// Drive (tools/drive-emulator) and a demo chat at web.whatsapp.com (the site fixture), and opens
// Chromium with ChatSeal loaded and Google's and WhatsApp's hostnames mapped to them.
//
// With a display ($DISPLAY) the browser opens for you to click through; closing it ends the demo.
// Without one it takes the tour itself, headless: set up a 64-digit key, connect Google Drive,
// export the chat, watch it upload, show the backup in Drive and decrypt it with the CLI, saving
// numbered screenshots. Exit 0 when the tour succeeded, 1 with the step that failed otherwise.
//
//   npm run demo                    (CHATSEAL_DEMO_OUT=folder for the screenshots, default demo-output/)
//   CHATSEAL_DEMO_HEADLESS=1 npm run demo   the tour even with a display
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startDriveEmulator } from '../drive-emulator/index.mjs';
import { startFixtureServer } from '../../test/fixtures/sites/server.mjs';
import { launchExtension, REPO_ROOT, type ExtensionSession } from '../../test/helpers/browser';
import { DownloadCatcher } from '../../test/helpers/downloads';
import { connectDrive, backupsInDrive, outboxCount } from '../../test/e2e/drive-harness';
import { decryptBackup, exportButton, waitForCaptureEnd } from '../../test/e2e/capture-steps';
import { OptionsPage } from '../../test/e2e/pages/options';

const CLIENT_ID = 'chatseal-local-test.apps.googleusercontent.com';
/** How fast the local Drive reads uploads during "Watch it upload", and what it keeps of the first request. */
const DEMO_UPLOAD_BYTES_PER_SECOND = 10 * 1024;
const DEMO_FIRST_KEPT = 32 * 1024;
const OUT = path.resolve(process.env.CHATSEAL_DEMO_OUT ?? path.join(REPO_ROOT, 'demo-output'));
const HEADED = Boolean(process.env.DISPLAY) && process.env.CHATSEAL_DEMO_HEADLESS !== '1';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

let shots = 0;
async function shot(page: Page, name: string): Promise<void> {
  shots++;
  const file = path.join(OUT, `${String(shots).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  screenshot ${path.relative(process.cwd(), file)}`);
}

let current = 'starting';
function stepTitle(title: string): void {
  current = title;
  console.log(`\n» ${title}`);
}

async function tour(ext: ExtensionSession, drive: Awaited<ReturnType<typeof startDriveEmulator>>, chatUrl: string): Promise<void> {
  const downloads = await DownloadCatcher.attach(ext.context);
  try {
    stepTitle('Set up a 64-digit key (the options page opens on install)');
    const options = await OptionsPage.open(ext);
    await shot(options.page, 'options-on-install');
    const key = await options.setUpKey(downloads, 'classic');
    await shot(options.page, 'key-set-up');
    await options.page.close();
    for (const p of ext.context.pages().filter((p) => p.url().startsWith(`${ext.origin}/options.html`))) await p.close();

    stepTitle('Connect Google Drive from the popup (the local Drive answers as Google)');
    const popup = await ext.openPage('popup.html');
    await popup.setViewportSize({ width: 420, height: 720 });
    await shot(popup, 'popup-not-connected');
    const consentShown = ext.context.waitForEvent('page', { predicate: (p) => p.url().startsWith('https://accounts.google.com/') });
    const connected = connectDrive(ext.context, popup);
    const consent = await consentShown;
    await consent.waitForLoadState();
    await shot(consent, 'google-consent-window');
    await connected;
    await shot(popup, 'popup-connected');

    stepTitle(`Open the chat (${chatUrl}, a local copy of WhatsApp Web)`);
    const chat = await ext.context.newPage();
    await chat.goto(chatUrl);
    await chat.waitForFunction(() => (globalThis as { __chatsealFixture?: { ready?: boolean } }).__chatsealFixture?.ready === true);
    await shot(chat, 'chat');

    // The chat's backup is small (about 60 kB: one request to Drive), so its upload would be over
    // before the popup could show it. For this step the local Drive reads uploads at 10 kB/s and,
    // as Drive may, keeps only the first 32 KiB of the first request (its 308 answer says so): the
    // client goes on from what Drive confirmed, and the popup shows the upload part-way, with speed
    // and time left, for a few seconds. Armed before the click: the upload starts as the capture saves.
    drive.admin.setNetwork({ bytesPerSecond: DEMO_UPLOAD_BYTES_PER_SECOND });
    drive.admin.addFault({ match: { method: 'PUT', upload: true }, action: { keepBytes: DEMO_FIRST_KEPT }, times: 1 });
    stepTitle('Export the chat: ChatSeal\'s "Encrypted export" button in the page');
    const button = exportButton(chat);
    // The content script runs at document_idle; give it a moment, then say plainly if it never came.
    await button.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => {
      throw new Error('the "Encrypted export" button did not appear in the chat header within 30 s');
    });
    await button.click();
    await shot(chat, 'capturing');
    const end = await waitForCaptureEnd(chat);
    if (end.end !== 'saved') throw new Error(`the capture ended ${end.end}: ${end.text}`);
    await shot(chat, 'capture-saved');

    stepTitle('Watch it upload (the popup\'s upload queue)');
    await popup.reload();
    const item = popup.getByTestId('outbox-item');
    // Part-way: Drive confirmed some bytes, not all, and the upload goes on (the popup updates by itself).
    const partWay = async () => {
      const state = await item.getAttribute('data-state', { timeout: 500 }).catch(() => null);
      const percent = await item.locator('progress').evaluate((p: HTMLProgressElement) => p.value, undefined, { timeout: 500 }).catch(() => 0);
      if (state !== 'uploading' || percent <= 0 || percent >= 100) return null;
      return (await item.getByTestId('outbox-progress').textContent({ timeout: 500 }).catch(() => null)) ?? '';
    };
    let shown: string | null = null;
    for (let waited = 0; shown === null && waited < 20_000; waited += 100) {
      shown = await partWay();
      if (shown === null) await new Promise((r) => setTimeout(r, 100));
    }
    if (shown === null) throw new Error('the popup never showed the upload part-way within 20 s');
    await shot(popup, 'uploading');
    console.log(`  ${shown}`);
    drive.admin.setNetwork({ bytesPerSecond: null });
    const deadline = Date.now() + 120_000;
    while (backupsInDrive(drive).length === 0 || (await outboxCount(ext)) > 0) {
      if (Date.now() > deadline) throw new Error('the backup did not reach Google Drive within 2 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    await popup.reload();
    await popup.getByTestId('last-backup').waitFor();
    await shot(popup, 'uploaded');

    stepTitle('The backup in Google Drive (the local Drive\'s folder), and the CLI opens it');
    const [file] = backupsInDrive(drive);
    if (!file) throw new Error('no backup in Drive');
    const bytes = drive.admin.fileContent(file.id);
    const doc = await decryptBackup(bytes, key.digits, OUT);
    const listing = await ext.context.newPage();
    await listing.setContent(driveListing(drive.admin.files(), doc.messages.length));
    await shot(listing, 'drive-folder');
    console.log(`  ${file.path}  ${bytes.length} bytes  appProperties ${JSON.stringify(file.appProperties)}`);
    console.log(`  chatseal decrypt: ${doc.messages.length} messages`);
  } finally {
    await downloads.dispose();
  }
}

/** A plain page standing in for drive.google.com's file list (the emulator has no web UI). */
function driveListing(files: ReturnType<Awaited<ReturnType<typeof startDriveEmulator>>['admin']['files']>, messages: number): string {
  const esc = (s: string) => s.replace(/[&<>"]/gu, (c) => `&#${c.charCodeAt(0)};`);
  const rows = files
    .map((f) => `<tr><td>${esc(f.path)}</td><td>${f.size === null ? 'folder' : `${(f.size / 1024 / 1024).toFixed(2)} MB`}</td><td><code>${esc(JSON.stringify(f.appProperties))}</code></td></tr>`)
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>Local Google Drive</title>
<body style="font: 15px system-ui, sans-serif; margin: 2em">
<h1 style="font-size: 1.4em">Google Drive (local) — maya@example.com</h1>
<table cellpadding="6" style="border-collapse: collapse" border="1"><tr><th>Path</th><th>Size</th><th>appProperties</th></tr>${rows}</table>
<p>The backup is encrypted: the name carries only the date. <code>chatseal decrypt</code> with the 64-digit key opens it: ${messages} messages.</p>`;
}

async function main(): Promise<void> {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  stepTitle('Build the extension (placeholder OAuth client id) and the CLI');
  await run(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['wxt', 'build'], { WXT_GOOGLE_CLIENT_ID: CLIENT_ID });
  await run(process.execPath, ['tools/build-cli.mjs']);

  stepTitle('Start the local Google Drive and the demo chat');
  const driveDir = path.join(OUT, 'drive');
  fs.mkdirSync(driveDir, { recursive: true });
  const drive = await startDriveEmulator({ dir: driveDir });
  const sites = await startFixtureServer();
  const chatUrl = `https://web.whatsapp.com/?seed=${crypto.randomInt(1, 1000)}&total=300`;
  console.log(`  local Google Drive ${drive.url} (files in ${driveDir})`);
  console.log(`  demo chat https://web.whatsapp.com/ on port ${sites.port}`);
  const hostMap = { ...drive.hostMap, ...sites.hostMap };
  let ext: ExtensionSession | undefined;
  try {
    ext = await launchExtension({ hostMap, headless: !HEADED });
    if (HEADED) {
      console.log(`\nChromium is open with ChatSeal. Try: set up a key, open ${chatUrl}, connect Google Drive in the popup,`);
      console.log('export the chat and watch it upload. No Google account is needed. Close the browser to end the demo.');
      await new Promise<void>((resolve) => ext!.context.on('close', () => resolve()));
      return;
    }
    console.log('\nNo display: ChatSeal takes the tour itself, headless.');
    await tour(ext, drive, chatUrl);
    console.log(`\nDone. ${shots} screenshots in ${OUT}`);
  } finally {
    await ext?.close();
    await sites.close();
    await drive.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nThe demo failed at "${current}": ${error instanceof Error ? error.message : String(error)}`);
    if (shots) console.error(`Screenshots so far are in ${OUT}`);
    process.exit(1);
  },
);
