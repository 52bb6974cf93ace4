// Issue 3, Done when 1 (the cross-site scenarios), on the WhatsApp fixture: Stop here keeps a true
// suffix marked incomplete; Cancel keeps nothing; without a key the button opens the options page;
// "Check this chat" reports counts only.
import type { Page } from '@playwright/test';
import type { Message } from '../../src/export/types';
import {
  expect,
  expectGroundTruth,
  exportButton,
  exportChat,
  fixtureStats,
  fixtureUrl,
  groundTruth,
  openFixture,
  openToolbarPopup,
  outboxBackups,
  overlay,
  setUpTestKey,
  test,
  truthSuffix,
  waitForCaptureEnd,
  words,
} from './capture-harness';

// Small but windowed: 400 messages, at most 60 rows with content, real lazy batches.
const CHAT = { total: 400, batch: 30, latency: 60, window: 60, gate: 'none' } as const;
const url = (knobs: Record<string, string | number> = {}) => fixtureUrl('whatsapp', { ...CHAT, ...knobs });

/** Waits until the fixture has served `n` older batches to the capture. */
async function afterBatches(page: Page, n: number): Promise<void> {
  await expect.poll(async () => (await fixtureStats(page)).batches, { timeout: 60_000 }).toBeGreaterThanOrEqual(n);
}

test('Stop here: a backup marked incomplete whose messages are a true suffix of the chat', async ({ ext, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const run = await exportChat(ext, downloads, key, url({ latency: 300 }), tmp, async (page) => {
    await afterBatches(page, 3);
    await overlay(page).panel.getByRole('button', { name: words('captureStopHere') }).click();
  });
  expect(run.end.end).toBe('saved');
  const doc = run.doc!;
  expect(doc.capture).toMatchObject({ reachedStart: false, stopReason: 'user-stopped' });
  expect(doc.messages.length).toBeGreaterThan(30);
  expect(doc.messages.length).toBeLessThan(run.truth.length);
  // Nothing invented, nothing altered: exactly the newest N messages of the ground truth (a reply
  // to an older message keeps its preview but no key: that message is not in this backup).
  expectGroundTruth(doc.messages, truthSuffix(run.truth, doc.messages.length));
});

test('Cancel: no backup is kept', async ({ ext, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const run = await exportChat(ext, downloads, key, url({ latency: 300 }), tmp, async (page) => {
    await afterBatches(page, 2);
    await overlay(page).panel.getByRole('button', { name: 'Cancel', exact: true }).click();
  });
  expect(run.end.end).toBe('cancelled');
  expect(run.doc).toBeNull();
  expect(await outboxBackups(ext)).toHaveLength(0);
});

test('without a key, the button opens the options page instead', async ({ ext }) => {
  // The install tab is the options page: close it, so the one the button opens is new.
  for (const p of ext.context.pages()) if (p.url().startsWith(`${ext.origin}/options.html`)) await p.close();
  const page = await ext.context.newPage();
  await openFixture(page, url());
  const [options] = await Promise.all([
    ext.context.waitForEvent('page', { predicate: (p) => p.url().startsWith(`${ext.origin}/options.html`) }),
    exportButton(page).click(),
  ]);
  await expect(options.getByRole('heading', { level: 1, name: 'ChatSeal settings' })).toBeVisible();
  expect((await fixtureStats(page)).batches).toBe(0);
  expect(await outboxBackups(ext)).toHaveLength(0);
});

test('"Check this chat" in the popup reports anchors, rows and timestamps as counts only', async ({ ext }) => {
  const page = await ext.context.newPage();
  await openFixture(page, url());
  const { popup, detach } = await openToolbarPopup(ext, page);
  try {
    await popup.getByRole('button', { name: 'Check this chat' }).click();
    const report = popup.getByLabel(/Report \(counts only/);
    await expect(report).toHaveValue(/Chat open: yes/);
    const text = await report.inputValue();
    expect(text).toContain('WhatsApp Web (experimental)');
    expect(text).toMatch(/message-row: found/);
    const rows = /Rows on screen: (\d+) — messages (\d+)/.exec(text);
    expect(Number(rows?.[1])).toBeGreaterThan(0);
    expect(Number(rows?.[2])).toBeGreaterThan(0);
    // Every message on screen dated as the capture dates it (rows without data-pre-plain-text by their day chip).
    const dates = /Dates and times: (\d+) worked out, (\d+) not/.exec(text);
    expect(Number(dates?.[1])).toBe(Number(rows?.[2]));
    expect(Number(dates?.[2])).toBe(0);
    // Counts only: no message text, sender or chat title of the page is in it.
    const truth = await groundTruth<Message>(page);
    const leaks = truth.flatMap((m) => [m.text, m.sender?.name]).filter((s): s is string => !!s && s.length > 3 && text.includes(s));
    expect(leaks).toEqual([]);
  } finally {
    await detach();
  }
});
