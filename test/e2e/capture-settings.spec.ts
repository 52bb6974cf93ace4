// The options page's Capture section reaches a real capture: "Only messages since a date" stops
// the capture at that day (user-stopped, a history-range warning, never reachedStart; the overlay
// says it stopped at the date you chose) and "Capture images" off keeps every picture out of the
// backup. Telegram Web K's fixture: its rows carry unix times, so the day of each is unambiguous.
import type { Page } from '@playwright/test';
import type { Message } from '../../src/export/types';
import { expect, exportChat, fixtureUrl, groundTruth, openFixture, overlay, setUpTestKey, test, words } from './capture-harness';
import { OptionsPage } from './pages/options';

/** The calendar day of a ground-truth timestamp in the browser's zone (tests run in Europe/Berlin). */
function dayOf(m: Message): string {
  const v = m.timestamp.value;
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(v)) return v.slice(0, 10);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(v));
}

async function chooseCaptureSettings(options: Page, since: string): Promise<void> {
  const section = options.getByRole('region', { name: 'Capture' });
  const images = section.getByRole('checkbox', { name: 'Capture images' });
  await expect(images).toBeChecked();
  await images.uncheck();
  await expect(section.getByText('Saved.')).toBeVisible();
  const range = section.getByRole('group', { name: 'History range' });
  await range.getByRole('radio', { name: 'Only messages since a date' }).check();
  await range.getByLabel('First day').fill(since);
  await expect(range.getByRole('status')).toHaveText('Saved.');
}

test('History range and Capture images from the options page shape the capture', async ({ ext, downloads, tmp }) => {
  const key = await setUpTestKey(ext);
  const url = fixtureUrl('telegram-k', { total: 600 });

  // The day to start from: that of the message 40% of the way into the chat.
  const look = await ext.context.newPage();
  await openFixture(look, url);
  const truth = await groundTruth<Message>(look);
  await look.close();
  const since = dayOf(truth[Math.floor(truth.length * 0.4)]!);
  const wanted = truth.filter((m) => dayOf(m) >= since).map((m) => m.key);
  expect(wanted.length).toBeLessThan(truth.length);

  const options = await OptionsPage.open(ext);
  await chooseCaptureSettings(options.page, since);
  await options.page.close();

  const run = await exportChat(ext, downloads, key, url, tmp);
  expect(run.end.end).toBe('saved');
  await expect(overlay(run.page).status).toHaveText(words('captureStoppedAtRange'));
  await expect(overlay(run.page).panel).not.toContainText(words('captureIncompleteNote'));

  const doc = run.doc!;
  expect(doc.capture).toMatchObject({ stopReason: 'user-stopped', reachedStart: false });
  expect(doc.capture.warnings.map((w) => w.code)).toContain('history-range');
  // Every message since the chosen day, in order; older ones at most from the batch that crossed it.
  const keys = doc.messages.map((m) => m.key);
  expect(keys.slice(keys.length - wanted.length)).toEqual(wanted);
  expect(keys.length).toBeLessThan(truth.length);

  // Images off: attachments are listed, none carries bytes.
  const attachments = doc.messages.flatMap((m) => m.attachments ?? []);
  expect(attachments.length).toBeGreaterThan(0);
  expect(attachments.filter((a) => a.status === 'captured')).toEqual([]);
  expect(attachments.filter((a) => a.path !== undefined)).toEqual([]);
});
