// The content script's wiring, shared by every site: the Encrypted export button, the overlay, the
// engine and the capture port, plus the handlers for requests from the worker and the popup
// ('capture.start' for the keyboard shortcut and "Export this chat", 'capture.probe' for "Check
// this chat"). Browser APIs come in through `deps`, so tests drive it with fakes.
import type { CaptureStatus, ChatProbeReport, TabCaptureStatus } from '../messaging/protocol';
import type { CapturedItem, SiteAdapter } from './adapter';
import { ButtonManager } from './button';
import { CaptureChannel, CaptureRefusedError, ChannelClosedError, type PortLike } from './channel';
import { CaptureEngine, NoChatOpenError, type CaptureOutcome, type EngineTiming } from './engine';
import { CaptureOverlay, readOfflineWords, type OfflineWords, type StopWhy } from './overlay';

export interface ControllerDeps {
  doc: Document;
  /** The adapter for the page as it is now (Telegram K and A share a host). */
  adapter(): SiteAdapter | null;
  connect(): PortLike;
  status(): Promise<CaptureStatus>;
  openOptions(): Promise<void>;
  /** False once the extension was reloaded or updated under this page. */
  extensionAlive(): boolean;
  reload(): void;
  url(): string;
  timing?: Partial<EngineTiming>;
  /** How often a running capture checks extensionAlive() (ms; ALIVE_CHECK_MS unless a test sets it). */
  aliveCheckMs?: number;
}

/** A reload can come with no event at all in the page; checking runtime.id this often is cheap. */
export const ALIVE_CHECK_MS = 1000;

/** What a start request came to (the content script maps it onto the popup's protocol). */
export type StartOutcome = { started: true } | { started: false; reason: 'busy' | 'no-chat' | 'no-key' | 'extension-reloaded' };

/** The capture in this page; Stop here or Cancel pressed before the engine exists waits in `early`. */
interface Running {
  engine: CaptureEngine | null;
  overlay: CaptureOverlay;
  early: 'stop' | 'cancel' | null;
}

export class CaptureController {
  private running: Running | null = null;
  /** The overlay on the page (also after the capture ended, until closed): never two at once. */
  private shown: CaptureOverlay | null = null;
  private readonly buttons: ButtonManager;
  /** Read now, while the extension is alive: the overlay needs them after it is gone. */
  private readonly offline: OfflineWords = readOfflineWords();

  constructor(private readonly deps: ControllerDeps) {
    this.buttons = new ButtonManager(deps.doc, deps.adapter, () => void this.start().catch(() => undefined));
  }

  installButton(): void {
    this.buttons.start();
  }

  get capturing(): boolean {
    return this.running !== null;
  }

  async start(): Promise<StartOutcome> {
    if (this.running) return { started: false, reason: 'busy' };
    const adapter = this.deps.adapter();
    const chat = adapter?.openChat(this.deps.doc) ?? null;
    if (!adapter || !chat) return { started: false, reason: 'no-chat' };
    const overlay = this.makeOverlay(chat.scroller);
    const slot: Running = { engine: null, overlay, early: null };
    this.running = slot;
    let status: CaptureStatus;
    try {
      if (!this.deps.extensionAlive()) throw new Error('extension reloaded');
      status = await this.deps.status();
    } catch {
      overlay.set({ kind: 'disconnected' });
      this.running = null;
      return { started: false, reason: 'extension-reloaded' };
    }
    if (!status.keyReady) {
      overlay.remove();
      this.running = null;
      await this.deps.openOptions().catch(() => undefined);
      return { started: false, reason: 'no-key' };
    }
    const sink = new LateSink();
    let engine: CaptureEngine;
    try {
      engine = this.makeEngine(adapter, sink, status, overlay);
    } catch (error) {
      // The chat closed (or was drawn anew without its rows) while the worker answered.
      this.running = null;
      overlay.set({ kind: 'failed', code: error instanceof NoChatOpenError ? 'no-chat' : 'error' });
      return { started: false, reason: 'no-chat' };
    }
    slot.engine = engine;
    if (slot.early === 'cancel') engine.cancel();
    else if (slot.early === 'stop') engine.stop();
    void this.run(adapter, engine, sink, overlay);
    return { started: true };
  }

  private makeEngine(adapter: SiteAdapter, sink: LateSink, status: CaptureStatus, overlay: CaptureOverlay): CaptureEngine {
    return new CaptureEngine(adapter, this.deps.doc, sink, {
      captureImages: status.captureImages,
      ...(status.historySince ? { stopBefore: status.historySince } : {}),
      language: this.deps.doc.documentElement.lang || navigator.language,
      ...(this.deps.timing ? { timing: this.deps.timing } : {}),
    }, {
      onProgress: (p) => {
        if (overlay.current.kind === 'running' || overlay.current.kind === 'starting') overlay.set({ kind: 'running', messages: p.messages, oldestDay: p.oldestDay });
      },
      onPause: (reason) => {
        const c = overlay.current;
        const messages = c.kind === 'running' || c.kind === 'paused' ? c.messages : 0;
        const oldestDay = c.kind === 'running' || c.kind === 'paused' ? c.oldestDay : null;
        overlay.set({ kind: 'paused', reason, messages, oldestDay });
      },
      onResume: () => {
        const c = overlay.current;
        if (c.kind === 'paused') overlay.set({ kind: 'running', messages: c.messages, oldestDay: c.oldestDay });
      },
    });
  }

  private async run(adapter: SiteAdapter, engine: CaptureEngine, sink: LateSink, overlay: CaptureOverlay): Promise<void> {
    const slot = this.running;
    let channel: CaptureChannel | null = null;
    let disconnected = false;
    /** 'end' was sent: the worker closes the port once it has answered, which is no reload. */
    let ending = false;
    // The extension reloaded or updated under the page: the port drops (onDisconnect), a send
    // throws, or runtime.id is simply gone with no event at all. Whichever comes first says so at
    // once (the engine still puts the user's scroll position back, in the background).
    const gone = () => {
      if (disconnected) return;
      disconnected = true;
      clearInterval(watchdog);
      engine.cancel();
      overlay.set({ kind: 'disconnected' });
      if (this.running === slot) this.running = null;
    };
    const watchdog = setInterval(() => {
      if (!this.deps.extensionAlive()) gone();
    }, this.deps.aliveCheckMs ?? ALIVE_CHECK_MS);
    try {
      channel = new CaptureChannel(this.deps.connect());
      // Once 'end' is sent, a port that drops without an answer rejects end() instead (below).
      channel.onDisconnect(() => {
        if (!ending) gone();
      });
      await channel.begin({
        site: adapter.site,
        chat: engine.conversation,
        url: this.deps.url(),
        startedAt: new Date().toISOString(),
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      });
      sink.target = channel;
      const outcome = await engine.run();
      if (disconnected || !this.deps.extensionAlive()) throw new Error('disconnected');
      if (outcome.kind === 'cancelled') {
        channel.cancel();
        overlay.set({ kind: 'cancelled' });
        return;
      }
      overlay.set({ kind: 'saving', messages: outcome.messages });
      ending = true;
      const result = await channel.end({
        stopReason: outcome.stopReason,
        reachedStart: outcome.reachedStart,
        problems: outcome.problems,
        finishedAt: new Date().toISOString(),
      });
      if (result.t === 'failed') {
        overlay.set({ kind: 'failed', code: result.reason });
        return;
      }
      const range = outcome.problems.find((p) => p.code === 'history-range');
      overlay.set({
        kind: 'saved',
        size: result.size,
        destination: result.destination,
        complete: result.complete,
        oldestDay: outcome.oldestDay,
        // Reached the start, but saved incomplete: the worker left out messages it could not make valid.
        why: whyStopped(outcome) ?? (outcome.reachedStart && !result.complete ? 'messages-left-out' : null),
        ...(range ? { since: range.since } : {}),
      });
    } catch (error) {
      engine.cancel();
      if (error instanceof CaptureRefusedError && error.reason === 'no-key') {
        overlay.remove();
        await this.deps.openOptions().catch(() => undefined);
      } else if (disconnected || error instanceof ChannelClosedError || !this.deps.extensionAlive()) gone();
      else overlay.set({ kind: 'failed', code: error instanceof CaptureRefusedError ? error.reason : error instanceof Error ? error.name : 'error' });
      channel?.cancel();
    } finally {
      clearInterval(watchdog);
      if (this.running === slot) this.running = null;
    }
  }

  private makeOverlay(scroller: Element): CaptureOverlay {
    // A new capture replaces what the last one said.
    this.shown?.remove();
    const overlay: CaptureOverlay = new CaptureOverlay(this.deps.doc, () => this.deps.adapter()?.openChat(this.deps.doc)?.scroller ?? scroller, {
      stop: () => this.request('stop'),
      cancel: () => this.request('cancel'),
      resume: () => this.running?.engine?.resume(),
      reload: () => this.deps.reload(),
      close: () => {
        overlay.remove();
        // Keyboard focus goes back where the user started, not to the top of the page.
        this.buttons.focus();
      },
    }, this.offline);
    this.shown = overlay;
    return overlay;
  }

  /** Stop here / Cancel: to the engine, or kept until it exists (the worker is still answering). */
  private request(action: 'stop' | 'cancel'): void {
    const slot = this.running;
    if (!slot) return;
    if (slot.engine) slot.engine[action]();
    else if (slot.early !== 'cancel') slot.early = action;
  }

  /** For the popup: which site this is and whether a chat is open. Sites are experimental until checked live. */
  status(): TabCaptureStatus | null {
    const adapter = this.deps.adapter();
    if (!adapter) return null;
    return {
      site: adapter.site,
      siteName: adapter.name,
      experimental: true,
      chatOpen: adapter.openChat(this.deps.doc) !== null,
      capturing: this.capturing,
    };
  }

  /** "Check this chat": which anchors are there, how many rows read and how; counts only. */
  probe(): ChatProbeReport | null {
    const adapter = this.deps.adapter();
    if (!adapter) return null;
    const chat = adapter.openChat(this.deps.doc);
    const found = adapter.probe(this.deps.doc);
    const report: ChatProbeReport = {
      site: adapter.site,
      siteName: adapter.name,
      experimental: true,
      chatOpen: chat !== null,
      anchors: adapter.anchors.map((a) => ({ name: a.name, required: a.required, form: found[a.name] ?? -1, forms: a.forms.length })),
      rows: { mounted: 0, messages: 0, days: 0, skipped: 0, pending: 0, broken: 0 },
      timestamps: { resolved: 0, unresolved: 0 },
    };
    if (!chat) return report;
    const items: CapturedItem[] = [];
    for (const row of chat.rows()) {
      report.rows.mounted++;
      let result;
      try {
        result = chat.parseRow(row);
      } catch {
        report.rows.broken++;
        continue;
      }
      if (result.type === 'skip') report.rows.skipped++;
      else if (result.type === 'pending') report.rows.pending++;
      else if (result.type === 'broken') report.rows.broken++;
      else {
        if (result.item.type === 'day') report.rows.days++;
        else report.rows.messages++;
        items.push(result.item);
      }
    }
    report.timestamps = timestampCounts(adapter, items, report.rows.messages);
    return report;
  }
}

/**
 * How many of the mounted messages the capture would date, as it dates them: the adapter's
 * finalize over the mounted rows in order (a bare time of day is dated by a day separator above
 * it). Anything carried over from a neighbour ('inferred') counts as not worked out. Counts only.
 */
function timestampCounts(adapter: SiteAdapter, items: CapturedItem[], messages: number): ChatProbeReport['timestamps'] {
  try {
    // reachedStart: true keeps every row (Discord leaves out leading rows of an unknown sender otherwise).
    const finalized = adapter.finalize(items, {
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      reachedStart: true,
      capturedAt: new Date().toISOString(),
    });
    const resolved = finalized.messages.filter((m) => m.timestamp.source !== 'inferred').length;
    return { resolved, unresolved: Math.max(0, messages - resolved) };
  } catch {
    return { resolved: 0, unresolved: messages };
  }
}

/**
 * Why a finished capture did not reach the start, for the overlay: what went wrong wins over the
 * chosen history range (rows not read inside the range make it short of what the user asked for).
 */
export function whyStopped(outcome: Extract<CaptureOutcome, { kind: 'finished' }>): StopWhy | null {
  if (outcome.reachedStart) return null;
  const other = outcome.problems.find((p) => p.code !== 'history-range');
  if (other) return other.code;
  if (outcome.problems.length > 0) return 'history-range';
  return outcome.stopReason === 'user-stopped' ? 'user-stopped' : null;
}

/**
 * The engine is built before the port is open (its conversation names the chat in 'begin');
 * this sink forwards to the channel once it is.
 */
class LateSink {
  target: CaptureChannel | null = null;
  items(...args: Parameters<CaptureChannel['items']>) {
    if (!this.target) throw new Error('the capture port is not open');
    return this.target.items(...args);
  }
  media(...args: Parameters<CaptureChannel['media']>) {
    if (!this.target) throw new Error('the capture port is not open');
    return this.target.media(...args);
  }
}
