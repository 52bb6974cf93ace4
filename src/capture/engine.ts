// The capture engine, in the chat page: from where the user is, it goes to the newest message,
// then scrolls the history in back to the start, reading every mounted row through the site
// adapter and streaming what is new or richer to the sink (the worker, through the capture port).
// Chat apps window their lists (far rows are emptied or removed, blob URLs revoked), fill rows in
// late, load older history in lazy batches behind a spinner and sometimes behind a "load older
// messages" notice: the engine reads rows while they are mounted, merges by key, waits for each
// batch only as long as it takes (woken by a MutationObserver), and puts the user's scroll
// position back at the end.
//
// The user stays in charge: scrolling the list (wheel, touch, keys, the scroll bar) or switching
// chat pauses the capture until Resume; Stop here keeps what was read (marked incomplete); Cancel
// keeps nothing.
import type { CapturedItem, ChatView, MediaSource, RowResult, SiteAdapter } from './adapter';
import type { StopReason } from '../export/types';
import { itemDay } from './dates';
import { fetchMediaBytes, type FetchedMedia, type MediaFetcher } from './media';
import { KnownItems, type ScannedRow } from './merge';
import type { CaptureProblem, ItemOp } from './protocol';
import { DomWatch } from './watch';

export interface CaptureSink {
  items(ops: ItemOp[]): Promise<void>;
  media(source: MediaSource, fetched: FetchedMedia): Promise<void>;
}

export interface EngineTiming {
  /** A lazy batch that has not landed after max(min, factor x observed latency), up to max, timed out. */
  minBatchTimeoutMs: number;
  maxBatchTimeoutMs: number;
  timeoutFactor: number;
  /** Time-outs in a row with no new rows and no gate before the capture stops as stalled. */
  maxTimeouts: number;
  pollMs: number;
  /** How long the list must be quiet to count as settled (going to the newest, restoring). */
  settleMs: number;
  /** The longest wait for rows that are mounted but not filled in yet before scrolling on. */
  pendingWaitMs: number;
  /** openChat() may be null for a moment while the app re-renders; null longer than this: changed. */
  chatGoneGraceMs: number;
  /** The longest the way back to the user's position may take. */
  restoreMs: number;
}

export const DEFAULT_TIMING: EngineTiming = {
  minBatchTimeoutMs: 2000,
  maxBatchTimeoutMs: 20_000,
  timeoutFactor: 3,
  maxTimeouts: 3,
  pollMs: 250,
  settleMs: 150,
  pendingWaitMs: 3000,
  chatGoneGraceMs: 1000,
  restoreMs: 30_000,
};

export interface EngineOptions {
  captureImages: boolean;
  /**
   * YYYY-MM-DD, the "History range" setting: capture only the messages since this day. The capture
   * stops once it has read a row surely older than the day (a written date that reads both ways
   * counts as its later day; what was read is kept: never a gap), as 'user-stopped' with the
   * problem 'history-range' and reachedStart false.
   */
  stopBefore?: string;
  timing?: Partial<EngineTiming>;
  fetchMedia?: MediaFetcher;
  /** The page's language, for reading written dates (overlay only). */
  language?: string;
  now?: () => number;
}

/** 'chat-closed': no chat is open any more (closed, or the app shows another view). */
export type PauseReason = 'user-scrolled' | 'chat-switched' | 'chat-closed';
export type Phase = 'newest' | 'history' | 'returning';

export interface Progress {
  phase: Phase;
  messages: number;
  /** YYYY-MM-DD of the oldest message read so far, when rows tell. */
  oldestDay: string | null;
  batches: number;
}

export interface EngineEvents {
  onProgress?(progress: Progress): void;
  onPause?(reason: PauseReason): void;
  onResume?(): void;
}

export type CaptureOutcome =
  | { kind: 'finished'; stopReason: StopReason; reachedStart: boolean; problems: CaptureProblem[]; messages: number; oldestDay: string | null }
  | { kind: 'cancelled' };

export class NoChatOpenError extends Error {
  override readonly name = 'NoChatOpenError';
}

type Checkpoint = 'go' | 'stop' | 'cancel' | 'gone';
type RowMemo = { type: 'skip' } | { type: 'pending'; key: string } | { type: 'item'; key: string };

interface RowsRead {
  scanned: ScannedRow[];
  fetches: Promise<{ source: MediaSource; result: FetchedMedia }>[];
  broken: string | null;
  pending: number;
  /** Another chat was open: nothing was read (the capture pauses). */
  switched: boolean;
}

interface OlderAsk {
  first: Element | null;
  count: number;
  started: number;
  gate: HTMLElement | null;
}
type HistoryEnd = { stopReason: StopReason; reachedStart: boolean; problem?: CaptureProblem } | 'cancel';

interface SavedPosition {
  atBottom: boolean;
  anchorKey: string | null;
  anchorOffset: number;
}

const USER_INPUT = ['wheel', 'touchstart', 'keydown', 'mousedown'] as const;
const SCROLL_KEYS = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);

export class CaptureEngine {
  private readonly timing: EngineTiming;
  private readonly known = new KnownItems();
  /** Each row's last reading, while nothing in it changed (see forgetChanged). */
  private memo = new WeakMap<Element, RowMemo>();
  /** Every row element read: tells a change inside a row from one around the rows. */
  private readonly rowsRead = new WeakSet<Element>();
  private rowList: { version: number; chat: ChatView; rows: Element[] } | null = null;
  private readonly mediaDone = new Set<string>();
  /** Media whose fetch failed, by key, with the URL that failed: a row re-rendered with a new URL is tried again. */
  private readonly mediaFailed = new Map<string, string>();
  private readonly fetchMedia: MediaFetcher;
  private readonly now: () => number;
  private chat: ChatView;
  /** The chat this capture reads (ChatView.identity: known even when the site's id is not). */
  private readonly identity: string;
  private watch: DomWatch;
  private pauseReason: PauseReason | null = null;
  private resumeWaiters: (() => void)[] = [];
  private stopRequested = false;
  private cancelRequested = false;
  private running = false;
  private oldestDay: string | null = null;
  /** The oldest day read, taking every date that reads both ways as its later day (the range stop). */
  private oldestSure: string | null = null;
  private batches = 0;
  private phase: Phase = 'newest';
  /** Observed time from a scroll to its batch landing (ms), for the adaptive time-out. */
  private latency: number | null = null;
  private listening: HTMLElement | null = null;
  /** History rows were read that could not be placed next to any row read before (see send). */
  private lostPlace = false;
  /** The required anchor a row lacked, when that ended the capture. */
  private brokenAnchor: string | null = null;

  constructor(
    private readonly adapter: SiteAdapter,
    private readonly doc: Document,
    private readonly sink: CaptureSink,
    private readonly options: EngineOptions,
    private readonly events: EngineEvents = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.fetchMedia = options.fetchMedia ?? ((url) => fetchMediaBytes(url));
    this.now = options.now ?? (() => performance.now());
    const chat = adapter.openChat(doc);
    if (!chat) throw new NoChatOpenError('no chat is open');
    this.chat = chat;
    this.identity = chat.identity;
    this.watch = new DomWatch(chat.scroller, this.timing.pollMs, this.now);
  }

  get conversation(): { id: string; title: string; isGroup?: boolean } {
    const { id, title, isGroup } = this.chat;
    return isGroup === undefined ? { id, title } : { id, title, isGroup };
  }

  get paused(): PauseReason | null {
    return this.pauseReason;
  }

  /** Keeps what was read and ends (the backup is marked incomplete). */
  stop(): void {
    this.stopRequested = true;
    this.wake();
  }

  /** Ends and keeps nothing. */
  cancel(): void {
    this.cancelRequested = true;
    this.wake();
  }

  /** Continues a paused capture; stays paused (and says why again) while another chat is open. */
  resume(): void {
    if (this.pauseReason === null) return;
    const open = this.adapter.openChat(this.doc);
    if (open === null || this.isOther(open)) {
      this.events.onPause?.(open === null ? 'chat-closed' : 'chat-switched');
      return;
    }
    this.pauseReason = null;
    this.events.onResume?.();
    this.wake();
  }

  async run(): Promise<CaptureOutcome> {
    if (this.running) throw new Error('the capture is already running');
    this.running = true;
    this.listen(this.chat.scroller);
    const saved = this.savePosition();
    try {
      const end = await this.capture();
      if (end === 'cancel') {
        await this.restore(saved, false);
        return { kind: 'cancelled' };
      }
      // The way back also reads what arrived at the bottom meanwhile (appended once, by key).
      this.phase = 'returning';
      const back = await this.restore(saved, true);
      // Cancel pressed on the way back still means nothing is kept.
      if (back === 'cancel' || this.cancelRequested) return { kind: 'cancelled' };
      const problems: CaptureProblem[] = end.problem ? [end.problem] : [];
      let { stopReason, reachedStart } = end;
      if (this.known.unread > 0) {
        // Rows that never filled in are messages this capture does not have: never "complete".
        problems.push({ code: 'rows-not-read', count: this.known.unread });
        if (reachedStart) {
          reachedStart = false;
          stopReason = 'error';
        }
      }
      // No marker at the start: the backup says the start was inferred, so nobody takes it as proven.
      if (reachedStart && this.chat.startInferred) problems.push({ code: 'start-inferred' });
      return { kind: 'finished', stopReason, reachedStart, problems, messages: this.known.messages, oldestDay: this.oldestDay };
    } finally {
      this.unlisten();
      this.watch.disconnect();
      this.running = false;
    }
  }

  private async capture(): Promise<HistoryEnd> {
    this.phase = 'newest';
    const newest = await this.toNewest();
    if (newest !== 'go') return this.endFor(newest);
    this.phase = 'history';
    return this.history();
  }

  private endFor(checkpoint: Exclude<Checkpoint, 'go'>): HistoryEnd {
    if (checkpoint === 'cancel') return 'cancel';
    if (checkpoint === 'stop') return { stopReason: 'user-stopped', reachedStart: false };
    return { stopReason: 'error', reachedStart: false, problem: { code: 'page-changed', anchor: this.brokenAnchor ?? 'open-chat' } };
  }

  private async history(): Promise<HistoryEnd> {
    let timeouts = 0;
    /** The chat was checked since the batch landed (the check made after the last ask). */
    let checked = false;
    /** The rows as read the moment the last batch landed. */
    let landedRead: RowsRead | null = null;
    for (;;) {
      if (!checked) {
        landedRead = null;
        const checkpoint = await this.checkpoint();
        if (checkpoint !== 'go') return this.endFor(checkpoint);
      }
      checked = false;

      let read = landedRead ?? this.read();
      landedRead = null;
      if (read.switched) continue;
      if (read.broken !== null) {
        await this.send(read);
        return { stopReason: 'error', reachedStart: false, problem: { code: 'page-changed', anchor: read.broken } };
      }
      if (read.pending > 0) {
        await this.send(read);
        const filled = await this.fillPending();
        if (filled === 'interrupted') continue;
        if (filled !== 'done') return { stopReason: 'error', reachedStart: false, problem: { code: 'page-changed', anchor: filled } };
        // Rows that never filled in stay unread (counted at the end); the history goes on.
        read = this.read();
        if (read.switched) continue;
        if (read.broken !== null) {
          await this.send(read);
          return { stopReason: 'error', reachedStart: false, problem: { code: 'page-changed', anchor: read.broken } };
        }
      }
      if (this.lostPlace) return { stopReason: 'error', reachedStart: false, problem: { code: 'history-stalled' } };
      // The decisions below read the page: another chat's start is not this one's (and what was
      // read of this one before the switch is read again after it).
      if (this.switched()) {
        this.forgetAll();
        continue;
      }
      const since = this.pastRange();
      if (since !== null) {
        await this.send(read);
        // Past the chosen day but also at the very start: the whole chat is there, which is truer.
        if (this.chat.atStart() && !this.chat.loading()) {
          const end = await this.endAtStart();
          if (end === 'again') continue;
          return end;
        }
        return { stopReason: 'user-stopped', reachedStart: false, problem: { code: 'history-range', since } };
      }
      const unavailable = this.chat.historyUnavailable();
      if (unavailable !== null) {
        await this.send(read);
        return { stopReason: 'history-unavailable', reachedStart: false, problem: { code: 'history-unavailable', text: unavailable } };
      }
      if (this.chat.atStart() && !this.chat.loading()) {
        await this.send(read);
        const end = await this.endAtStart();
        if (end === 'again') continue;
        return end;
      }

      // Ask for the next batch as soon as this one is read, send it while the next one loads, and
      // read the next one the moment it lands (before the list empties or removes any of it): the
      // site's latency, not the engine, sets the pace.
      const ask = this.askOlder();
      const checkpoint = await this.checkpoint();
      if (checkpoint === 'stop' && !this.switched()) await this.send(read);
      if (checkpoint !== 'go') {
        // Read before the chat was found changed: nothing of it is sent, and rows are read afresh.
        this.forgetAll();
        return this.endFor(checkpoint);
      }
      checked = true;
      const landing = this.awaitOlder(ask).then((landed) => ({ landed, read: landed === 'ok' ? this.read() : null }));
      await this.send(read);
      const { landed, read: next } = await landing;
      landedRead = next;
      if (landed === 'interrupted') {
        checked = false;
        continue;
      }
      if (landed === 'ok') timeouts = 0;
      // An inferred start needs two quiet periods (src/capture/sites/telegram-dom.ts): allow for them.
      else if (++timeouts >= this.timing.maxTimeouts * (this.chat.startInferred ? 2 : 1)) {
        const scan = await this.scan();
        if (scan.switched || this.switched()) {
          checked = false;
          continue;
        }
        if (this.chat.atStart()) {
          const end = await this.endAtStart();
          if (end === 'again') continue;
          return end;
        }
        return { stopReason: 'error', reachedStart: false, problem: { code: 'history-stalled' } };
      }
    }
  }

  /**
   * At the start of history, before leaving: the last batch may have landed, or rows filled in,
   * while the scan before was still sending (a row filled in since is no longer "pending" to wait
   * for, but was not read either). Read until a scan finds nothing new and no row is left to fill.
   */
  private async endAtStart(): Promise<HistoryEnd | 'again'> {
    for (let i = 0; i < 20; i++) {
      const before = this.known.size;
      const scan = await this.scan();
      if (scan.switched) return 'again';
      if (scan.broken !== null) return { stopReason: 'error', reachedStart: false, problem: { code: 'page-changed', anchor: scan.broken } };
      if (this.pendingRows().length > 0) {
        const filled = await this.fillPending();
        if (filled === 'interrupted') return 'again';
        if (filled !== 'done') return { stopReason: 'error', reachedStart: false, problem: { code: 'page-changed', anchor: filled } };
        continue;
      }
      if (this.known.size === before) break;
    }
    if (this.lostPlace) return { stopReason: 'error', reachedStart: false, problem: { code: 'history-stalled' } };
    return { stopReason: 'reached-start', reachedStart: true };
  }

  /** One step back in history: click the gate if there is one, else scroll to the top. */
  private askOlder(): OlderAsk {
    const chat = this.chat;
    const rows = this.rows();
    const ask: OlderAsk = { first: rows[0] ?? null, count: rows.length, started: this.now(), gate: null };
    // The gate sits above the oldest row: click it once the list is at its top, like a user.
    ask.gate = chat.scroller.scrollTop <= 1 ? chat.historyGate() : null;
    if (ask.gate) ask.gate.click();
    else this.scrollTo(0);
    return ask;
  }

  /** Waits for the batch asked for (rows added above, the start, a gate, the end notice) or a time-out. */
  private async awaitOlder(ask: OlderAsk): Promise<'ok' | 'timeout' | 'interrupted'> {
    let sawLoading = false;
    const changed = () => {
      const now = this.rows();
      return now[0] !== ask.first || now.length !== ask.count;
    };
    const result = await this.watch.until(() => {
      if (this.interruptPending()) return true;
      const loading = this.chat.loading();
      sawLoading ||= loading;
      if (loading) return false;
      return changed() || this.chat.atStart() || this.chat.historyUnavailable() !== null || (ask.gate === null && this.chat.historyGate() !== null);
    }, this.batchTimeout());
    if (this.interruptPending()) return 'interrupted';
    if (result === 'ok' && changed()) {
      this.batches++;
      const took = this.now() - ask.started;
      this.latency = this.latency === null ? took : 0.7 * this.latency + 0.3 * took;
      return 'ok';
    }
    if (result === 'ok') return 'ok'; // the start, a gate or the end notice showed up: the loop decides
    if (!sawLoading) this.nudge();
    return 'timeout';
  }

  /** The chosen first day, once rows older than it were read; else null. */
  private pastRange(): string | null {
    const since = this.options.stopBefore;
    return since && this.oldestSure !== null && this.oldestSure < since ? since : null;
  }

  private batchTimeout(): number {
    const { minBatchTimeoutMs, maxBatchTimeoutMs, timeoutFactor } = this.timing;
    const guess = this.latency === null ? minBatchTimeoutMs : this.latency * timeoutFactor;
    return Math.min(maxBatchTimeoutMs, Math.max(minBatchTimeoutMs, guess));
  }

  /** Reads the mounted rows and sends what is new or richer, then the media of the rows read. */
  private async scan(): Promise<{ broken: string | null; pending: number; switched: boolean }> {
    const read = this.read();
    await this.send(read);
    return { broken: read.broken, pending: read.pending, switched: read.switched };
  }

  /**
   * Reads the mounted rows, in one task: rows read before and unchanged since (the watch's mutation
   * records say which changed) are not parsed again, so a batch costs its own rows, not the 20,000
   * a hollowing list keeps. Media fetches of the rows parsed begin here.
   */
  private read(): RowsRead {
    // Checked in the same task as the reading: not one row of another chat gets in.
    if (this.switched()) return { scanned: [], fetches: [], broken: null, pending: 0, switched: true };
    this.forgetChanged();
    const scanned: ScannedRow[] = [];
    const media: MediaSource[] = [];
    let broken: string | null = null;
    let pending = 0;
    // Rows unchanged since their last reading only place their neighbours: of a run of them, the
    // first and the last are enough (KnownItems.plan anchors new runs on the nearest known key).
    let unchangedRun = 0;
    for (const row of this.rows()) {
      const memo = this.memo.get(row);
      if (memo?.type === 'skip') continue;
      if (memo?.type === 'pending') {
        if (!this.known.has(memo.key)) {
          pending++;
          continue;
        }
        // Emptied since it was read: still a neighbour that places new rows.
        scanned.push({ key: memo.key });
        unchangedRun = 0;
        continue;
      }
      if (memo !== undefined && this.known.has(memo.key)) {
        if (unchangedRun >= 2) scanned[scanned.length - 1] = { key: memo.key };
        else scanned.push({ key: memo.key });
        unchangedRun++;
        continue;
      }
      unchangedRun = 0;
      let result: RowResult;
      try {
        result = this.chat.parseRow(row);
      } catch {
        result = { type: 'broken', anchor: 'message-row' };
      }
      this.rowsRead.add(row);
      if (result.type === 'skip') {
        if (result.key !== undefined) this.known.skipped(result.key);
        this.memo.set(row, { type: 'skip' });
        continue;
      }
      if (result.type === 'broken') {
        // Nothing above a row that cannot be read is kept: it would leave a gap that looks whole.
        broken ??= result.anchor;
        scanned.length = 0;
        media.length = 0;
        continue;
      }
      if (result.type === 'pending') {
        if (!this.known.has(result.key)) pending++;
        this.memo.set(row, { type: 'pending', key: result.key });
        scanned.push(result.optional ? { key: result.key, optional: true } : { key: result.key });
        continue;
      }
      this.memo.set(row, { type: 'item', key: result.item.key });
      scanned.push({ key: result.item.key, item: result.item });
      if (result.pendingKey !== undefined) this.known.alias(result.pendingKey, result.item.key);
      this.noteDay(result.item);
      for (const m of result.media) if (this.wantsMedia(m) && !media.some((x) => x.mediaKey === m.mediaKey)) media.push(m);
    }
    // Bytes first, all fetches begun in the same task as the reading (a blob: URL is resolved when
    // its fetch begins): sending waits for the worker, time in which the app may empty a row or draw
    // it again, revoking the URL just read. Memory: the images of the rows parsed now, at most.
    // Rows above a broken one were read but are not sent: read them again next time.
    if (broken !== null) this.forgetAll();
    const fetches = this.options.captureImages
      ? media.map(async (source) => ({ source, result: await this.fetchMedia(source.url) }))
      : [];
    return { scanned, fetches, broken, pending, switched: false };
  }

  /** Sends what read() found: items first, then each fetched image. */
  private async send(read: RowsRead, regained = 0): Promise<void> {
    const fetched = await Promise.all(read.fetches);
    // Checked against what is known once every earlier read was planned (reads run ahead of sends).
    if (this.phase === 'history' && read.broken === null && read.scanned.length > 0 && this.known.size > 0 && !read.scanned.some((r) => this.known.has(r.key))) {
      // Not one mounted row was read before: the list moved on by more than its window since the
      // last read (batches landed while it was being sent), so these rows have no neighbour to be
      // placed by. Go back down to the rows already read, then read from there.
      this.forgetAll();
      const place = regained < 3 ? await this.regainPlace() : 'lost';
      if (place === 'ok') {
        const again = this.read();
        if (!again.switched) await this.send(again, regained + 1);
        return;
      }
      if (place === 'lost') this.lostPlace = true;
      return;
    }
    const ops = this.known.plan(read.scanned);
    if (ops.length > 0) await this.sink.items(ops);
    for (const { source, result } of fetched) {
      if (result.ok) {
        this.mediaDone.add(source.mediaKey);
        this.mediaFailed.delete(source.mediaKey);
        await this.sink.media(source, result);
      } else {
        // Said once; a later success (the row drawn again with a fresh URL) replaces it in the worker.
        const first = !this.mediaFailed.has(source.mediaKey);
        this.mediaFailed.set(source.mediaKey, source.url);
        if (first) await this.sink.media(source, result);
      }
    }
    this.events.onProgress?.({ phase: this.phase, messages: this.known.messages, oldestDay: this.oldestDay, batches: this.batches });
  }

  /**
   * The chat's rows, listed again only when nodes were added or removed under the scroller: a
   * hollowing list keeps 20,000 rows in the DOM, and the engine asks for them several times a batch.
   */
  private rows(): Element[] {
    const version = this.watch.structure();
    const cached = this.rowList;
    if (cached !== null && cached.version === version && cached.chat === this.chat) return cached.rows;
    const rows = this.chat.rows();
    this.rowList = { version, chat: this.chat, rows };
    return rows;
  }

  /**
   * Drops the readings of rows that changed since the last read: a change inside a row (or to the
   * row itself), and the rows next to where rows were added or removed (a notice without an id is
   * keyed by the message below it). A change of attributes or text around the rows (a group's
   * header, say) may change how its rows read: everything is read again.
   */
  private forgetChanged(): void {
    const records = this.watch.takeChanges();
    if (records === null) {
      this.forgetAll();
      return;
    }
    for (const record of records) {
      let inRow = false;
      for (let node: Node | null = record.target; node !== null; node = node.parentNode) {
        if (node.nodeType === 1 && this.rowsRead.has(node as Element)) {
          inRow = true;
          this.memo.delete(node as Element);
        }
      }
      if (record.type === 'childList') {
        for (const near of [record.previousSibling, record.nextSibling]) if (near?.nodeType === 1) this.memo.delete(near as Element);
      } else if (!inRow) {
        this.forgetAll();
        return;
      }
    }
  }

  private forgetAll(): void {
    this.memo = new WeakMap();
  }

  /**
   * Scrolls down a screen at a time until a row already read is mounted again (the list re-creates
   * newer rows as they come near the viewport): a jump to the bottom would skip the rows between.
   */
  private async regainPlace(): Promise<'ok' | 'lost' | 'interrupted'> {
    const holdsKnown = () =>
      this.rows().some((row) => {
        const key = this.keyOf(row);
        return key !== null && this.known.has(key);
      });
    for (let i = 0; i < 200 && !holdsKnown(); i++) {
      const s = this.chat.scroller;
      const from = s.scrollTop;
      this.scrollTo(from + Math.max(1, s.clientHeight * 0.8));
      const moved = s.scrollTop !== from;
      // At the bottom of what is mounted: give the list a batch's time to add the newer rows.
      await this.watch.until(() => this.interruptPending() || holdsKnown(), moved ? this.timing.settleMs : this.batchTimeout());
      if (this.interruptPending()) return 'interrupted';
      if (!moved && !holdsKnown()) return 'lost';
    }
    return holdsKnown() ? 'ok' : 'lost';
  }

  /** Not yet fetched, or failed with another URL than the row shows now. */
  private wantsMedia(source: MediaSource): boolean {
    if (this.mediaDone.has(source.mediaKey)) return false;
    const failed = this.mediaFailed.get(source.mediaKey);
    return failed === undefined || failed !== source.url;
  }

  /**
   * Rows that are mounted but empty and were never read: wait for those in view to fill in (late
   * content), and bring the others into view one by one (lists like WhatsApp's draw content only
   * near the viewport, and a jump to the top skips the middle of a tall batch). Each row gets two
   * tries; one that never fills is counted as not read.
   */
  private async fillPending(): Promise<'done' | 'interrupted' | string> {
    for (let round = 0; round < 200; round++) {
      // A row that filled in after the last read (late content, between two reads) is read now:
      // the next step may scroll it away, and the list may empty it before it comes back.
      if (this.filledUnread()) {
        const scan = await this.scan();
        if (scan.broken !== null) return scan.broken;
        continue;
      }
      const pending = this.pendingRows();
      if (pending.length === 0) return 'done';
      const s = this.chat.scroller;
      const view = s.getBoundingClientRect();
      const inView = pending.filter(({ row }) => {
        const r = row.getBoundingClientRect();
        return r.bottom > view.top && r.top < view.bottom;
      });
      const targets = inView.length > 0 ? inView : [nearest(pending, view)];
      if (inView.length === 0) {
        const r = targets[0]!.row.getBoundingClientRect();
        this.scrollTo(s.scrollTop + (r.top - view.top) - (view.height - r.height) / 2);
      }
      for (const t of targets) this.tries.set(t.key, (this.tries.get(t.key) ?? 0) + 1);
      const result = await this.watch.until(
        // Filled in as anything (an item, a row to skip, a broken one): the scan below reads it.
        () => this.interruptPending() || targets.every(({ row }) => !row.isConnected || this.keyOf(row, 'pending') === null),
        this.timing.pendingWaitMs,
      );
      if (result === 'interrupted' || this.interruptPending()) return 'interrupted';
      const scan = await this.scan();
      if (scan.switched) return 'interrupted';
      if (scan.broken !== null) return scan.broken;
    }
    return 'done';
  }

  private readonly tries = new Map<string, number>();

  /** A mounted row reads as an item the capture does not have (rows unchanged since read are not parsed again). */
  private filledUnread(): boolean {
    this.forgetChanged();
    return this.rows().some((row) => {
      const memo = this.memo.get(row);
      if (memo?.type === 'skip' || (memo?.type === 'item' && this.known.has(memo.key))) return false;
      const key = this.keyOf(row, 'item');
      return key !== null && !this.known.has(key);
    });
  }

  private pendingRows(): { row: Element; key: string }[] {
    const out: { row: Element; key: string }[] = [];
    this.forgetChanged();
    for (const row of this.rows()) {
      const memo = this.memo.get(row);
      if (memo !== undefined && memo.type !== 'pending') continue;
      const key = memo?.key ?? this.keyOf(row, 'pending');
      if (key !== null && !this.known.has(key) && (this.tries.get(key) ?? 0) < 2) out.push({ row, key });
    }
    return out;
  }

  private noteDay(item: CapturedItem): void {
    const day = itemDay(item, this.options.language);
    if (day !== null && (this.oldestDay === null || day < this.oldestDay)) this.oldestDay = day;
    if (!this.options.stopBefore) return;
    const sure = itemDay(item, this.options.language, 'latest');
    if (sure !== null && (this.oldestSure === null || sure < this.oldestSure)) this.oldestSure = sure;
  }

  /** Scrolls to the newest message, reading on the way, until the bottom holds still. */
  private async toNewest(): Promise<Checkpoint> {
    for (let i = 0; i < 50; i++) {
      const checkpoint = await this.checkpoint();
      if (checkpoint !== 'go') return checkpoint;
      const s = this.chat.scroller;
      const before = this.rows();
      this.scrollTo(s.scrollHeight);
      await this.watch.settle(this.timing.settleMs, this.timing.maxBatchTimeoutMs);
      const scan = await this.scan();
      if (scan.broken !== null) {
        this.brokenAnchor = scan.broken;
        return 'gone';
      }
      const after = this.rows();
      const still = after.length === before.length && after[after.length - 1] === before[before.length - 1];
      if (this.atBottom() && still) return 'go';
    }
    return 'go';
  }

  private atBottom(): boolean {
    const s = this.chat.scroller;
    return s.scrollTop + s.clientHeight >= s.scrollHeight - 4;
  }

  private savePosition(): SavedPosition {
    const s = this.chat.scroller;
    const top = s.getBoundingClientRect().top;
    for (const row of this.rows()) {
      const rect = row.getBoundingClientRect();
      if (rect.bottom <= top) continue;
      const key = this.keyOf(row);
      if (key === null) continue;
      return { atBottom: this.atBottom(), anchorKey: key, anchorOffset: rect.top - top };
    }
    return { atBottom: this.atBottom(), anchorKey: null, anchorOffset: 0 };
  }

  /** The row's key (only when it parses as `only`, if given). */
  private keyOf(row: Element, only?: 'item' | 'pending'): string | null {
    try {
      const r = this.chat.parseRow(row);
      if (only !== undefined && r.type !== only) return null;
      return r.type === 'item' ? r.item.key : r.type === 'pending' ? r.key : null;
    } catch {
      return null;
    }
  }

  /** Back to the newest (reading what arrived), then to the row the user was looking at. */
  private async restore(saved: SavedPosition, read: boolean): Promise<'ok' | 'cancel'> {
    // Stop and pauses no longer apply: this is the way back. Cancel stops the reading (run() then keeps nothing).
    this.pauseReason = null;
    const open = this.adapter.openChat(this.doc);
    if (open === null || this.isOther(open)) return 'ok';
    this.chat = open;
    // To the bottom in jumps as long as the list keeps drawing newer rows (an unmounting list adds
    // a batch per jump: 20,000 messages take hundreds); each jump waits only until the list changes,
    // and the list is told at once (a scroll event now, not at the next frame). Rows on the way
    // were read on the way up: they are read again only from where the newest mounted row is one
    // the capture does not have (what arrived meanwhile), and once at the bottom. Done once the
    // bottom is reached and a quiet settleMs adds nothing. restoreMs bounds a time without
    // progress, not the way back.
    let deadline = this.now() + this.timing.restoreMs;
    while (this.now() < deadline) {
      const before = this.rows();
      const last = before[before.length - 1];
      const s = this.chat.scroller;
      this.scrollTo(s.scrollHeight);
      s.dispatchEvent(new Event('scroll'));
      const moved = () => {
        const rows = this.rows();
        return rows.length !== before.length || rows[rows.length - 1] !== last;
      };
      const result = await this.watch.until(moved, this.timing.settleMs);
      const progressed = result === 'ok' || moved();
      if (read && !this.cancelRequested && (!progressed || this.newestUnread())) await this.scan();
      if (progressed) {
        deadline = this.now() + this.timing.restoreMs;
        continue;
      }
      if (this.atBottom()) break;
    }
    if (saved.atBottom || saved.anchorKey === null) return 'ok';
    while (this.now() < deadline) {
      const row = this.rows().find((r) => this.keyOf(r) === saved.anchorKey);
      const s = this.chat.scroller;
      if (row) {
        const offset = row.getBoundingClientRect().top - s.getBoundingClientRect().top;
        this.scrollTo(s.scrollTop + offset - saved.anchorOffset);
        return 'ok';
      }
      if (s.scrollTop <= 0) return 'ok';
      this.scrollTo(Math.max(0, s.scrollTop - Math.max(1, s.clientHeight * 0.8)));
      await this.watch.settle(this.timing.settleMs, this.timing.maxBatchTimeoutMs);
    }
    return 'ok';
  }

  /** Whether one of the newest mounted rows holds an item the capture does not have yet. */
  private newestUnread(): boolean {
    const rows = this.rows();
    for (let i = rows.length - 1, looked = 0; i >= 0 && looked < 3; i--) {
      const row = rows[i]!;
      const key = this.memo.get(row)?.type === 'skip' ? null : this.keyOf(row);
      if (key === null) continue;
      if (!this.known.has(key)) return true;
      looked++;
    }
    return false;
  }

  /** Between steps: honours Cancel, Stop and pauses, and follows the chat (re-rendered, switched, gone). */
  private async checkpoint(): Promise<Checkpoint> {
    for (;;) {
      if (this.cancelRequested) return 'cancel';
      if (this.stopRequested) return 'stop';
      if (this.pauseReason !== null) {
        await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
        continue;
      }
      let open = this.adapter.openChat(this.doc);
      if (open === null) {
        await this.watch.until(() => this.adapter.openChat(this.doc) !== null || this.interruptPending(), this.timing.chatGoneGraceMs);
        if (this.interruptPending()) continue;
        open = this.adapter.openChat(this.doc);
        if (open === null) {
          // The user closed the chat or went elsewhere in the app (a chat is found at the start, so
          // its anchors were there): like switching chat, wait for it to come back and Resume.
          this.pause('chat-closed');
          continue;
        }
      }
      if (this.isOther(open)) {
        this.pause('chat-switched');
        continue;
      }
      if (open.scroller !== this.chat.scroller) {
        this.unlisten();
        this.listen(open.scroller);
        this.watch.retarget(open.scroller);
      }
      this.chat = open;
      return 'go';
    }
  }

  /** Another chat is open now (the user switched): pauses, and says so to the caller. */
  private switched(): boolean {
    const open = this.adapter.openChat(this.doc);
    if (open === null || !this.isOther(open)) return false;
    this.pause('chat-switched');
    return true;
  }

  /** An identity of '' names nothing (a header drawn without its title yet): no evidence of a switch. */
  private isOther(open: ChatView): boolean {
    return open.identity !== '' && this.identity !== '' && open.identity !== this.identity;
  }

  private interruptPending(): boolean {
    return this.cancelRequested || this.stopRequested || this.pauseReason !== null;
  }

  private pause(reason: PauseReason): void {
    if (this.pauseReason !== null || !this.running || this.phase === 'returning') return;
    this.pauseReason = reason;
    this.events.onPause?.(reason);
    this.watch.interrupt();
  }

  private wake(): void {
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of waiters) w();
    this.watch.interrupt();
  }

  private scrollTo(top: number): void {
    const s = this.chat.scroller;
    s.scrollTop = top;
  }

  /**
   * A scroll to where the list already is fires no scroll event, and some lists load only on one:
   * after a quiet time-out, tell the list it is at the top.
   */
  private nudge(): void {
    const s = this.chat.scroller;
    s.scrollTop = 0;
    s.dispatchEvent(new Event('scroll'));
  }

  private readonly onUserInput = (event: Event) => {
    if (event.type === 'keydown' && !SCROLL_KEYS.has((event as KeyboardEvent).key)) return;
    // A press on the list's own box (not a row) is a grab of its scroll bar.
    if (event.type === 'mousedown' && event.target !== this.listening) return;
    this.pause('user-scrolled');
  };

  private listen(scroller: HTMLElement): void {
    this.listening = scroller;
    for (const type of USER_INPUT) scroller.addEventListener(type, this.onUserInput, { capture: true, passive: true });
  }

  private unlisten(): void {
    const s = this.listening;
    if (!s) return;
    for (const type of USER_INPUT) s.removeEventListener(type, this.onUserInput, { capture: true });
    this.listening = null;
  }
}

function nearest<T extends { row: Element }>(rows: T[], view: DOMRect): T {
  let best = rows[0]!;
  let bestDistance = Infinity;
  for (const entry of rows) {
    const r = entry.row.getBoundingClientRect();
    const distance = r.bottom <= view.top ? view.top - r.bottom : r.top >= view.bottom ? r.top - view.bottom : 0;
    if (distance < bestDistance) {
      best = entry;
      bestDistance = distance;
    }
  }
  return best;
}
