// Capture end-to-end harness: the site fixtures served at their real hostnames (one local TLS
// server for the whole Playwright worker) and every profile's Chromium resolving those hosts to it.
// The steps themselves are in capture-steps.ts. See test/fixtures/sites/README.md for the knobs.
import { startFixtureServer, type FixtureServer, type FixtureSite } from '../fixtures/sites/server.mjs';
import { DEVTOOLS_PORT_ARG } from './capture-steps';
import { test as base, expect } from './fixtures';

export * from './capture-steps';

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
    await use({ hostMap: sites.hostMap, extraArgs: [DEVTOOLS_PORT_ARG] });
  },
});
export { expect };
