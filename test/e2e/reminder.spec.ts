// The "check my key" reminder outside the options page: when a check falls due the toolbar button
// shows "!" and the popup says so, with a button that opens the options page at "Check my key";
// a successful check clears the badge. Two weeks cannot pass in a test, so the key's dates are
// moved back in IndexedDB, and a settings change (which the worker watches) makes it look again.
import type { Worker } from '@playwright/test';
import { test, expect } from './fixtures';
import { OptionsPage } from './pages/options';

const badge = (sw: Worker) =>
  sw.evaluate(() => (globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }).chrome.action.getBadgeText({}));
const buttonTitle = (sw: Worker) =>
  sw.evaluate(() => (globalThis as unknown as { chrome: { action: { getTitle(d: object): Promise<string> } } }).chrome.action.getTitle({}));

/** Moves the key's confirmation and last check `days` into the past (the worker's own database). */
async function ageKey(sw: Worker, days: number): Promise<void> {
  await sw.evaluate(async (ms) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('chatseal');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const store = db.transaction('keys', 'readwrite').objectStore('keys');
    const record = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const r = store.get('current');
      r.onsuccess = () => resolve(r.result as Record<string, unknown>);
      r.onerror = () => reject(r.error);
    });
    const past = new Date(Date.now() - ms).toISOString();
    await new Promise<void>((resolve, reject) => {
      const r = store.put({ ...record, confirmedAt: past, lastCheckedAt: past });
      r.onsuccess = () => resolve();
      r.onerror = () => reject(r.error);
    });
    db.close();
  }, days * 86_400_000);
}

test('a due check shows "!" on the toolbar and a popup banner that leads to "Check my key"; checking clears it', async ({ ext, downloads }) => {
  const options = await OptionsPage.open(ext);
  const setup = await options.setUpKey(downloads, 'classic');
  await options.finish();
  const sw = await ext.currentWorker();
  expect(await badge(sw)).toBe('');

  await ageKey(sw, 15);
  // Turning the reminder off and on again: the worker recomputes on each settings change.
  const reminder = options.page.getByRole('checkbox', { name: 'Remind me every two weeks to check my key' });
  await reminder.uncheck();
  await expect(options.page.getByRole('status').filter({ hasText: /^Saved\.$/ })).toBeVisible();
  await reminder.check();
  await expect.poll(() => badge(sw)).toBe('!');
  expect(await buttonTitle(sw)).toBe('ChatSeal: time to check your 64-digit key');
  await expect(options.page.getByTestId('reminder-banner')).toBeVisible();

  const popup = await ext.openPage('popup.html');
  const banner = popup.getByTestId('popup-reminder');
  await expect(banner).toContainText('Time to check your 64-digit key');
  const opened = ext.context.waitForEvent('page', { predicate: (p) => p.url().includes('/options.html') });
  await banner.getByRole('button', { name: 'Check my key' }).click();
  const check = await opened;
  expect(new URL(check.url()).hash).toBe('#check');
  const field = check.getByRole('form', { name: 'Check my key' }).getByLabel('Your 64-digit key');
  await expect(field).toBeFocused();
  await check.keyboard.type(setup.groups.join(' '));
  await check.keyboard.press('Tab');
  await check.getByRole('form', { name: 'Check my key' }).getByRole('button', { name: 'Check' }).click();
  await expect(check.getByRole('status').filter({ hasText: /^That is your key\./ })).toBeVisible({ timeout: 30_000 });

  await expect.poll(() => badge(sw)).toBe('');
  expect(await buttonTitle(sw)).toBe('ChatSeal');
  const again = await ext.openPage('popup.html');
  await expect(again.getByTestId('popup-key-status')).toBeVisible();
  await expect(again.getByTestId('popup-reminder')).toHaveCount(0);
});
