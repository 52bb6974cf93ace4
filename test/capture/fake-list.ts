// A chat page for the engine's unit tests, in happy-dom: a virtual message list that behaves like
// the real ones (research notes §7.3) with a layout of its own (happy-dom has none): fixed row
// heights, a scrollTop that clamps and fires 'scroll', older history loaded in lazy batches behind
// a spinner when the list is scrolled near the top (the offset restored after a prepend), rows
// removed ('unmount') or emptied ('hollow') far from the viewport, rows filled in late, an optional
// "load older messages" gate, and counters of what it did. The adapter below reads it the way a
// site adapter reads a real page.
import type { CapturedItem, ChatView, RowResult, SiteAdapter } from '../../src/capture/adapter';

export interface FakeListOptions {
  total: number;
  initial?: number;
  batch?: number;
  window?: number;
  latency?: number;
  mode?: 'unmount' | 'hollow';
  rowHeight?: number;
  viewport?: number;
  hydrateDelay?: number;
  /** Index (oldest = 0) at or below which older history waits behind a gate click. */
  gateAt?: number;
  gateLatency?: number;
  /** Older history stops loading below this index, with the site's "use your phone" words. */
  unavailableBelow?: number;
  /** Older history never arrives below this index (a stalled network). */
  stallBelow?: number;
  /** Reactions appear on a row this long after it is filled in (late fields). */
  reactionsDelay?: number;
  chatId?: string;
}

export interface FakeMessage {
  id: string;
  text: string;
  unix: number;
}

export const DAY = 86_400;
const BASE_UNIX = 1_700_000_000;

export function makeMessages(total: number, from = 0): FakeMessage[] {
  return Array.from({ length: total }, (_, i) => ({
    id: `m${from + i}`,
    text: `message ${from + i}`,
    unix: BASE_UNIX + (from + i) * 3600,
  }));
}

export class FakeList {
  readonly messages: FakeMessage[];
  readonly scroller: HTMLElement;
  readonly header: HTMLElement;
  readonly root: HTMLElement;
  loadedFrom: number;
  private top = 0;
  private fetching = false;
  private gateOpen = false;
  private readonly o: Required<Omit<FakeListOptions, 'gateAt' | 'unavailableBelow' | 'stallBelow' | 'reactionsDelay'>> &
    Pick<FakeListOptions, 'gateAt' | 'unavailableBelow' | 'stallBelow' | 'reactionsDelay'>;
  readonly stats = { removed: 0, emptied: 0, batches: 0, gateClicks: 0, scrollEvents: 0 };
  private readonly mounted = new Map<string, HTMLElement>();
  private readonly hydrated = new Set<string>();
  private readonly withReactions = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  spinner: HTMLElement | null = null;
  gate: HTMLElement | null = null;
  unavailable: HTMLElement | null = null;
  /** Rows whose id attribute the "site" renamed (a page change). */
  brokenFrom: number | null = null;

  constructor(
    private readonly doc: Document,
    options: FakeListOptions,
  ) {
    this.o = {
      initial: 40,
      batch: 30,
      window: 80,
      latency: 20,
      mode: 'unmount',
      rowHeight: 20,
      viewport: 200,
      hydrateDelay: 0,
      gateLatency: 40,
      chatId: 'chat-1',
      ...options,
    };
    this.messages = makeMessages(options.total);
    this.loadedFrom = Math.max(0, this.messages.length - this.o.initial);
    this.root = doc.createElement('div');
    this.root.id = 'chat';
    this.root.dataset.chatId = this.o.chatId;
    this.header = doc.createElement('header');
    this.header.textContent = 'Chat with Alice';
    this.scroller = doc.createElement('div');
    this.scroller.className = 'list';
    this.scroller.tabIndex = 0;
    this.root.append(this.header, this.scroller);
    doc.body.append(this.root);
    this.defineLayout();
    this.top = this.maxTop();
    this.render();
  }

  get chatId(): string {
    return this.o.chatId;
  }

  /** New messages arriving at the bottom during the capture. */
  arrive(count: number): FakeMessage[] {
    const fresh = makeMessages(count, this.messages.length);
    this.messages.push(...fresh);
    this.render();
    return fresh;
  }

  /** What the list shows the user (the ground truth), oldest first. */
  groundTruth(from = 0): string[] {
    return this.messages.slice(from).map((m) => `k:${m.id}`);
  }

  get scrollTop(): number {
    return this.top;
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.root.remove();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private maxTop(): number {
    return Math.max(0, this.contentHeight() - this.o.viewport);
  }

  private contentHeight(): number {
    return (this.messages.length - this.loadedFrom) * this.o.rowHeight;
  }

  private defineLayout(): void {
    const list = this;
    Object.defineProperties(this.scroller, {
      scrollTop: {
        get: () => list.top,
        set: (v: number) => {
          const next = Math.min(list.maxTop(), Math.max(0, Math.round(v)));
          if (next === list.top) return;
          list.top = next;
          list.later(0, () => list.scroller.dispatchEvent(new Event('scroll')));
        },
      },
      scrollHeight: { get: () => list.contentHeight() },
      clientHeight: { get: () => list.o.viewport },
      getBoundingClientRect: { value: () => rect(0, list.o.viewport) },
    });
    this.scroller.addEventListener('scroll', () => {
      this.stats.scrollEvents++;
      this.render();
      this.maybeLoad();
    });
  }

  private maybeLoad(): void {
    if (this.fetching || this.loadedFrom === 0 || this.top > 60) return;
    if (this.o.unavailableBelow !== undefined && this.loadedFrom <= this.o.unavailableBelow) return;
    if (this.o.gateAt !== undefined && this.loadedFrom <= this.o.gateAt && !this.gateOpen) return;
    this.fetching = true;
    this.render();
    if (this.o.stallBelow !== undefined && this.loadedFrom <= this.o.stallBelow) return; // never lands
    this.later(this.o.latency, () => this.land());
  }

  private land(): void {
    const from = Math.max(0, this.loadedFrom - this.o.batch);
    const added = this.loadedFrom - from;
    this.loadedFrom = from;
    this.fetching = false;
    this.gateOpen = false;
    this.stats.batches++;
    // Keep what the user sees where it was: the offset grows by the rows added above.
    this.top += added * this.o.rowHeight;
    this.render();
  }

  clickGate(): void {
    this.stats.gateClicks++;
    this.gate?.remove();
    this.gate = null;
    this.fetching = true;
    this.render();
    this.later(this.o.gateLatency, () => {
      this.gateOpen = true;
      this.land();
    });
  }

  /** Mounts the rows around the viewport, removes or empties the rest. */
  render(): void {
    const h = this.o.rowHeight;
    const firstVisible = this.loadedFrom + Math.floor(this.top / h);
    const lastVisible = this.loadedFrom + Math.ceil((this.top + this.o.viewport) / h);
    const screen = Math.ceil(this.o.viewport / h);
    let lo: number, hi: number;
    if (this.o.mode === 'unmount') {
      const half = Math.floor((this.o.window - (lastVisible - firstVisible)) / 2);
      lo = Math.max(this.loadedFrom, firstVisible - half);
      hi = Math.min(this.messages.length, lo + this.o.window);
      lo = Math.max(this.loadedFrom, hi - this.o.window);
    } else {
      lo = this.loadedFrom;
      hi = this.messages.length;
    }
    const keep = new Set<string>();
    const ordered: HTMLElement[] = [];
    for (let i = lo; i < hi; i++) {
      const m = this.messages[i]!;
      keep.add(m.id);
      let row = this.mounted.get(m.id);
      if (!row) {
        row = this.createRow(i, m);
        this.mounted.set(m.id, row);
      }
      const near = i >= firstVisible - screen && i <= lastVisible + screen;
      if (this.o.mode === 'hollow') {
        if (!near && row.dataset.text !== undefined) {
          this.empty(row);
          this.stats.emptied++;
        } else if (near && row.dataset.hollow !== undefined) {
          this.scheduleFill(row, m);
        }
      }
      ordered.push(row);
    }
    for (const [id, row] of this.mounted) {
      if (!keep.has(id)) {
        row.remove();
        this.mounted.delete(id);
        this.hydrated.delete(id);
        this.stats.removed++;
      }
    }
    const extras: HTMLElement[] = [];
    this.spinner = this.fetching && !this.gate ? (this.spinner ?? this.make('spinner')) : null;
    if (this.spinner) extras.push(this.spinner);
    const gated =
      this.o.gateAt !== undefined && this.loadedFrom > 0 && this.loadedFrom <= this.o.gateAt && !this.gateOpen && !this.fetching && lo === this.loadedFrom;
    this.gate = gated ? (this.gate ?? this.makeGate()) : null;
    if (this.gate) extras.push(this.gate);
    const unavailable = this.o.unavailableBelow !== undefined && this.loadedFrom > 0 && this.loadedFrom <= this.o.unavailableBelow;
    this.unavailable = unavailable ? (this.unavailable ?? this.make('unavailable', 'Use your phone to see older messages')) : null;
    if (this.unavailable) extras.push(this.unavailable);
    const start = this.loadedFrom === 0 && lo === 0 ? this.make('start') : null;
    if (start) extras.push(start);
    const wanted = [...extras, ...ordered];
    // Only touch the DOM where it differs, like a real list diff.
    const current = [...this.scroller.children];
    if (current.length !== wanted.length || current.some((el, i) => el !== wanted[i])) this.scroller.replaceChildren(...wanted);
  }

  private make(kind: string, text = ''): HTMLElement {
    const el = this.doc.createElement('div');
    el.dataset[kind] = '';
    el.textContent = text;
    return el;
  }

  private makeGate(): HTMLElement {
    const el = this.make('gate', 'Click this message to load older messages from your phone');
    el.addEventListener('click', () => this.clickGate());
    return el;
  }

  private createRow(index: number, m: FakeMessage): HTMLElement {
    const row = this.doc.createElement('div');
    row.dataset.row = '';
    if (this.brokenFrom !== null && index <= this.brokenFrom) row.dataset.renamedId = m.id;
    else row.dataset.id = m.id;
    const list = this;
    Object.defineProperty(row, 'getBoundingClientRect', {
      value: () => {
        const i = list.messages.indexOf(m);
        const top = (i - list.loadedFrom) * list.o.rowHeight - list.top;
        return rect(top, top + list.o.rowHeight);
      },
    });
    if (this.o.hydrateDelay > 0 || this.o.mode === 'hollow') {
      row.dataset.hollow = '';
      if (this.o.mode !== 'hollow') this.scheduleFill(row, m);
    } else this.fill(row, m);
    return row;
  }

  private scheduleFill(row: HTMLElement, m: FakeMessage): void {
    if (this.hydrated.has(m.id)) return;
    this.hydrated.add(m.id);
    if (this.o.hydrateDelay === 0) this.fill(row, m);
    else this.later(this.o.hydrateDelay, () => this.fill(row, m));
  }

  private fill(row: HTMLElement, m: FakeMessage): void {
    delete row.dataset.hollow;
    row.dataset.text = m.text;
    row.dataset.unix = String(m.unix);
    row.textContent = m.text;
    if (this.o.reactionsDelay !== undefined) {
      if (this.withReactions.has(m.id)) row.dataset.reactions = '1';
      else
        this.later(this.o.reactionsDelay, () => {
          this.withReactions.add(m.id);
          if (row.dataset.text !== undefined) row.dataset.reactions = '1';
        });
    }
  }

  private empty(row: HTMLElement): void {
    delete row.dataset.text;
    delete row.dataset.unix;
    delete row.dataset.reactions;
    row.dataset.hollow = '';
    row.textContent = '';
    this.hydrated.delete(row.dataset.id ?? '');
  }
}

function rect(top: number, bottom: number): DOMRect {
  return { top, bottom, left: 0, right: 300, width: 300, height: bottom - top, x: 0, y: top, toJSON: () => ({}) } as DOMRect;
}

/** Reads the fake list as a site adapter reads a real page. */
export function fakeAdapter(getList: () => FakeList | null): SiteAdapter {
  const view = (list: FakeList): ChatView => ({
    id: list.chatId,
    title: 'Alice',
    identity: `id:${list.chatId}`,
    header: list.header,
    scroller: list.scroller,
    rows: () => [...list.scroller.querySelectorAll('[data-row]')],
    parseRow(row: Element): RowResult {
      const el = row as HTMLElement;
      const id = el.dataset.id;
      if (id === undefined) return { type: 'broken', anchor: 'message-id' };
      if (el.dataset.text === undefined) return { type: 'pending', key: `k:${id}` };
      const item: CapturedItem = {
        type: 'message',
        key: `k:${id}`,
        message: {
          key: `k:${id}`,
          siteId: id,
          kind: 'text',
          direction: 'in',
          text: el.dataset.text,
          time: { unix: Number(el.dataset.unix) },
          ...(el.dataset.reactions ? { reactions: [{ emoji: '👍', count: 1 }] } : {}),
        },
      };
      const media = el.dataset.media ? [{ mediaKey: `media:${id}`, url: el.dataset.media }] : [];
      return { type: 'item', item, media };
    },
    loading: () => list.spinner !== null,
    atStart: () => list.scroller.querySelector('[data-start]') !== null,
    historyGate: () => list.scroller.querySelector<HTMLElement>('[data-gate]'),
    historyUnavailable: () => list.scroller.querySelector('[data-unavailable]')?.textContent ?? null,
  });
  return {
    site: 'whatsapp',
    name: 'Fake',
    anchors: [{ name: 'message-id', description: 'row id', forms: ['[data-id]'], required: true }],
    matches: () => true,
    openChat: () => {
      const list = getList();
      return list && list.root.isConnected ? view(list) : null;
    },
    probe: () => ({ 'message-id': 0 }),
    // Every row carries its unix time, as Telegram K's do.
    finalize: (items) => ({
      messages: items.flatMap((item) => {
        if (item.type !== 'message') return [];
        const { time, ...rest } = item.message;
        const value = new Date((time.unix ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        return [{ ...rest, timestamp: { value, precision: 'second' as const, source: 'data-timestamp' as const } }];
      }),
      participants: [],
      warnings: [],
      timestampsAreLocal: false,
    }),
  };
}
