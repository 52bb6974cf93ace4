// Capture steps the e2e specs and bench/capture.mjs share: open a site fixture, set up a key,
// press Encrypted export like a user, wait for the overlay, take the backup, decrypt it with the
// CLI and compare it with the fixture's ground truth. No Playwright Test fixtures here (the bench
// runs these outside the test runner); capture-harness.ts adds those.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, expect, type Locator, type Page } from '@playwright/test';
import type { ChatExport, Message } from '../../src/export/types';
import { REPO_ROOT, type ExtensionSession } from '../helpers/browser';
import type { DownloadCatcher, SavedFile } from '../helpers/downloads';
import { readJson } from '../helpers/chat-doc';
import { chatseal } from '../helpers/run';
import type { FixtureSite } from '../fixtures/sites/server.mjs';
import type { FixtureControls, FixtureStats } from '../fixtures/sites/shared/controls.mjs';
import { OptionsPage } from './pages/options';

export const SITE_URL: Record<FixtureSite, string> = {
  whatsapp: 'https://web.whatsapp.com/',
  'telegram-k': 'https://web.telegram.org/k/',
  'telegram-a': 'https://web.telegram.org/a/',
  discord: 'https://discord.com/channels/1154715233001148476/1154715233001148479',
};

/** A site fixture URL with knobs, e.g. fixtureUrl('whatsapp', { total: 3000, mode: 'hollow' }). */
export function fixtureUrl(site: FixtureSite, knobs: Record<string, string | number | boolean> = {}): string {
  const url = new URL(SITE_URL[site]);
  for (const [k, v] of Object.entries(knobs)) url.searchParams.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  return url.href;
}

/** Opens a fixture page and waits for its controls; refuses misspelt knobs. */
export async function openFixture(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { __chatsealFixture?: { ready?: boolean } }).__chatsealFixture?.ready === true);
  const unknown = await page.evaluate(() => (globalThis as unknown as { __chatsealFixture: FixtureControls }).__chatsealFixture.unknownKnobs);
  expect(unknown, `unknown fixture knobs in ${url}`).toEqual([]);
}

/** The fixture's counters (window.__chatsealFixture.stats(), main world). */
export function fixtureStats(page: Page): Promise<FixtureStats> {
  return page.evaluate(() => (globalThis as unknown as { __chatsealFixture: FixtureControls }).__chatsealFixture.stats());
}

/** The messages the capture must produce (main world; never in the DOM). */
export function groundTruth<M = unknown>(page: Page): Promise<M[]> {
  return page.evaluate(() => (globalThis as unknown as { __chatsealFixture: FixtureControls<M> }).__chatsealFixture.groundTruth());
}

// ---------------------------------------------------------------------------------------------
// Capture steps, as a user takes them.

const MESSAGES = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, 'public', '_locales', 'en', 'messages.json'), 'utf8'),
) as Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/**
 * The English words of a message as a pattern (placeholders match anything), so the harness follows
 * the UI's wording from messages.json instead of copying it.
 */
export function words(key: string): RegExp {
  const entry = MESSAGES[key];
  if (!entry) throw new Error(`no message ${key} in messages.json`);
  const parts = entry.message.split(/\$[A-Za-z0-9_]+\$|\$\d/);
  return new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?'));
}

/** A 64-digit key set up through the options page ("I already have a key": the quickest real path). */
export async function setUpTestKey(ext: ExtensionSession): Promise<{ digits: string }> {
  const digits = crypto.randomBytes(32).toString('hex');
  const options = await OptionsPage.open(ext);
  await options.useExistingKey(digits, 'classic');
  await options.page.close();
  return { digits };
}

/** The injected button: host element in the page, the button itself in its open shadow root. */
export function exportButton(page: Page): Locator {
  return page.locator('[data-chatseal-action="encrypted-export"]').getByRole('button', { name: 'Encrypted export' });
}

/**
 * The capture overlay and its live status line. Its host is `[data-chatseal-overlay]`; everything
 * a user sees is in the host's open shadow root (the region below), not in the host's own text.
 */
export function overlay(page: Page): { panel: Locator; status: Locator } {
  const panel = page.locator('[data-chatseal-overlay]').getByRole('region');
  return { panel, status: panel.getByRole('status') };
}

export type CaptureEnd = 'saved' | 'cancelled' | 'failed' | 'disconnected';

/** Which end state the overlay's text reports, or null while the capture runs. */
export function captureEndOf(text: string): CaptureEnd | null {
  const ends: [CaptureEnd, RegExp][] = [
    ['saved', words('captureSavedUploading')],
    ['saved', words('captureSavedWaiting')],
    ['cancelled', words('captureCancelled')],
    ['failed', words('captureFailed')],
    ['disconnected', words('captureDisconnected')],
  ];
  return ends.find(([, re]) => re.test(text))?.[0] ?? null;
}

/** Waits until the overlay reports an end state; returns which one and its sentence. */
export async function waitForCaptureEnd(page: Page, timeoutMs = 600_000): Promise<{ end: CaptureEnd; text: string }> {
  const { panel } = overlay(page);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await panel.textContent({ timeout: 5_000 }).catch(() => '')) ?? '';
    const end = captureEndOf(text);
    if (end) return { end, text };
    if (Date.now() > deadline) throw new Error(`capture did not end within ${timeoutMs} ms; overlay says: ${text}`);
    await page.waitForTimeout(250);
  }
}

/** Backups waiting in the outbox (IndexedDB 'chatseal': facts in 'outbox', Blobs in 'outbox-files'), oldest first, as bytes. */
export async function outboxBackups(ext: ExtensionSession): Promise<Buffer[]> {
  const sw = await ext.currentWorker();
  const encoded = await sw.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('chatseal');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      if (!db.objectStoreNames.contains('outbox')) return [];
      const all = <T>(store: string) =>
        new Promise<T[]>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result as T[]);
          req.onerror = () => reject(req.error);
        });
      const records = await all<{ id: string; kind: string; seq?: number }>('outbox');
      const files = new Map((await all<{ id: string; blob: Blob }>('outbox-files')).map((f) => [f.id, f.blob]));
      const backups = records.filter((r) => r.kind === 'backup').sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      const out: string[] = [];
      for (const r of backups) {
        const blob = files.get(r.id);
        if (!blob) throw new Error(`outbox item ${r.id} has no file`);
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        out.push(btoa(bin));
      }
      return out;
    } finally {
      db.close();
    }
  });
  return encoded.map((b64) => Buffer.from(b64, 'base64'));
}

/** The CLI (dist-cli, `npm run build:cli`) decrypts a backup with the 64-digit key; returns chat.json. */
export async function decryptBackup(bytes: Buffer, digits: string, tmp: string): Promise<ChatExport> {
  const dir = fs.mkdtempSync(path.join(tmp, 'backup-'));
  const backup = path.join(dir, 'backup.age');
  const keyFile = path.join(dir, 'key.txt');
  fs.writeFileSync(backup, bytes);
  fs.writeFileSync(keyFile, `${digits}\n`, { mode: 0o600 });
  const out = path.join(dir, 'out');
  const r = await chatseal(['decrypt', backup, '-o', out, '--key-file', keyFile]);
  if (r.code !== 0) throw new Error(`chatseal decrypt exited ${r.code}: ${r.stderr}`);
  return readJson(path.join(out, 'chat.json')) as ChatExport;
}

/**
 * Issue 3, Done when 1: the decrypted messages equal the fixture's ground truth exactly — every
 * message, every field, in order. (Capture timings and the app version live in the capture section
 * and are not compared here.) On a mismatch the first differing message is named, not a 3,000-line diff.
 */
export function expectGroundTruth(messages: readonly Message[], truth: readonly Message[]): void {
  const firstDiff = truth.findIndex((m, i) => !sameJson(messages[i], m));
  if (firstDiff >= 0) {
    expect(messages[firstDiff], `message #${firstDiff} (${truth[firstDiff]!.key}) differs from the ground truth`).toEqual(truth[firstDiff]);
  }
  expect(messages.length, 'message count').toBe(truth.length);
  expect(messages).toEqual(truth);
}

/** Index of the first message that differs from the ground truth, or -1 when equal (count included). */
export function firstDifference(messages: readonly unknown[], truth: readonly unknown[]): number {
  const n = Math.max(messages.length, truth.length);
  for (let i = 0; i < n; i++) if (!sameJson(messages[i], truth[i])) return i;
  return -1;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Key order does not matter in a JSON comparison; values and arrays do. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * The backup a user takes out of the outbox: the popup's "Waiting to upload" list, "Save as file"
 * on the entry that was not there before (`known`: file names seen earlier).
 */
export async function saveBackupFromPopup(ext: ExtensionSession, downloads: DownloadCatcher, known: ReadonlySet<string>): Promise<SavedFile> {
  const popup = await ext.openPage('popup.html');
  try {
    const items = popup.getByTestId('outbox-item');
    await expect.poll(async () => (await outboxFileNames(popup)).filter((n) => !known.has(n)).length, { timeout: 30_000 }).toBe(1);
    const name = (await outboxFileNames(popup)).find((n) => !known.has(n))!;
    const item = items.and(popup.locator(`[data-file-name="${name}"]`));
    return await downloads.expectDownload(() => item.getByRole('button', { name: 'Save as file' }).click());
  } finally {
    await popup.close();
  }
}

/** File names of the outbox entries the popup lists. */
export async function outboxFileNames(popup: Page): Promise<string[]> {
  return popup.getByTestId('outbox-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-file-name') ?? ''));
}

export interface ExportRun {
  page: Page;
  end: { end: CaptureEnd; text: string };
  /** Fixture counters after the capture (rows removed/emptied prove windowing happened). */
  stats: FixtureStats;
  truth: Message[];
  /** The decrypted chat.json, when a backup was saved. */
  doc: ChatExport | null;
  ms: number;
}

/**
 * The whole user path: open the fixture, press Encrypted export, wait for the overlay's end state,
 * save the new backup from the popup's outbox ("Save as file"), decrypt it with the CLI. `during` runs after the click (Stop here, Cancel, …).
 */
export async function exportChat(
  ext: ExtensionSession,
  downloads: DownloadCatcher,
  key: { digits: string },
  url: string,
  tmp: string,
  during?: (page: Page) => Promise<void>,
): Promise<ExportRun> {
  const page = await ext.context.newPage();
  await openFixture(page, url);
  const before = await outboxBackups(ext);
  const popup = await ext.openPage('popup.html');
  const known = new Set(await outboxFileNames(popup));
  await popup.close();
  await page.bringToFront();
  const started = Date.now();
  await exportButton(page).click();
  await during?.(page);
  const end = await waitForCaptureEnd(page);
  const ms = Date.now() - started;
  const stats = await fixtureStats(page);
  const truth = await groundTruth<Message>(page);
  const backups = await outboxBackups(ext);
  let doc: ChatExport | null = null;
  if (end.end === 'saved') {
    expect(backups.length, 'one new backup in the outbox').toBe(before.length + 1);
    const saved = await saveBackupFromPopup(ext, downloads, known);
    // What the user saved is exactly what waits for Drive.
    expect(saved.bytes.equals(backups.at(-1)!), 'saved file = the outbox entry').toBe(true);
    doc = await decryptBackup(saved.bytes, key.digits, tmp);
  } else {
    expect(backups.length, 'no new backup in the outbox').toBe(before.length);
  }
  return { page, end, stats, truth, doc, ms };
}

/** Chromium flag the capture profiles get, so a second DevTools client can reach the real popup. */
export const DEVTOOLS_PORT_ARG = '--remote-debugging-port=0';

/**
 * The toolbar popup as a user opens it over `page` (chrome.action.openPopup on the focused window,
 * so its "current tab" is the chat), reached over a second DevTools connection: Playwright's own
 * connection does not attach to extension popups. Needs DEVTOOLS_PORT_ARG.
 */
export async function openToolbarPopup(ext: ExtensionSession, page: Page): Promise<{ popup: Page; detach(): Promise<void> }> {
  await page.bringToFront();
  const sw = await ext.currentWorker();
  await sw.evaluate(() => (globalThis as unknown as { chrome: { action: { openPopup(): Promise<void> } } }).chrome.action.openPopup());
  const port = fs.readFileSync(path.join(ext.userDataDir, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const isPopup = (p: Page) => p.url() === `${ext.origin}/popup.html`;
  for (let waited = 0; waited < 10_000; waited += 100) {
    const popup = browser.contexts().flatMap((c) => c.pages()).find(isPopup);
    if (popup) {
      await popup.waitForLoadState();
      return { popup, detach: () => browser.close() };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await browser.close();
  throw new Error('the toolbar popup did not open');
}

/**
 * Presses a `commands` shortcut ("Alt+Shift+E") as one key event with its modifiers, the way a
 * keyboard sends it (DevTools Input.dispatchKeyEvent): the browser, not the page, turns it into the
 * extension's command. Playwright's keyboard.press sends the modifiers as separate keys, which the
 * browser does not match against extension shortcuts.
 */
export async function pressShortcut(page: Page, shortcut: string): Promise<void> {
  const parts = shortcut.split('+');
  const key = parts.pop()!;
  const bits: Record<string, number> = { Alt: 1, Ctrl: 2, Control: 2, Command: 4, MacCtrl: 2, Shift: 8 };
  const modifiers = parts.reduce((m, p) => m | (bits[p] ?? 0), 0);
  if (!/^[A-Z0-9]$/.test(key)) throw new Error(`pressShortcut handles letter and digit keys, not ${key}`);
  const code = /\d/.test(key) ? `Digit${key}` : `Key${key}`;
  const cdp = await page.context().newCDPSession(page);
  try {
    for (const type of ['rawKeyDown', 'keyUp'] as const) {
      await cdp.send('Input.dispatchKeyEvent', { type, modifiers, key, code, windowsVirtualKeyCode: key.charCodeAt(0), nativeVirtualKeyCode: key.charCodeAt(0) });
    }
  } finally {
    await cdp.detach();
  }
}

/**
 * What a capture stopped early must equal: the newest `count` messages of the ground truth, where
 * a reply keeps `replyTo` only when the message it answers is in the export too (chatseal/1: the
 * key of the answered message "when that message is in this export"; the preview stays).
 */
export function truthSuffix(truth: readonly Message[], count: number): Message[] {
  const suffix = structuredClone(truth.slice(truth.length - count));
  const keys = new Set(suffix.map((m) => m.key));
  for (const m of suffix) if (m.replyTo !== undefined && !keys.has(m.replyTo)) delete m.replyTo;
  return suffix;
}

/**
 * A capture that stopped early invented nothing: every kept message equals, field for field, the
 * ground-truth message with the same key, and they come in the chat's order. The one allowed
 * difference is a reply whose answered message is not in the backup: `replyTo` absent, preview kept
 * (as in truthSuffix).
 */
export function expectNothingInvented(messages: readonly Message[], truth: readonly Message[]): void {
  const order = new Map(truth.map((m, i) => [m.key, i]));
  const kept = new Set(messages.map((m) => m.key));
  let previous = -1;
  for (const m of messages) {
    const index = order.get(m.key);
    expect(index, `${m.key} is a message of the chat`).toBeDefined();
    expect(index!, `${m.key} comes after the message kept before it`).toBeGreaterThan(previous);
    previous = index!;
    const expected = structuredClone(truth[index!]!);
    if (expected.replyTo !== undefined && !kept.has(expected.replyTo)) delete expected.replyTo;
    expect(m, `${m.key} equals the ground truth`).toEqual(expected);
  }
}
