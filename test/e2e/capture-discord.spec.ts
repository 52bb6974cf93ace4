// Discord capture end to end (issue 3, Done when 1 and 3): the production build in Chromium, the
// Discord fixture served at https://discord.com/channels/…, a user pressing Encrypted export; the
// backup the outbox holds is decrypted by the CLI and compared with the fixture's ground truth.
// The fixture removes far rows (at most `window` mounted), loads 50 older messages per fetch after
// `latency`, fills images in late and revokes their blob: URLs on unmount.
import type { Page } from '@playwright/test';
import type { Message } from '../../src/export/types';
import { DISCORD_ANCHORS } from '../../src/capture/sites/discord-anchors';
import { expect, expectGroundTruth, expectNothingInvented, exportChat, fixtureUrl, setUpTestKey, test, type ExportRun } from './capture-harness';

/**
 * Notes in the page (main world) when the list mounts its first message. The end state cannot
 * tell: after reaching the start the engine scrolls back to where the user was, and the fixture
 * then removes the oldest rows again.
 */
async function watchForStart(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { __sawStart?: boolean; __chatsealFixture: { list: { on(name: 'batch', fn: (d: { lo: number }) => void): void } } };
    g.__chatsealFixture.list.on('batch', ({ lo }) => {
      if (lo === 0) g.__sawStart = true;
    });
  });
}

/** A finished capture that must equal the ground truth, read to the start, with rows removed on the way. */
async function expectComplete(run: ExportRun, window: number): Promise<void> {
  expect(run.end.end, run.end.text).toBe('saved');
  const doc = run.doc!;
  expect(doc.source.site).toBe('discord');
  expect(doc.capture, JSON.stringify(doc.capture.warnings)).toMatchObject({ reachedStart: true, stopReason: 'reached-start', timestampsAreLocal: false });
  expect(doc.capture.warnings.map((w) => w.code)).not.toContain('page-changed');
  expectGroundTruth(doc.messages, run.truth);
  // Windowing really happened: far rows were removed. (A message arriving at the bottom is
  // mounted a moment before the oldest row goes.)
  expect(run.stats.maxMounted).toBeLessThanOrEqual(window + run.stats.mutations);
  expect(run.stats.removed).toBeGreaterThan(run.truth.length - window);
  // The page itself loaded the chat's first message (watchForStart), not stopped short and called complete.
  expect(await run.page.evaluate(() => (globalThis as { __sawStart?: boolean }).__sawStart === true), 'the list reached its first message').toBe(true);
}

for (const [display, classStyle] of [
  ['cozy', '2024'],
  ['compact', '2023'],
] as const) {
  test(`a 3,000-message channel, ${display} (${classStyle} class names): the backup is the ground truth, complete`, async ({ ext, downloads, tmp }) => {
    test.setTimeout(600_000);
    const key = await setUpTestKey(ext);
    // hydrateDelay: each new row shows first without its image (content that fills in late).
    const url = fixtureUrl('discord', { total: 3000, display, classStyle, latency: 150, hydrateDelay: 60, window: 100 });
    const run = await exportChat(ext, downloads, key, url, tmp, watchForStart);
    await expectComplete(run, 100);
    expect(run.stats.revoked).toBeGreaterThan(0);
    const doc = run.doc!;
    const conversation = await run.page.evaluate(() => (globalThis as unknown as { __chatsealFixture: { conversation(): unknown } }).__chatsealFixture.conversation());
    expect(doc.conversation).toEqual(conversation);
    const images = doc.messages.flatMap((m: Message) => m.attachments ?? []).filter((a) => a.mediaType === 'image');
    expect(images.length).toBeGreaterThan(100);
    expect(images.every((a) => a.status === 'captured')).toBe(true);
    if (display === 'cozy') expect(doc.messages.filter((m) => m.direction === 'out').length).toBeGreaterThan(100);
    else expect(doc.messages.every((m) => m.direction === 'unknown' || m.direction === 'system')).toBe(true);
  });
}

test('a direct message where new messages arrive during the capture: each once, at the end', async ({ ext, downloads, tmp }) => {
  test.setTimeout(300_000);
  const key = await setUpTestKey(ext);
  const url = fixtureUrl('discord', { total: 400, mutate: 3, latency: 120 }).replace('/channels/1154715233001148476/', '/channels/@me/');
  const run = await exportChat(ext, downloads, key, url, tmp, watchForStart);
  expect(run.stats.mutations).toBe(3);
  await expectComplete(run, 100);
  expect(run.doc!.conversation).toMatchObject({ title: 'Alice' });
  expect(run.doc!.messages.slice(-3).map((m) => m.text)).toEqual([1, 2, 3].map((n) => `arrived during the capture ${n}`));
});

// Done when 3: each anchor of docs/SITES.md renamed in turn. Seed 22 of 100 messages holds every
// kind an anchor belongs to (the fixture's unit test checks it).
test.describe('anchor renames', () => {
  for (const anchor of DISCORD_ANCHORS.map((a) => a.name)) {
    test(anchor, async ({ ext, downloads, tmp }) => {
      test.setTimeout(180_000);
      const key = await setUpTestKey(ext);
      const run = await exportChat(ext, downloads, key, fixtureUrl('discord', { total: 100, seed: 22, latency: 80, window: 60, batch: 30, initial: 30, rename: anchor }), tmp, watchForStart);
      if (anchor === 'message-content') {
        // A reply names the replied message only by this id; without it the capture stops and says so.
        expect(run.end.end, run.end.text).toBe('saved');
        const capture = run.doc!.capture;
        expect(capture).toMatchObject({ reachedStart: false, stopReason: 'error' });
        expect(capture.warnings.map((w) => w.code)).toContain('page-changed');
        // What it did keep is the ground truth's, never something else.
        expectNothingInvented(run.doc!.messages, run.truth);
        return;
      }
      await expectComplete(run, 60);
    });
  }
});
