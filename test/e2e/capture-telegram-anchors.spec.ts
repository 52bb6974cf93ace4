// Telegram Web K and A anchor renames end to end (issue 3, Done when 3): the production build captures the
// fixture chat served at https://web.telegram.org/k/ and /a/, the CLI decrypts the backup, and its
// messages equal the fixture's ground truth exactly, with far rows really removed while capturing.
// Then, one anchor at a time, the page renames an anchor: the capture either reads the chat through
// the anchor's older form (and still equals the ground truth) or stops as a changed page; it never
// saves a backup marked complete that differs.
import { TELEGRAM_A_ANCHORS } from '../../src/capture/sites/telegram-a';
import { TELEGRAM_K_ANCHORS } from '../../src/capture/sites/telegram-k';
import type { Anchor } from '../../src/capture/adapter';
import { expect, expectGroundTruth, exportChat, fixtureUrl, setUpTestKey, test, truthSuffix } from './capture-harness';

type TelegramSite = 'telegram-k' | 'telegram-a';

const SITES: { site: TelegramSite; anchors: readonly Anchor[]; stops: readonly string[] }[] = [
  // Anchors without an older form that every message needs: renaming them must stop the capture.
  { site: 'telegram-k', anchors: TELEGRAM_K_ANCHORS, stops: ['message-row', 'timestamp', 'direction'] },
  { site: 'telegram-a', anchors: TELEGRAM_A_ANCHORS, stops: ['message-row', 'day-separator', 'message-time'] },
];


// One test (and one fresh profile) per anchor, so a failure names its anchor.
for (const { site, anchors, stops } of SITES) {
  test.describe(`${site} anchor renames`, () => {
    for (const anchor of anchors) {
      const stopsHere = stops.includes(anchor.name);
      test(`${anchor.name}: ${stopsHere ? 'no older form, the capture stops as "page changed"' : 'the older form still gives the ground truth'}`, async ({ ext, downloads, tmp }) => {
        test.setTimeout(180_000);
        const key = await setUpTestKey(ext);
        const run = await exportChat(ext, downloads, key, fixtureUrl(site, { total: 150, latency: 60, rename: anchor.name }), tmp);
        const label = `${site} rename=${anchor.name}: ${run.end.text}`;
        if (!stopsHere) {
          expect(run.end.end, label).toBe('saved');
          expect(run.doc!.capture.reachedStart, label).toBe(true);
          expectGroundTruth(run.doc!.messages, run.truth);
          return;
        }
        // Never a complete backup. A backup of what was read may be kept, marked as stopped by
        // an error with the page-changed warning, and then it holds exactly the newest messages
        // read before the change showed: nothing invented, nothing altered.
        if (run.end.end !== 'saved') {
          expect(run.end.end, label).toBe('failed');
          return;
        }
        const doc = run.doc!;
        expect(doc.capture.reachedStart, label).toBe(false);
        expect(doc.capture.stopReason, label).toBe('error');
        expect(doc.capture.warnings.map((w) => w.code), label).toContain('page-changed');
        expect(doc.messages.length, label).toBeLessThan(run.truth.length);
        expectGroundTruth(doc.messages, truthSuffix(run.truth, doc.messages.length));
      });
    }
  });
}
