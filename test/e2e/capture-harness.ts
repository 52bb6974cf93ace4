// Capture end-to-end harness: the site fixtures served at their real hostnames (one local TLS
// server for the whole Playwright worker), a profile whose Chromium resolves those hosts to it,
// and steps the site specs share. See test/fixtures/sites/README.md for the fixture knobs.
import type { Page } from '@playwright/test';
import { startFixtureServer, type FixtureServer, type FixtureSite } from '../fixtures/sites/server.mjs';
import type { FixtureControls, FixtureStats } from '../fixtures/sites/shared/controls.mjs';
import { test as base, expect } from './fixtures';

export const SITE_URL: Record<FixtureSite, string> = {
  whatsapp: 'https://web.whatsapp.com/',
  'telegram-k': 'https://web.telegram.org/k/',
  'telegram-a': 'https://web.telegram.org/a/',
  discord: 'https://discord.com/channels/1154715233001148476/1154715233001148479',
};

interface CaptureWorkerFixtures {
  /** The fixture server (every fixture host -> one port). Override `siteFolders` to swap a folder in. */
  sites: FixtureServer;
  siteFolders: Partial<Record<FixtureSite, string>>;
}

export const test = base.extend<object, CaptureWorkerFixtures>({
  siteFolders: [{}, { option: true, scope: 'worker' }],
  sites: [
    async ({ siteFolders }, use) => {
      const server = await startFixtureServer({ folders: siteFolders });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  extLaunch: async ({ sites }, use) => {
    await use({ hostMap: sites.hostMap });
  },
});
export { expect };

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
