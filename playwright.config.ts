// End-to-end tests: Debian's Chromium with the production build (.output/chrome-mv3) loaded.
// Build first (`npm run build`); `npm test` does everything in order. See docs/TESTING.md.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  // One Chromium at a time: CI has two cores, and scrypt and the crypto want one of them.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  outputDir: 'test-results',
  reporter: [['list'], ['json', { outputFile: '.reports/playwright.json' }]],
  use: { actionTimeout: 15_000 },
});
