// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PortLike } from '../../src/capture/channel';
import { CaptureController, whyStopped, type ControllerDeps } from '../../src/capture/controller';
import type { PageToWorkerPort, WorkerToPagePort } from '../../src/capture/protocol';
import type { CaptureStatus } from '../../src/messaging/protocol';
import { browser } from 'wxt/browser';
import { fakeAdapter, FakeList } from './fake-list';
import fs from 'node:fs';
import path from 'node:path';
import type { SiteAdapter } from '../../src/capture/adapter';
import { telegramA } from '../../src/capture/sites/telegram-a';
import { telegramK } from '../../src/capture/sites/telegram-k';
import { whatsapp } from '../../src/capture/sites/whatsapp';
import { generate } from '../fixtures/sites/whatsapp/generate.mjs';
import { renderItem, shellHtml } from '../fixtures/sites/whatsapp/render.mjs';

const FAST = { minBatchTimeoutMs: 150, maxBatchTimeoutMs: 400, pollMs: 15, settleMs: 30, pendingWaitMs: 300, chatGoneGraceMs: 60, restoreMs: 5000 };

let list: FakeList | null = null;
afterEach(() => {
  list?.dispose();
  list = null;
  document.body.replaceChildren();
});

/** The worker's end of the capture port, as far as the page can tell: ready, acks, saved. */
class FakeWorkerPort implements PortLike {
  readonly received: PageToWorkerPort[] = [];
  private readonly listeners: ((m: unknown) => void)[] = [];
  private readonly gone: (() => void)[] = [];
  disconnected = false;
  /** The worker's answer to 'end' (saved and complete when the capture reached the start, unless set). */
  endAnswer: ((end: Extract<PageToWorkerPort, { t: 'end' }>) => WorkerToPagePort) | null = null;
  onMessage = { addListener: (fn: (m: unknown) => void) => void this.listeners.push(fn) };
  onDisconnect = { addListener: (fn: () => void) => void this.gone.push(fn) };
  postMessage(message: unknown): void {
    const m = JSON.parse(JSON.stringify(message)) as PageToWorkerPort;
    this.received.push(m);
    if (m.t === 'begin') this.answer({ t: 'ready' });
    else if (m.t === 'end') {
      this.answer({ t: 'ack', seq: m.seq });
      this.answer(this.endAnswer?.(m) ?? { t: 'saved', size: 2048, messageCount: 3, complete: m.reachedStart, destination: 'waiting-for-drive' });
    } else if (m.t !== 'cancel' && m.t !== 'ping') this.answer({ t: 'ack', seq: m.seq });
  }
  disconnect(): void {
    this.disconnected = true;
  }
  /** The extension went away (reloaded or updated) under the page. */
  drop(): void {
    for (const fn of this.gone) fn();
  }
  private answer(m: WorkerToPagePort): void {
    setTimeout(() => this.listeners.forEach((l) => l(m)), 0);
  }
}

const overlayRoot = () => document.querySelector('[data-chatseal-overlay]')?.shadowRoot ?? null;
const overlayText = () => overlayRoot()?.querySelector('[role="status"]')?.textContent ?? '';
const overlayButtons = () => [...(overlayRoot()?.querySelectorAll('button') ?? [])].map((b) => b.textContent);
const press = (label: string) => [...overlayRoot()!.querySelectorAll('button')].find((b) => b.textContent === label)!.click();

function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('CaptureController', () => {
  const deps = (overrides: Partial<ControllerDeps> = {}): ControllerDeps => ({
    doc: document,
    adapter: () => fakeAdapter(() => list),
    connect: () => {
      throw new Error('no port in this test');
    },
    status: async (): Promise<CaptureStatus> => ({ keyReady: false, captureImages: true, historySince: null }),
    openOptions: vi.fn(async () => undefined),
    extensionAlive: () => true,
    reload: vi.fn(),
    url: () => 'https://web.whatsapp.com/',
    ...overrides,
  });

  it('opens the options page instead of capturing when no key is set up', async () => {
    list = new FakeList(document, { total: 10 });
    const d = deps();
    const controller = new CaptureController(d);
    expect(await controller.start()).toEqual({ started: false, reason: 'no-key' });
    expect(d.openOptions).toHaveBeenCalledTimes(1);
    expect(document.querySelector('[data-chatseal-overlay]')).toBeNull();
  });

  it('says the extension was reloaded instead of hanging', async () => {
    list = new FakeList(document, { total: 10 });
    const controller = new CaptureController(deps({ extensionAlive: () => false }));
    expect(await controller.start()).toEqual({ started: false, reason: 'extension-reloaded' });
    const overlay = document.querySelector('[data-chatseal-overlay]')!;
    expect(overlay.shadowRoot!.textContent).toContain('ChatSeal was updated or restarted');
    expect([...overlay.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Reload page', 'Close']);
  });

  it('reports counts only for "Check this chat"', () => {
    list = new FakeList(document, { total: 30, initial: 30, mode: 'hollow' });
    const report = new CaptureController(deps()).probe()!;
    expect(report).toMatchObject({ site: 'whatsapp', chatOpen: true, experimental: true, anchors: [{ name: 'message-id', required: true, form: 0, forms: 1 }] });
    expect(report.rows.mounted).toBe(30);
    expect(report.rows.messages + report.rows.pending).toBe(30);
    expect(report.timestamps).toEqual({ resolved: report.rows.messages, unresolved: 0 });
    expect(JSON.stringify(report)).not.toContain('message 1');
    expect(new CaptureController(deps()).status()).toEqual({ site: 'whatsapp', siteName: 'Fake', experimental: true, chatOpen: true, capturing: false });
  });

  it.each([
    ['WhatsApp, bare ids (rows without data-pre-plain-text are dated by their day chip)', 'whatsapp'],
    ['Telegram A (rows show only a time of day)', 'telegram-a'],
    ['Telegram K', 'telegram-k'],
  ] as const)('"Check this chat" counts timestamps as the capture resolves them: %s', (_, site) => {
    let adapter: SiteAdapter;
    if (site === 'whatsapp') {
      const data = generate({ seed: 'probe', total: 200, idFormat: 'bare', chat: 'group' });
      document.body.innerHTML = `<div id="app">${shellHtml(data)}</div>`;
      const blobUrl = () => `blob:https://web.whatsapp.com/${crypto.randomUUID()}`;
      document.getElementById('wa-list')!.append(...data.items.map((item) => renderItem(document, item, { late: false, blobUrl }, { locale: data.locale })));
      // The case the old count missed: rows the page gives no full date.
      expect(document.querySelectorAll('#wa-list [role="row"]:not(:has([data-pre-plain-text])) .message-in, #wa-list [role="row"]:not(:has([data-pre-plain-text])) .message-out').length).toBeGreaterThan(0);
      adapter = whatsapp;
    } else {
      const file = site === 'telegram-a' ? 'telegram-a/fragments/group-chat.html' : 'telegram-k/fragments/group-chat.html';
      document.body.innerHTML = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/sites', file), 'utf8');
      adapter = site === 'telegram-a' ? telegramA : telegramK;
    }
    const report = new CaptureController(deps({ adapter: () => adapter })).probe()!;
    expect(report.chatOpen).toBe(true);
    expect(report.rows.messages).toBeGreaterThan(3);
    expect(report.timestamps).toEqual({ resolved: report.rows.messages, unresolved: 0 });
  });

  it('says when no chat is open', async () => {
    expect(await new CaptureController(deps()).start()).toEqual({ started: false, reason: 'no-chat' });
  });

  it('captures with the chosen history range and says it stopped at the date the user chose', async () => {
    list = new FakeList(document, { total: 400 });
    const since = localDay(new Date(list.messages[200]!.unix * 1000));
    const port = new FakeWorkerPort();
    const controller = new CaptureController(
      deps({ status: async () => ({ keyReady: true, captureImages: true, historySince: since }), connect: () => port, timing: FAST }),
    );
    expect(await controller.start()).toEqual({ started: true });
    await vi.waitFor(() => expect(overlayText()).toContain('Stopped at the date you chose'), { timeout: 20_000 });
    const end = port.received.find((m) => m.t === 'end');
    expect(end).toMatchObject({ stopReason: 'user-stopped', reachedStart: false, problems: [{ code: 'history-range', since }] });
    const words = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(`${since}T12:00:00`));
    expect(overlayText()).toBe(`Stopped at the date you chose: the backup holds the messages since ${words}.`);
    // Not worded as a failure: the backup has what was asked for.
    expect(overlayRoot()!.textContent).not.toContain('marked incomplete');
    expect(overlayRoot()!.textContent).toContain('kept on this computer until Google Drive is connected');
    expect(controller.capturing).toBe(false);
  });

  it('all history (no range) runs to the start and is complete', async () => {
    list = new FakeList(document, { total: 120 });
    const port = new FakeWorkerPort();
    const controller = new CaptureController(
      deps({ status: async () => ({ keyReady: true, captureImages: true, historySince: null }), connect: () => port, timing: FAST }),
    );
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Backup encrypted/), { timeout: 20_000 });
    expect(port.received.find((m) => m.t === 'end')).toMatchObject({ stopReason: 'reached-start', reachedStart: true, problems: [] });
  });

  it('Cancel pressed while the worker is still answering cancels the capture once it starts: nothing kept', async () => {
    list = new FakeList(document, { total: 200 });
    const port = new FakeWorkerPort();
    let answer!: (s: CaptureStatus) => void;
    const controller = new CaptureController(
      deps({ status: () => new Promise<CaptureStatus>((r) => (answer = r)), connect: () => port, timing: FAST }),
    );
    const started = controller.start();
    await vi.waitFor(() => expect(overlayButtons()).toEqual(['Stop here', 'Cancel']));
    press('Cancel');
    answer({ keyReady: true, captureImages: true, historySince: null });
    expect(await started).toEqual({ started: true });
    await vi.waitFor(() => expect(overlayText()).toBe('Capture cancelled. Nothing was kept.'), { timeout: 20_000 });
    expect(port.received.map((m) => m.t)).not.toContain('end');
    expect(port.received.at(-1)).toEqual({ t: 'cancel' });
  });

  it('Cancel pressed on the way back (the engine scrolling back to the user) keeps nothing: end is never sent', async () => {
    list = new FakeList(document, { total: 120 });
    const port = new FakeWorkerPort();
    const controller = new CaptureController(
      deps({ status: async () => ({ keyReady: true, captureImages: true, historySince: null }), connect: () => port, timing: FAST }),
    );
    const inserted = () =>
      port.received.reduce((n, m) => n + (m.t === 'items' ? m.ops.reduce((k, op) => k + (op.op === 'insert' ? op.items.length : 0), 0) : 0), 0);
    let pressed = false;
    // Everything read and the list at its top: a scroll down now is the way back.
    list.scroller.addEventListener('scroll', () => {
      if (!pressed && inserted() >= 120 && list!.scrollTop > 0) {
        pressed = true;
        press('Cancel');
      }
    });
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toBe('Capture cancelled. Nothing was kept.'), { timeout: 20_000 });
    expect(pressed).toBe(true);
    expect(port.received.map((m) => m.t)).not.toContain('end');
    expect(port.received.at(-1)).toEqual({ t: 'cancel' });
    expect(controller.capturing).toBe(false);
  });

  it('a chat that closes while the worker answers the start: a clear failure, and the next start is not "busy"', async () => {
    list = new FakeList(document, { total: 40 });
    const base = fakeAdapter(() => list);
    let opens = 0;
    // The chat is there when the button is pressed, gone by the time the engine looks for it.
    const closing = { ...base, openChat: (doc: Document) => (++opens === 1 ? base.openChat(doc) : null) };
    const port = new FakeWorkerPort();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      let adapter = closing;
      const controller = new CaptureController(
        deps({ adapter: () => adapter, status: async () => ({ keyReady: true, captureImages: true, historySince: null }), connect: () => port, timing: FAST }),
      );
      expect(await controller.start()).toEqual({ started: false, reason: 'no-chat' });
      expect(controller.capturing).toBe(false);
      expect(overlayText()).toBe(
        'The backup could not be made: the chat closed before the capture could start. Open it and press Encrypted export again. Nothing was kept; your chat is unchanged.',
      );
      expect(overlayButtons()).toEqual(['Close']);
      expect(port.received).toEqual([]);
      adapter = base;
      expect(await controller.start()).toEqual({ started: true });
      await vi.waitFor(() => expect(overlayText()).toMatch(/^Backup encrypted/), { timeout: 20_000 });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it.each([
    ['too-large', 'this chat is larger than one backup can hold.'],
    ['invalid-export', 'what was read from the page did not form a valid backup.'],
    ['write-failed', 'it could not be written (the browser may be short of memory or space).'],
    ['bad-message', 'something went wrong while reading the page.'],
  ])('a backup the worker could not make (%s) is said in words, never as the raw code', async (code, words) => {
    list = new FakeList(document, { total: 40 });
    const port = new FakeWorkerPort();
    port.endAnswer = () => ({ t: 'failed', reason: code });
    const controller = new CaptureController(
      deps({ status: async () => ({ keyReady: true, captureImages: true, historySince: null }), connect: () => port, timing: FAST }),
    );
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toBe(`The backup could not be made: ${words} Nothing was kept; your chat is unchanged.`), { timeout: 20_000 });
    expect(overlayRoot()!.textContent).not.toContain(code);
  });

  it('a capture that reached the start but was saved without some messages says so and is marked incomplete', async () => {
    list = new FakeList(document, { total: 40 });
    const port = new FakeWorkerPort();
    port.endAnswer = () => ({ t: 'saved', size: 2048, messageCount: 39, complete: false, destination: 'waiting-for-drive' });
    const controller = new CaptureController(
      deps({ status: async () => ({ keyReady: true, captureImages: true, historySince: null }), connect: () => port, timing: FAST }),
    );
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Stopped at .*: some messages could not be read correctly and were left out\.$/), { timeout: 20_000 });
    expect(overlayRoot()!.textContent).toContain('The backup is marked incomplete.');
  });

  it('Stop here keeps what was read, says why, and marks the backup incomplete', async () => {
    list = new FakeList(document, { total: 400, latency: 60 });
    const port = new FakeWorkerPort();
    const controller = new CaptureController(
      deps({ status: async () => ({ keyReady: true, captureImages: true, historySince: null }), connect: () => port, timing: FAST }),
    );
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Capturing/), { timeout: 10_000 });
    press('Stop here');
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Stopped at .*: you stopped the capture/), { timeout: 20_000 });
    expect(overlayRoot()!.textContent).toContain('The backup is marked incomplete.');
    expect(port.received.find((m) => m.t === 'end')).toMatchObject({ stopReason: 'user-stopped', reachedStart: false });
  });

  it('an extension reloaded mid-capture says so and offers to start again instead of hanging', async () => {
    list = new FakeList(document, { total: 400, latency: 60 });
    const port = new FakeWorkerPort();
    let alive = true;
    const d = deps({
      status: async () => ({ keyReady: true, captureImages: true, historySince: null }),
      connect: () => port,
      timing: FAST,
      extensionAlive: () => alive,
    });
    const controller = new CaptureController(d);
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Capturing/), { timeout: 10_000 });
    alive = false;
    port.drop();
    await vi.waitFor(() => expect(overlayText()).toContain('ChatSeal was updated or restarted'), { timeout: 20_000 });
    expect(overlayButtons()).toEqual(['Reload page', 'Close']);
    // Focus follows to the offer, so a keyboard user can act on it at once.
    expect(overlayRoot()!.activeElement?.textContent).toBe('Reload page');
    press('Reload page');
    expect(d.reload).toHaveBeenCalledTimes(1);
    expect(controller.capturing).toBe(false);
  });
});

describe('CaptureController: the extension reloaded under the page', () => {
  // After a reload the old content script is orphaned: browser.i18n and sends throw "Extension
  // context invalidated", runtime.id is gone, and the port may or may not say it disconnected.
  const invalidated = () => {
    throw new Error('Extension context invalidated.');
  };
  afterEach(() => vi.restoreAllMocks());

  async function capturing(port: FakeWorkerPort, alive: () => boolean, latency = 60) {
    list = new FakeList(document, { total: 400, latency });
    const d: ControllerDeps = {
      doc: document,
      adapter: () => fakeAdapter(() => list),
      connect: () => port,
      status: async () => ({ keyReady: true, captureImages: true, historySince: null }),
      openOptions: vi.fn(async () => undefined),
      extensionAlive: alive,
      reload: vi.fn(),
      url: () => 'https://web.whatsapp.com/',
      timing: FAST,
      aliveCheckMs: 50,
    };
    const controller = new CaptureController(d);
    expect(await controller.start()).toEqual({ started: true });
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Capturing/), { timeout: 10_000 });
    return { controller, d };
  }

  async function expectReloadOffer(controller: CaptureController, d: ControllerDeps) {
    await vi.waitFor(() => expect(overlayText()).toBe('ChatSeal was updated or restarted, so this capture stopped and nothing was kept. Reload the page to start again.'), { timeout: 3000 });
    expect(overlayButtons()).toEqual(['Reload page', 'Close']);
    expect(controller.capturing).toBe(false);
    press('Reload page');
    expect(d.reload).toHaveBeenCalledTimes(1);
  }

  it('the worker closing the port after it answered "saved" is no reload: the overlay says saved', async () => {
    const port = new FakeWorkerPort();
    const post = port.postMessage.bind(port);
    port.postMessage = (message: unknown) => {
      post(message);
      // The worker's session closes the port once the backup is made, right after 'saved'.
      if ((message as PageToWorkerPort).t === 'end') setTimeout(() => port.drop(), 0);
    };
    list = new FakeList(document, { total: 60 });
    const controller = new CaptureController({
      doc: document,
      adapter: () => fakeAdapter(() => list),
      connect: () => port,
      status: async () => ({ keyReady: true, captureImages: true, historySince: null }),
      openOptions: vi.fn(async () => undefined),
      extensionAlive: () => true,
      reload: vi.fn(),
      url: () => 'https://web.whatsapp.com/',
      timing: FAST,
      aliveCheckMs: 50,
    });
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Backup encrypted/), { timeout: 10_000 });
    await sleep(200);
    expect(overlayText()).toMatch(/^Backup encrypted/);
  });

  it('noticed with no port event at all (runtime.id gone), even though the page can no longer read its words', async () => {
    const port = new FakeWorkerPort();
    let alive = true;
    const { controller, d } = await capturing(port, () => alive);
    alive = false;
    vi.spyOn(browser.i18n, 'getMessage').mockImplementation(invalidated);
    // Sends go nowhere: the worker is gone, nothing acknowledges and nothing says disconnect.
    port.postMessage = () => undefined;
    await expectReloadOffer(controller, d);
  });

  it('noticed when a send throws, with no disconnect event', async () => {
    const port = new FakeWorkerPort();
    let alive = true;
    const { controller, d } = await capturing(port, () => alive);
    vi.spyOn(browser.i18n, 'getMessage').mockImplementation(invalidated);
    port.postMessage = invalidated;
    // runtime.id is checked rarely in real life; the throwing send must be enough on its own.
    alive = true;
    await expectReloadOffer(controller, d);
    alive = false;
  });

  it('noticed on the port disconnect at once, while the engine still scrolls back', async () => {
    const port = new FakeWorkerPort();
    const { controller, d } = await capturing(port, () => true);
    vi.spyOn(browser.i18n, 'getMessage').mockImplementation(invalidated);
    port.drop();
    await expectReloadOffer(controller, d);
  });

  it('the reload noticed while progress is still coming in: no error escapes from the page script', async () => {
    const port = new FakeWorkerPort();
    let alive = true;
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onError);
    try {
      // Slow batches: the capture is still running (and reporting progress) a second later.
      const { controller, d } = await capturing(port, () => alive, 300);
      vi.spyOn(browser.i18n, 'getMessage').mockImplementation(invalidated);
      alive = false;
      port.postMessage = () => undefined;
      await expectReloadOffer(controller, d);
      await sleep(1200); // past the once-a-second progress throttle
      expect(overlayButtons()).toEqual(['Reload page', 'Close']);
      expect(errors).toEqual([]);
    } finally {
      window.removeEventListener('error', onError);
    }
  });
});

describe('CaptureController: one overlay, and focus back after it', () => {
  it('a second capture replaces the first one\'s overlay; Close puts focus back on the Encrypted export button', async () => {
    list = new FakeList(document, { total: 60 });
    const controller = new CaptureController({
      doc: document,
      adapter: () => fakeAdapter(() => list),
      connect: () => new FakeWorkerPort(),
      status: async () => ({ keyReady: true, captureImages: true, historySince: null }),
      openOptions: async () => undefined,
      extensionAlive: () => true,
      reload: () => undefined,
      url: () => 'https://web.whatsapp.com/',
      timing: FAST,
    });
    controller.installButton();
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Backup encrypted/), { timeout: 20_000 });
    expect(overlayRoot()!.activeElement?.textContent).toBe('Close');
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Backup encrypted/), { timeout: 20_000 });
    expect(document.querySelectorAll('[data-chatseal-overlay]')).toHaveLength(1);
    press('Close');
    expect(document.querySelectorAll('[data-chatseal-overlay]')).toHaveLength(0);
    const host = document.querySelector('[data-chatseal-action="encrypted-export"]')!;
    expect(document.activeElement).toBe(host);
    expect(host.shadowRoot!.activeElement?.textContent).toBe('Encrypted export');
  });

  it('says the capture paused when the chat was closed', async () => {
    list = new FakeList(document, { total: 400, latency: 60 });
    const controller = new CaptureController({
      doc: document,
      adapter: () => fakeAdapter(() => list),
      connect: () => new FakeWorkerPort(),
      status: async () => ({ keyReady: true, captureImages: true, historySince: null }),
      openOptions: async () => undefined,
      extensionAlive: () => true,
      reload: () => undefined,
      url: () => 'https://web.whatsapp.com/',
      timing: FAST,
    });
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Capturing/), { timeout: 10_000 });
    list.root.remove();
    await vi.waitFor(() => expect(overlayText()).toBe('Paused because the chat was closed. Open it again, then Resume.'), { timeout: 10_000 });
    expect(overlayButtons()).toEqual(['Resume', 'Stop here', 'Cancel']);
    press('Cancel');
    await vi.waitFor(() => expect(overlayText()).toBe('Capture cancelled. Nothing was kept.'), { timeout: 10_000 });
  });
});

describe('CaptureController after the extension is gone (browser.i18n throws in an orphaned script)', () => {
  const invalidate = () =>
    vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(() => {
      throw new Error('Extension context invalidated.');
    });
  const deps = (port: FakeWorkerPort, alive: () => boolean): ControllerDeps => ({
    doc: document,
    adapter: () => fakeAdapter(() => list),
    connect: () => port,
    status: async () => ({ keyReady: true, captureImages: true, historySince: null }),
    openOptions: async () => undefined,
    extensionAlive: alive,
    reload: vi.fn(),
    url: () => 'https://web.whatsapp.com/',
    timing: FAST,
  });

  it('mid-capture: the page still says so and offers Reload page, in words read while it was alive', async () => {
    list = new FakeList(document, { total: 400, latency: 60 });
    const port = new FakeWorkerPort();
    let alive = true;
    const errors: unknown[] = [];
    const onError = (e: PromiseRejectionEvent | ErrorEvent) => errors.push(e);
    window.addEventListener('unhandledrejection', onError);
    window.addEventListener('error', onError);
    const controller = new CaptureController(deps(port, () => alive));
    await controller.start();
    await vi.waitFor(() => expect(overlayText()).toMatch(/^Capturing/), { timeout: 10_000 });
    invalidate();
    alive = false;
    port.drop();
    await vi.waitFor(() => expect(overlayText()).toContain('ChatSeal was updated or restarted'), { timeout: 20_000 });
    expect(overlayButtons()).toEqual(['Reload page', 'Close']);
    expect(overlayRoot()!.activeElement?.textContent).toBe('Reload page');
    await vi.waitFor(() => expect(controller.capturing).toBe(false));
    window.removeEventListener('unhandledrejection', onError);
    window.removeEventListener('error', onError);
    expect(errors).toEqual([]);
  });

  it('a click after the extension is gone shows the same offer, not nothing', async () => {
    list = new FakeList(document, { total: 20 });
    const controller = new CaptureController(deps(new FakeWorkerPort(), () => false));
    controller.installButton();
    invalidate();
    // The page re-renders its header: the orphaned script's button is put back all the same.
    list.header.replaceChildren();
    await vi.waitFor(() => expect(document.querySelector('[data-chatseal-action="encrypted-export"]')).not.toBeNull());
    const button = document.querySelector('[data-chatseal-action="encrypted-export"]')!.shadowRoot!.querySelector('button')!;
    expect(button.textContent).toBe('Encrypted export');
    button.click();
    await vi.waitFor(() => expect(overlayText()).toContain('ChatSeal was updated or restarted'));
    expect(overlayButtons()).toEqual(['Reload page', 'Close']);
  });
});

describe('whyStopped', () => {
  const finished = { kind: 'finished' as const, messages: 1, oldestDay: null };
  it('a problem other than the history range wins; the range alone says so; Stop here says so', () => {
    expect(whyStopped({ ...finished, stopReason: 'reached-start', reachedStart: true, problems: [] })).toBeNull();
    expect(whyStopped({ ...finished, stopReason: 'user-stopped', reachedStart: false, problems: [{ code: 'history-range', since: '2024-01-01' }] })).toBe('history-range');
    expect(
      whyStopped({
        ...finished,
        stopReason: 'user-stopped',
        reachedStart: false,
        problems: [{ code: 'history-range', since: '2024-01-01' }, { code: 'rows-not-read', count: 2 }],
      }),
    ).toBe('rows-not-read');
    expect(whyStopped({ ...finished, stopReason: 'user-stopped', reachedStart: false, problems: [] })).toBe('user-stopped');
  });
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
