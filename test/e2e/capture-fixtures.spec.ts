// The shared fixture pieces (server at the real hostnames, virtual list, controls), on the plain
// demo page in place of WhatsApp: what the site fixtures build on.
import type { Page } from '@playwright/test';
import { expect, fixtureStats, fixtureUrl, groundTruth, openFixture, test } from './capture-harness';

test.use({ siteFolders: { whatsapp: 'demo' } });

/** Scrolls to the top like a user until the list reports the start (or `until` holds). */
async function scrollToStart(page: Page, until: () => Promise<boolean> = async () => (await fixtureStats(page)).atStart) {
  for (let i = 0; i < 400 && !(await until()); i++) {
    await page.locator('#scroller').evaluate((el) => (el.scrollTop = 0));
    await page.waitForTimeout(40);
  }
}

test('a fixture page loads at https://web.whatsapp.com/ with its controls in the main world only', async ({ ext }) => {
  const page = await ext.context.newPage();
  await openFixture(page, fixtureUrl('whatsapp', { total: 50 }));
  expect(new URL(page.url()).host).toBe('web.whatsapp.com');
  expect(await page.evaluate(() => location.protocol)).toBe('https:');
  const truth = await groundTruth<{ key: string; text: string }>(page);
  expect(truth).toHaveLength(50);
  // The ground truth is not in the DOM: no message key appears in the page's markup.
  const html = await page.content();
  expect(truth.some((m) => html.includes(m.key))).toBe(false);
});

test('unmount mode: loads older batches with latency and keeps at most `window` rows', async ({ ext }) => {
  const page = await ext.context.newPage();
  await openFixture(page, fixtureUrl('whatsapp', { total: 400, initial: 30, batch: 25, window: 60, latency: 100, mode: 'unmount' }));
  const start = await fixtureStats(page);
  expect(start.rowsInDom).toBe(30);
  const t0 = Date.now();
  await scrollToStart(page);
  const stats = await fixtureStats(page);
  // 400 messages + their day rows, newest 30 shown at first.
  expect(stats.atStart).toBe(true);
  expect(stats.batches).toBe(Math.ceil((stats.total - 30) / 25));
  expect(Date.now() - t0).toBeGreaterThanOrEqual(stats.batches * 100);
  expect(stats.maxMounted).toBeLessThanOrEqual(60);
  expect(stats.removed).toBeGreaterThan(stats.total - 60 - 1);
  await expect(page.locator('.start')).toHaveText('Start of chat');
  // The oldest message is what is on screen now.
  const [first] = await groundTruth<{ siteId: string }>(page);
  await expect(page.locator(`[data-id="${first!.siteId}"]`)).toHaveCount(1);
  // Scrolling back down re-creates removed rows from memory.
  for (let i = 0; i < 50 && (await fixtureStats(page)).rowsInDom > 0; i++) {
    await page.locator('#scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(40);
    const last = await page.locator('[data-id]').last().getAttribute('data-id');
    const truth = await groundTruth<{ siteId: string }>(page);
    if (last === truth.at(-1)!.siteId) break;
  }
  const truth = await groundTruth<{ siteId: string }>(page);
  await expect(page.locator('[data-id]').last()).toHaveAttribute('data-id', truth.at(-1)!.siteId);
});

test('hollow mode: rows away from the viewport are emptied but keep their id; blob URLs are revoked', async ({ ext }) => {
  const page = await ext.context.newPage();
  await openFixture(page, fixtureUrl('whatsapp', { total: 300, initial: 40, batch: 40, window: 60, latency: 50, mode: 'hollow', seed: 3 }));
  await scrollToStart(page);
  await page.waitForTimeout(200);
  const stats = await fixtureStats(page);
  expect(stats.emptied).toBeGreaterThan(100);
  expect(stats.rowsInDom).toBe(stats.total);
  expect(stats.mounted).toBeLessThanOrEqual(60);
  expect(stats.revoked).toBeGreaterThan(0);
  const hollow = page.locator('[data-virtualized="true"]');
  expect(await hollow.count()).toBeGreaterThan(100);
  await expect(hollow.first()).toBeEmpty();
  // Every message row is still in the DOM by id, hollow or not.
  const truth = await groundTruth<{ siteId: string }>(page);
  const ids = await page.locator('[data-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  expect(ids).toEqual(truth.map((m) => m.siteId));
  // A revoked blob URL no longer loads.
  const revokedStillLoads = await page.evaluate(async () => {
    const url = URL.createObjectURL(new Blob([new Uint8Array([1])]));
    URL.revokeObjectURL(url);
    return fetch(url).then(() => true, () => false);
  });
  expect(revokedStillLoads).toBe(false);
});

test('late hydration fills rows after hydrateDelay, in the same element', async ({ ext }) => {
  const page = await ext.context.newPage();
  await openFixture(page, fixtureUrl('whatsapp', { total: 30, initial: 30, hydrateDelay: 800 }));
  const row = page.locator('.msg').last();
  await expect(row).toBeEmpty();
  await row.evaluate((el) => ((el as HTMLElement & { marked?: boolean }).marked = true));
  await expect(row.locator('.text')).not.toBeEmpty();
  expect(await row.evaluate((el) => (el as HTMLElement & { marked?: boolean }).marked)).toBe(true);
});

test('a gate holds older history until clicked; one that never opens stays', async ({ ext }) => {
  const page = await ext.context.newPage();
  await openFixture(page, fixtureUrl('whatsapp', { total: 200, initial: 30, batch: 30, latency: 30, mode: 'keep', gate: 100 }));
  await scrollToStart(page, async () => (await fixtureStats(page)).gate === 'shown');
  expect((await fixtureStats(page)).atStart).toBe(false);
  await page.getByRole('button', { name: /load older messages from your phone/ }).click();
  await scrollToStart(page);
  const stats = await fixtureStats(page);
  expect(stats.gate).toBe('open');
  expect(stats.atStart).toBe(true);

  const closed = await ext.context.newPage();
  await openFixture(closed, fixtureUrl('whatsapp', { total: 200, initial: 30, batch: 30, latency: 30, mode: 'keep', gate: 100, gateOpens: 0 }));
  await scrollToStart(closed, async () => (await fixtureStats(closed)).gate === 'shown');
  await closed.getByRole('button', { name: /load older/ }).click();
  await closed.waitForTimeout(500);
  expect(await fixtureStats(closed)).toMatchObject({ gate: 'shown', atStart: false });
});

test('mutate: new messages arrive while older batches load and join the ground truth', async ({ ext }) => {
  const page = await ext.context.newPage();
  await openFixture(page, fixtureUrl('whatsapp', { total: 100, initial: 20, batch: 20, latency: 30, mutate: 2, mode: 'keep' }));
  await scrollToStart(page);
  const truth = await groundTruth<{ text: string }>(page);
  expect(truth).toHaveLength(102);
  expect(truth.slice(-2).map((m) => m.text)).toEqual(['arrived during capture 0', 'arrived during capture 1']);
  expect((await fixtureStats(page)).mutations).toBe(2);
  await expect(page.getByText('arrived during capture 1')).toHaveCount(1);
});
