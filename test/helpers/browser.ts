// Launches Debian's Chromium with the PRODUCTION extension build loaded, the way a user would run
// it unpacked. There is no test-only build: tests drive the real UI and read state from the real
// service worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const EXTENSION_DIR = path.resolve(
  process.env.CHATSEAL_EXTENSION_DIR ?? path.join(REPO_ROOT, '.output', 'chrome-mv3'),
);
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Fixed zone and language so that dates and the day/month order fallback are the same on every
// machine. Node-side tools the tests run (the CLI) get the same environment.
export const TEST_TZ = 'Europe/Berlin';
export const TEST_LANG = 'en-US';
export const testEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  TZ: TEST_TZ,
  LANG: 'en_US.UTF-8',
  LANGUAGE: 'en_US',
  LC_ALL: 'en_US.UTF-8',
});

export interface ExtensionSession {
  context: BrowserContext;
  /** The extension's background service worker (MV3). */
  sw: Worker;
  extensionId: string;
  /** chrome-extension://<id> */
  origin: string;
  userDataDir: string;
  /** Opens an extension page (e.g. 'options.html') in a new tab. */
  openPage(file: string): Promise<Page>;
  /** Returns the current service worker, waiting for a new one if the old one stopped. */
  currentWorker(): Promise<Worker>;
  close(): Promise<void>;
}

export function assertBuildPresent(): void {
  const manifest = path.join(EXTENSION_DIR, 'manifest.json');
  if (!fs.existsSync(manifest)) {
    throw new Error(`No extension build at ${EXTENSION_DIR}: run \`npm run build\` first.`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=/path).`);
  }
}

export function extensionManifest(): { background?: { service_worker?: string }; [k: string]: unknown } {
  return JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
}

export interface LaunchOptions {
  /**
   * Real hostnames answered by local TLS servers: `{ 'web.whatsapp.com': 8443 }` maps the host to
   * 127.0.0.1:8443 (Chromium's host resolver rules); the servers use tools/tls (self-signed), so
   * certificate errors are ignored for the whole browser.
   */
  hostMap?: Record<string, number>;
  /** Reopen an existing profile (a browser restart); by default a fresh temporary one. */
  userDataDir?: string;
  /** Leave the profile on disk at close(), to reopen it with `userDataDir`. */
  keepProfile?: boolean;
  /** More Chromium flags (the capture bench adds `--remote-debugging-port=0` to reach the worker). */
  extraArgs?: string[];
  /** false: a visible window (`npm run demo` with a display); tests always run headless. */
  headless?: boolean;
}

/** Chromium arguments for a host map (see LaunchOptions.hostMap). */
export function hostMapArgs(hostMap: Record<string, number> | undefined): string[] {
  const entries = Object.entries(hostMap ?? {});
  if (entries.length === 0) return [];
  const rules = entries.map(([host, port]) => `MAP ${host} 127.0.0.1:${port}`).join(', ');
  return [`--host-resolver-rules=${rules}`, '--ignore-certificate-errors'];
}

/** A profile (fresh, unless `options.userDataDir` reopens one) with the extension installed. */
export async function launchExtension(options: LaunchOptions = {}): Promise<ExtensionSession> {
  assertBuildPresent();
  const reopened = options.userDataDir !== undefined;
  const userDataDir = options.userDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-e2e-profile-'));
  const removeProfile = () => {
    if (!options.keepProfile && !reopened) fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    env: testEnv(),
    locale: TEST_LANG,
    timezoneId: TEST_TZ,
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--lang=${TEST_LANG}`,
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      ...hostMapArgs(options.hostMap),
      ...(options.extraArgs ?? []),
    ],
  });
  try {
    const isOurs = (w: Worker) => w.url().startsWith('chrome-extension://');
    const first = async (): Promise<Worker> =>
      context.serviceWorkers().find(isOurs) ??
      (await context.waitForEvent('serviceworker', { predicate: isOurs, timeout: 30_000 }));
    const sw = await first();
    const extensionId = new URL(sw.url()).host;
    const origin = `chrome-extension://${extensionId}`;
    // The extension opens its options page on install. Until that tab exists, a tab the test
    // opens may be taken over by it ("navigation interrupted"), so let the install settle first.
    // If no such tab ever comes, the smoke test says so; here the wait simply ends.
    const isInstallPage = (p: Page) => p.url().startsWith(`${origin}/options.html`);
    // A reopened profile is not a new install: no options tab comes.
    for (let waited = 0; !reopened && waited < 10_000 && !context.pages().some(isInstallPage); waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await context.pages().find(isInstallPage)?.waitForLoadState().catch(() => undefined);
    return {
      context,
      sw,
      extensionId,
      origin,
      userDataDir,
      async openPage(file) {
        const page = await context.newPage();
        await page.goto(`${origin}/${file.replace(/^\//, '')}`);
        return page;
      },
      async currentWorker() {
        const live = context.serviceWorkers().filter((w) => w.url().startsWith(origin));
        return live.at(-1) ?? (await first());
      },
      async close() {
        await context.close().catch(() => undefined);
        removeProfile();
      },
    };
  } catch (err) {
    await context.close().catch(() => undefined);
    removeProfile();
    throw err;
  }
}
