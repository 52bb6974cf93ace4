// Catches files the extension saves. Chromium 156 raises no Playwright `download` event for
// downloads started by the extension (downloads.download), and a download started from the service
// worker raises no CDP events either, so three sources are watched: CDP Browser.downloadProgress,
// Playwright's `download` event (an <a download> click on a page), and the folder itself.
// The saved name may differ from the one the extension asked for (Chromium may name it after the
// blob URL), so callers identify files by order and content, not by name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, CDPSession, Download, Page } from '@playwright/test';

export interface SavedFile {
  path: string;
  /** The name Chromium suggested (from the extension or the page), when known. */
  suggestedName?: string;
  bytes: Buffer;
}

interface Pending {
  resolve(file: SavedFile): void;
  reject(err: Error): void;
}

export class DownloadCatcher {
  readonly dir: string;
  private readonly seen = new Set<string>();
  private readonly ready: SavedFile[] = [];
  private readonly waiting: Pending[] = [];
  private readonly suggested = new Map<string, string>(); // guid -> suggested name
  private timer: NodeJS.Timeout | undefined;
  private readonly stable = new Map<string, { size: number; polls: number }>();

  private constructor(
    private readonly cdp: CDPSession,
    dir: string,
  ) {
    this.dir = dir;
  }

  static async attach(context: BrowserContext): Promise<DownloadCatcher> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-e2e-downloads-'));
    const browser = context.browser();
    if (!browser) throw new Error('DownloadCatcher needs the Browser behind the context');
    const cdp = await browser.newBrowserCDPSession();
    const catcher = new DownloadCatcher(cdp, dir);
    cdp.on('Browser.downloadWillBegin', (e) => catcher.suggested.set(e.guid, e.suggestedFilename));
    cdp.on('Browser.downloadProgress', (e) => {
      if (e.state === 'completed' && e.filePath) catcher.offer(e.filePath, catcher.suggested.get(e.guid));
    });
    // No browserContextId: the persistent context is the browser's default context.
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
    const watchPage = (page: Page) => page.on('download', (d) => void catcher.onPlaywrightDownload(d));
    context.pages().forEach(watchPage);
    context.on('page', watchPage);
    catcher.timer = setInterval(() => catcher.poll(), 200);
    return catcher;
  }

  /** Waits for the next completed download not returned before. */
  next(timeoutMs = 30_000): Promise<SavedFile> {
    const file = this.ready.shift();
    if (file) return Promise.resolve(file);
    return new Promise<SavedFile>((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      const t = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(pending), 1);
        reject(new Error(`no download completed within ${timeoutMs} ms (watching ${this.dir})`));
      }, timeoutMs);
      pending.resolve = (f) => {
        clearTimeout(t);
        resolve(f);
      };
      this.waiting.push(pending);
    });
  }

  /** Runs `action` and returns the one file it saves. */
  async expectDownload(action: () => Promise<unknown>, timeoutMs = 30_000): Promise<SavedFile> {
    if (this.ready.length) {
      throw new Error(`unclaimed downloads before the action: ${this.ready.map((f) => f.path).join(', ')}`);
    }
    const file = this.next(timeoutMs);
    await action();
    return file;
  }

  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const p of this.waiting.splice(0)) p.reject(new Error('download catcher disposed'));
    await this.cdp.detach().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async onPlaywrightDownload(d: Download): Promise<void> {
    // With our download behaviour the file lands in this.dir and is picked up there; if a future
    // Playwright keeps it in its own artifacts folder instead, copy it over.
    const p = await d.path().catch(() => null);
    if (p && !p.startsWith(this.dir) && fs.existsSync(p)) {
      const target = path.join(this.dir, `pw-${this.seen.size}-${path.basename(d.suggestedFilename())}`);
      fs.copyFileSync(p, target);
      this.offer(target, d.suggestedFilename());
    }
  }

  // Files that appear without events (downloads started in the service worker): accept a file
  // once Chromium has renamed it from its .crdownload name and its size has held for two polls
  // (CDP's completion event, when there is one, normally comes first and carries the name).
  private poll(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.endsWith('.crdownload')) continue;
      const full = path.join(this.dir, name);
      if (this.seen.has(full)) continue;
      if (names.includes(`${name}.crdownload`)) continue;
      const size = fs.statSync(full).size;
      const prev = this.stable.get(full);
      const polls = prev && prev.size === size ? prev.polls + 1 : 0;
      if (polls >= 2) this.offer(full, undefined);
      else this.stable.set(full, { size, polls });
    }
  }

  private offer(filePath: string, suggestedName: string | undefined): void {
    if (this.seen.has(filePath)) return;
    this.seen.add(filePath);
    const file: SavedFile = { path: filePath, suggestedName, bytes: fs.readFileSync(filePath) };
    const w = this.waiting.shift();
    if (w) w.resolve(file);
    else this.ready.push(file);
  }
}
