// Issue 3, Done when 1, on the WhatsApp fixture (400 messages, windowed): a whole capture decrypts
// to exactly the ground truth, also with new messages arriving during it (each captured once), and
// the toolbar popup's "Export this chat" and the keyboard shortcut start one for the current tab;
// an extension reloaded mid-capture is reported by the page.
import type { Message } from '../../src/export/types';
import { extensionManifest } from '../helpers/browser';
import {
  decryptBackup,
  expect,
  exportButton,
  expectGroundTruth,
  exportChat,
  fixtureUrl,
  groundTruth,
  openFixture,
  openToolbarPopup,
  pressShortcut,
  saveBackupFromPopup,
  fixtureStats,
  overlay,
  setUpTestKey,
  test,
  waitForCaptureEnd,
  words,
} from './capture-harness';
import type { Page } from '@playwright/test';

async function afterBatches(page: Page, n: number): Promise<void> {
  await expect.poll(async () => (await fixtureStats(page)).batches, { timeout: 60_000 }).toBeGreaterThanOrEqual(n);
}

const CHAT = { total: 400, batch: 30, latency: 60, window: 60, gate: 'none' } as const;
const url = (knobs: Record<string, string | number> = {}) => fixtureUrl('whatsapp', { ...CHAT, ...knobs });
const keysOf = (messages: readonly Message[]) => messages.map((m) => m.key);

test('a whole windowed chat: the backup decrypts to exactly the ground truth, marked complete', async ({ ext, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const run = await exportChat(ext, downloads, key, url(), tmp);
  expect(run.end.end).toBe('saved');
  expectGroundTruth(run.doc!.messages, run.truth);
  expect(run.doc!.capture).toMatchObject({ reachedStart: true, stopReason: 'reached-start' });
  // Windowing really happened: rows were emptied far from the viewport, never more than 60 filled.
  expect(run.stats.emptied).toBeGreaterThan(100);
  expect(run.stats.maxMounted).toBeLessThanOrEqual(60);
});

test('new messages arriving during the capture are captured once, none duplicated', async ({ ext, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const run = await exportChat(ext, downloads, key, url({ mutate: 4 }), tmp);
  expect(run.end.end).toBe('saved');
  expect(run.stats.mutations).toBe(4);
  const keys = keysOf(run.doc!.messages);
  expect(new Set(keys).size).toBe(keys.length);
  expectGroundTruth(run.doc!.messages, run.truth);
  expect(run.doc!.capture.reachedStart).toBe(true);
});

test('the toolbar popup: "Export this chat" starts the capture of the current tab', async ({ ext, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const page = await ext.context.newPage();
  await openFixture(page, url());
  const { popup, detach } = await openToolbarPopup(ext, page);
  try {
    await expect(popup.getByRole('heading', { name: 'WhatsApp Web (experimental)' })).toBeVisible();
    await popup.getByRole('button', { name: 'Export this chat' }).click();
  } finally {
    await detach();
  }
  const end = await waitForCaptureEnd(page);
  expect(end.end).toBe('saved');
  const saved = await saveBackupFromPopup(ext, downloads, new Set());
  const doc = await decryptBackup(saved.bytes, key.digits, tmp);
  expectGroundTruth(doc.messages, await groundTruth<Message>(page));
});

test('the keyboard shortcut starts the capture of the current tab', async ({ ext, downloads, tmp }) => {
  const commands = (extensionManifest().commands ?? {}) as Record<string, { suggested_key?: { default?: string } }>;
  const shortcut = Object.values(commands).map((c) => c.suggested_key?.default).find(Boolean);
  expect(shortcut, 'a commands shortcut in the manifest').toBeTruthy();
  const key = await setUpTestKey(ext);
  const page = await ext.context.newPage();
  await openFixture(page, url());
  await page.bringToFront();
  await pressShortcut(page, shortcut!);
  const end = await waitForCaptureEnd(page);
  expect(end.end).toBe('saved');
  const saved = await saveBackupFromPopup(ext, downloads, new Set());
  expectGroundTruth((await decryptBackup(saved.bytes, key.digits, tmp)).messages, await groundTruth<Message>(page));
});

test('the extension reloaded mid-capture: the page says so and offers to start again', async ({ ext }) => {
  await setUpTestKey(ext);
  const page = await ext.context.newPage();
  await openFixture(page, url({ latency: 400 }));
  await exportButton(page).click();
  await afterBatches(page, 2);
  const sw = await ext.currentWorker();
  await sw.evaluate(() => (globalThis as unknown as { chrome: { runtime: { reload(): void } } }).chrome.runtime.reload()).catch(() => undefined);
  const end = await waitForCaptureEnd(page, 60_000);
  expect(end.end).toBe('disconnected');
  await expect(overlay(page).panel.getByRole('button', { name: words('captureReload') })).toBeVisible();
});
