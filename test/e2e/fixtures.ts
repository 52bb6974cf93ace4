// Playwright fixtures: every test gets a fresh Chromium profile with the production extension,
// a download catcher, and a temporary folder. Specs stay independent of each other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { launchExtension, type ExtensionSession, type LaunchOptions } from '../helpers/browser';
import { DownloadCatcher } from '../helpers/downloads';

interface Fixtures {
  /** How `ext` and `newProfile` launch (an option: specs that serve sites at real hostnames set hostMap). */
  extLaunch: LaunchOptions;
  /** A fresh profile with the extension installed. */
  ext: ExtensionSession;
  /** Files the extension saves in `ext`'s profile. */
  downloads: DownloadCatcher;
  /** Opens a further fresh profile (e.g. "a second browser"); closed after the test. */
  newProfile: () => Promise<ExtensionSession>;
  /** A temporary folder, removed after the test. */
  tmp: string;
}

async function recordFailure(session: ExtensionSession, name: string, testInfo: import('@playwright/test').TestInfo) {
  const pages: Page[] = session.context.pages();
  for (const [i, page] of pages.entries()) {
    const shot = await page.screenshot({ fullPage: true }).catch(() => null);
    if (shot) await testInfo.attach(`${name}-page${i}.png`, { body: shot, contentType: 'image/png' });
    await testInfo.attach(`${name}-page${i}.url`, { body: page.url(), contentType: 'text/plain' });
  }
}

function watchErrors(session: ExtensionSession, log: string[]) {
  const watch = (page: Page) => {
    page.on('pageerror', (e) => log.push(`[pageerror ${page.url()}] ${e.stack ?? e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') log.push(`[console.${m.type()} ${page.url()}] ${m.text()}`);
    });
  };
  session.context.pages().forEach(watch);
  session.context.on('page', watch);
  session.sw.on('console', (m) => log.push(`[worker console.${m.type()}] ${m.text()}`));
}

export const test = base.extend<Fixtures>({
  extLaunch: [{}, { option: true }],
  ext: async ({ extLaunch }, use, testInfo) => {
    const session = await launchExtension(extLaunch);
    const log: string[] = [];
    watchErrors(session, log);
    await use(session);
    if (testInfo.status !== testInfo.expectedStatus) {
      await recordFailure(session, 'profile', testInfo);
      if (log.length) await testInfo.attach('browser-log.txt', { body: log.join('\n'), contentType: 'text/plain' });
    }
    await session.close();
  },
  downloads: async ({ ext }, use) => {
    const catcher = await DownloadCatcher.attach(ext.context);
    await use(catcher);
    await catcher.dispose();
  },
  newProfile: async ({ extLaunch }, use, testInfo) => {
    const opened: ExtensionSession[] = [];
    await use(async () => {
      const s = await launchExtension({ hostMap: extLaunch.hostMap });
      opened.push(s);
      return s;
    });
    for (const [i, s] of opened.entries()) {
      if (testInfo.status !== testInfo.expectedStatus) await recordFailure(s, `profile${i + 2}`, testInfo);
      await s.close();
    }
  },
  // eslint-disable-next-line no-empty-pattern
  tmp: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-e2e-'));
    await use(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  },
});

export { expect };
