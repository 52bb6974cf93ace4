// Telegram Web K and A end to end (issue 3, Done when 1 and 3): the production build captures the
// fixture chat served at https://web.telegram.org/k/ and /a/, the CLI decrypts the backup, and its
// messages equal the fixture's ground truth exactly, with far rows really removed while capturing.
// Then, one anchor at a time, the page renames an anchor: the capture either reads the chat through
// the anchor's older form (and still equals the ground truth) or stops as a changed page; it never
// saves a backup marked complete that differs.
import type { Page } from '@playwright/test';
import { TELEGRAM_A_ANCHORS } from '../../src/capture/sites/telegram-a';
import { TELEGRAM_K_ANCHORS } from '../../src/capture/sites/telegram-k';
import type { Anchor } from '../../src/capture/adapter';
import type { ChatExport } from '../../src/export/types';
import { expect, expectGroundTruth, exportChat, fixtureUrl, setUpTestKey, test } from './capture-harness';

type TelegramSite = 'telegram-k' | 'telegram-a';

const SITES: { site: TelegramSite; anchors: readonly Anchor[]; stops: readonly string[] }[] = [
  // Anchors without an older form that every message needs: renaming them must stop the capture.
  { site: 'telegram-k', anchors: TELEGRAM_K_ANCHORS, stops: ['message-row', 'timestamp', 'direction'] },
  { site: 'telegram-a', anchors: TELEGRAM_A_ANCHORS, stops: ['message-row', 'day-separator', 'message-time'] },
];

function conversationOf(page: Page): Promise<ChatExport['conversation']> {
  return page.evaluate(() => (globalThis as unknown as { __chatsealFixture: { conversation(): ChatExport['conversation'] } }).__chatsealFixture.conversation());
}

for (const { site } of SITES) {
  test.describe(site, () => {
    test('a 3,000-message chat: the backup decrypts to exactly the ground truth, complete, with far rows removed', async ({ ext, downloads, tmp }) => {
      test.setTimeout(900_000);
      const key = await setUpTestKey(ext);
      const run = await exportChat(ext, downloads, key, fixtureUrl(site, { total: 3000, latency: 150 }), tmp);
      expect(run.end.end, run.end.text).toBe('saved');
      const doc = run.doc!;
      expectGroundTruth(doc.messages, run.truth);
      expect(doc.source.site).toBe(site);
      expect(doc.capture).toMatchObject({ reachedStart: true, stopReason: 'reached-start', timeZone: 'Europe/Berlin' });
      expect(doc.capture.timestampsAreLocal).toBe(site === 'telegram-a');
      expect(doc.conversation).toEqual(await conversationOf(run.page));
      // Windowing really happened: the page never held more than 100 message rows, and removed
      // nearly all of them on the way up.
      expect(run.stats.total).toBeGreaterThanOrEqual(3000);
      expect(run.stats.maxMounted).toBeLessThanOrEqual(100);
      expect(run.stats.removed).toBeGreaterThan(2800);
      expect(run.stats.revoked).toBeGreaterThan(0);
      test.info().annotations.push({ type: 'capture', description: `${site}: 3000 messages in ${run.ms} ms (${run.stats.batches} batches)` });
    });

    test('late content and a private chat: rows filled in after they mount are read once filled', async ({ ext, downloads, tmp }) => {
      test.setTimeout(600_000);
      const key = await setUpTestKey(ext);
      const run = await exportChat(ext, downloads, key, fixtureUrl(site, { total: 400, latency: 100, hydrateDelay: 300, chat: 'private', seed: 7 }), tmp);
      expect(run.end.end, run.end.text).toBe('saved');
      expectGroundTruth(run.doc!.messages, run.truth);
      expect(run.doc!.capture.reachedStart).toBe(true);
      expect(run.doc!.conversation).toMatchObject({ isGroup: false });
      expect(run.stats.removed).toBeGreaterThan(0);
    });
  });
}
