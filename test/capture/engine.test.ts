// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaSource } from '../../src/capture/adapter';
import { CaptureEngine, NoChatOpenError, type CaptureSink, type EngineOptions, type Progress } from '../../src/capture/engine';
import type { FetchedMedia } from '../../src/capture/media';
import type { ItemOp } from '../../src/capture/protocol';
import { ItemSequence } from '../../src/backup/capture-sequence';
import { fakeAdapter, FakeList, type FakeListOptions } from './fake-list';
import { whatsapp } from '../../src/capture/sites/whatsapp';
import { generate, type Generated } from '../fixtures/sites/whatsapp/generate.mjs';
import { renderItem, shellHtml } from '../fixtures/sites/whatsapp/render.mjs';

const FAST = { minBatchTimeoutMs: 150, maxBatchTimeoutMs: 400, pollMs: 15, settleMs: 30, pendingWaitMs: 300, chatGoneGraceMs: 60, restoreMs: 5000 };

class RecordingSink implements CaptureSink {
  readonly sequence = new ItemSequence();
  readonly ops: ItemOp[] = [];
  readonly mediaSeen: { source: MediaSource; fetched: FetchedMedia }[] = [];
  onItems: (() => void) | null = null;
  /** What the page does while this send is on its way (awaited). */
  whileSending: (() => Promise<void>) | null = null;
  /** How long sending a scan takes (the worker's round trip), during which the page goes on. */
  delayMs = 0;
  async items(ops: ItemOp[]): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await this.whileSending?.();
    for (const op of ops) {
      this.ops.push(op);
      this.sequence.apply(op);
    }
    this.onItems?.();
  }
  async media(source: MediaSource, fetched: FetchedMedia): Promise<void> {
    this.mediaSeen.push({ source, fetched });
  }
  keys(): string[] {
    return this.sequence.toArray().map((i) => i.key);
  }
}

let list: FakeList | null = null;
afterEach(() => {
  list?.dispose();
  list = null;
});

function setup(options: FakeListOptions, engineOptions: Partial<EngineOptions> = {}, events = {}) {
  list = new FakeList(document, options);
  const sink = new RecordingSink();
  const progress: Progress[] = [];
  const engine = new CaptureEngine(
    fakeAdapter(() => list),
    document,
    sink,
    { captureImages: true, timing: FAST, ...engineOptions },
    { onProgress: (p: Progress) => progress.push(p), ...events },
  );
  return { list: list, sink, engine, progress };
}

describe('CaptureEngine', () => {
  it('scrolls the whole history in, newest to oldest, and keeps every message once and in order', async () => {
    const { list, sink, engine, progress } = setup({ total: 400, window: 60, batch: 30 });
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true, problems: [], messages: 400 });
    expect(sink.keys()).toEqual(list.groundTruth());
    expect(list.stats.removed).toBeGreaterThan(300); // the list really unmounted far rows
    expect(list.stats.batches).toBe(12);
    expect(progress.at(-1)?.messages).toBe(400);
    expect(progress.some((p) => p.phase === 'history')).toBe(true);
    expect(outcome.kind === 'finished' && outcome.oldestDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('reads rows that fill in late and rows emptied far from the viewport (WhatsApp-style hollowing)', async () => {
    const { list, sink, engine } = setup({ total: 300, mode: 'hollow', hydrateDelay: 15, batch: 40 });
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', reachedStart: true, problems: [] });
    expect(sink.keys()).toEqual(list.groundTruth());
    expect(list.stats.emptied).toBeGreaterThan(100);
    for (const item of sink.sequence) expect(item.type === 'message' && item.message.text).toBeTruthy();
  });

  it('at the start, reads the rows that filled in while the scan before was being sent, before leaving', async () => {
    // Every batch mounts its rows empty; they fill in while the slow sink holds the scan that saw
    // them empty, so no row is left to wait for, yet none of them was read: the start must not end there.
    const { list, sink, engine } = setup({ total: 200, window: 60, batch: 30, hydrateDelay: 10, latency: 30 });
    sink.delayMs = 40;
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true, problems: [], messages: 200 });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('when more than a window of older rows landed while a scan was being sent, goes back to the rows it read and places the new ones before them', async () => {
    const { list, sink, engine } = setup({ total: 300, window: 60, batch: 30, latency: 10 });
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let jumped = false;
    sink.whileSending = async () => {
      if (jumped || sink.sequence.size < 120) return;
      jumped = true;
      // Two batches land (60 rows, a whole window) and the list shows them: no row read so far is mounted.
      for (let i = 0; i < 2; i++) {
        list.scroller.scrollTop = 0;
        await pause(60);
      }
      list.scroller.scrollTop = 0;
      await pause(5);
    };
    const outcome = await engine.run();
    expect(jumped).toBe(true);
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true, problems: [], messages: 300 });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('merges fields that appear late: a re-read row with more in it updates the item', async () => {
    const { sink, engine } = setup({ total: 120, reactionsDelay: 40, latency: 60 });
    await engine.run();
    const updates = sink.ops.filter((op) => op.op === 'update');
    expect(updates.length).toBeGreaterThan(0);
    const withReactions = sink.sequence.toArray().filter((i) => i.type === 'message' && i.message.reactions);
    expect(withReactions.length).toBeGreaterThan(0);
    expect(sink.sequence.size).toBe(120);
  });

  it('appends messages that arrive during the capture once, after the newest', async () => {
    const { list, sink, engine } = setup({ total: 300, window: 60 });
    let arrived = false;
    sink.onItems = () => {
      if (!arrived && sink.sequence.size > 150) {
        arrived = true;
        list.arrive(5);
      }
    };
    const outcome = await engine.run();
    expect(arrived).toBe(true);
    expect(outcome).toMatchObject({ kind: 'finished', reachedStart: true, messages: 305 });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('clicks the "load older messages" gate and goes on', async () => {
    const { list, sink, engine } = setup({ total: 200, gateAt: 100 });
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', reachedStart: true });
    expect(list.stats.gateClicks).toBeGreaterThan(0);
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('stops with the site words when older history is unavailable', async () => {
    const { sink, engine } = setup({ total: 200, unavailableBelow: 100 });
    const outcome = await engine.run();
    expect(outcome).toMatchObject({
      kind: 'finished',
      stopReason: 'history-unavailable',
      reachedStart: false,
      problems: [{ code: 'history-unavailable', text: 'Use your phone to see older messages' }],
    });
    expect(sink.sequence.size).toBeGreaterThanOrEqual(100);
  });

  it('stops as stalled after repeated time-outs with no new rows', async () => {
    const { list, sink, engine } = setup({ total: 200, stallBelow: 120 });
    const started = performance.now();
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'error', reachedStart: false, problems: [{ code: 'history-stalled' }] });
    expect(sink.keys()).toEqual(list.groundTruth(list.loadedFrom));
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * FAST.minBatchTimeoutMs);
  });

  it('stops with "page changed" when rows lose a required anchor, keeping only what it read', async () => {
    const { list, sink, engine } = setup({ total: 200 });
    list.brokenFrom = 90;
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'error', reachedStart: false, problems: [{ code: 'page-changed', anchor: 'message-id' }] });
    expect(sink.keys()).toEqual(list.groundTruth(91));
  });

  it('pauses when the chat is closed mid-capture, and goes on once it is open again and Resume is pressed', async () => {
    const pauses: string[] = [];
    const { list, sink, engine } = setup({ total: 300 }, {}, { onPause: (r: string) => pauses.push(r) });
    let closed = false;
    sink.onItems = () => {
      if (!closed && sink.sequence.size > 100) {
        closed = true;
        list.root.remove();
      }
    };
    const run = engine.run();
    await waitUntil(() => pauses.length > 0);
    expect(pauses).toEqual(['chat-closed']);
    engine.resume();
    expect(engine.paused).toBe('chat-closed');
    expect(pauses).toEqual(['chat-closed', 'chat-closed']);
    document.body.append(list.root);
    engine.resume();
    const outcome = await run;
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true, problems: [] });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('Stop here while the chat is closed keeps what was read', async () => {
    const pauses: string[] = [];
    const { list, sink, engine } = setup({ total: 300 }, {}, { onPause: (r: string) => pauses.push(r) });
    sink.onItems = () => {
      if (sink.sequence.size > 100 && list.root.isConnected) list.root.remove();
    };
    const run = engine.run();
    await waitUntil(() => pauses.length > 0);
    engine.stop();
    const outcome = await run;
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'user-stopped', reachedStart: false });
    expect(sink.keys()).toEqual(list.groundTruth(300 - sink.keys().length));
  });

  it('pauses when the user scrolls the list and goes on after Resume', async () => {
    const pauses: string[] = [];
    let resumed = 0;
    const { list, sink, engine } = setup({ total: 300 }, {}, { onPause: (r: string) => pauses.push(r), onResume: () => resumed++ });
    let wheeled = false;
    sink.onItems = () => {
      if (!wheeled && sink.sequence.size > 100) {
        wheeled = true;
        list.scroller.dispatchEvent(new WheelEvent('wheel', { deltaY: -100 }));
      }
    };
    const run = engine.run();
    await waitUntil(() => pauses.length > 0);
    expect(engine.paused).toBe('user-scrolled');
    const sizeWhilePaused = sink.sequence.size;
    await sleep(200);
    expect(sink.sequence.size).toBe(sizeWhilePaused);
    engine.resume();
    const outcome = await run;
    expect(resumed).toBe(1);
    expect(outcome).toMatchObject({ kind: 'finished', reachedStart: true });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('pauses when the user switches chat, and resumes only in the same chat', async () => {
    const pauses: string[] = [];
    const { list, sink, engine } = setup({ total: 300 }, {}, { onPause: (r: string) => pauses.push(r) });
    const original = list.root.dataset.chatId!;
    let switched = false;
    // The fake adapter reads the id from the list object: swap it as an SPA would.
    sink.onItems = () => {
      if (!switched && sink.sequence.size > 100) {
        switched = true;
        Object.defineProperty(list, 'chatId', { get: () => 'chat-2', configurable: true });
      }
    };
    const run = engine.run();
    await waitUntil(() => pauses.length > 0);
    expect(pauses).toEqual(['chat-switched']);
    engine.resume();
    expect(pauses).toEqual(['chat-switched', 'chat-switched']);
    expect(engine.paused).toBe('chat-switched');
    Object.defineProperty(list, 'chatId', { get: () => original, configurable: true });
    engine.resume();
    const outcome = await run;
    expect(outcome).toMatchObject({ kind: 'finished', reachedStart: true });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('Stop here keeps what was read, marked incomplete, and nothing invented', async () => {
    const { list, sink, engine } = setup({ total: 400 });
    sink.onItems = () => {
      if (sink.sequence.size > 150) engine.stop();
    };
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'user-stopped', reachedStart: false });
    const keys = sink.keys();
    expect(keys.length).toBeLessThan(400);
    expect(keys).toEqual(list.groundTruth(400 - keys.length));
  });

  it('Stop here works while paused', async () => {
    const { list, sink, engine } = setup({ total: 300 }, {}, {});
    let wheeled = false;
    sink.onItems = () => {
      if (!wheeled && sink.sequence.size > 60) {
        wheeled = true;
        list.scroller.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageUp', bubbles: true }));
      }
    };
    const run = engine.run();
    await waitUntil(() => engine.paused !== null);
    engine.stop();
    expect(await run).toMatchObject({ kind: 'finished', stopReason: 'user-stopped', reachedStart: false });
  });

  it('Cancel ends with nothing to keep', async () => {
    const { sink, engine } = setup({ total: 300 });
    sink.onItems = () => {
      if (sink.sequence.size > 100) engine.cancel();
    };
    expect(await engine.run()).toEqual({ kind: 'cancelled' });
  });

  it('Cancel on the way back (returning) still keeps nothing, and reads nothing more', async () => {
    let sizeAtCancel = -1;
    const { list, sink, engine } = setup({ total: 120 }, {}, {
      onProgress: (p: Progress) => {
        if (p.phase !== 'returning' || sizeAtCancel >= 0) return;
        engine.cancel();
        sizeAtCancel = sink.sequence.size;
        // New messages at the bottom: the way back would read them.
        list.arrive(3);
      },
    });
    expect(await engine.run()).toEqual({ kind: 'cancelled' });
    expect(sizeAtCancel).toBeGreaterThan(0);
    expect(sink.sequence.size).toBe(sizeAtCancel);
  });

  it('stops at the chosen history range: every message since the day, never claiming the start', async () => {
    // 400 messages an hour apart: about 16 days.
    list = new FakeList(document, { total: 400 });
    const cut = new Date(list.messages[200]!.unix * 1000);
    const day = localDay(cut);
    const sink = new RecordingSink();
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, { captureImages: true, timing: FAST, stopBefore: day });
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'user-stopped', reachedStart: false, problems: [{ code: 'history-range', since: day }] });
    expect(sink.sequence.size).toBeLessThan(400);
    // Every message of the chosen day and after is there, in order; older ones only from the last batch.
    const since = list.messages.filter((m) => localDay(new Date(m.unix * 1000)) >= day).map((m) => `k:${m.id}`);
    const keys = sink.keys();
    expect(keys.slice(keys.length - since.length)).toEqual(since);
    expect(keys.length - since.length).toBeLessThanOrEqual(30 + 40);
  });

  it('a written date that reads both ways never stops the range early (day-first page, month-first language)', async () => {
    // 400 messages an hour apart, 14 Nov to 1 Dec 2023, written "[10:15, 01/12/2023] " as a
    // day-first WhatsApp page writes them; the page's language (en-US) suggests month-first, which
    // would read the newest day as 12 January, before any chosen day in November.
    list = new FakeList(document, { total: 400 });
    const base = fakeAdapter(() => list);
    const written: typeof base = {
      ...base,
      openChat: (doc) => {
        const chat = base.openChat(doc);
        if (!chat) return null;
        return {
          ...chat,
          rows: () => chat.rows(),
          loading: () => chat.loading(),
          atStart: () => chat.atStart(),
          historyGate: () => chat.historyGate(),
          historyUnavailable: () => chat.historyUnavailable(),
          parseRow: (row) => {
            const r = chat.parseRow(row);
            if (r.type !== 'item' || r.item.type !== 'message') return r;
            const d = new Date(r.item.message.time.unix! * 1000);
            const prePlainText = `[10:15, ${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}] Maya: `;
            return { ...r, item: { ...r.item, message: { ...r.item.message, time: { prePlainText } } } };
          },
        };
      },
    };
    const day = localDay(new Date(list.messages[200]!.unix * 1000));
    expect(day.slice(0, 7)).toBe('2023-11');
    const sink = new RecordingSink();
    const engine = new CaptureEngine(written, document, sink, { captureImages: true, timing: FAST, stopBefore: day, language: 'en-US' });
    const outcome = await engine.run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'user-stopped', reachedStart: false, problems: [{ code: 'history-range', since: day }] });
    const since = list.messages.filter((m) => localDay(new Date(m.unix * 1000)) >= day).map((m) => `k:${m.id}`);
    const keys = sink.keys();
    expect(keys.slice(keys.length - since.length)).toEqual(since);
  });

  it('a history range older than the whole chat captures it all, as reaching the start', async () => {
    list = new FakeList(document, { total: 150 });
    const sink = new RecordingSink();
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, { captureImages: true, timing: FAST, stopBefore: '2001-01-01' });
    expect(await engine.run()).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true, problems: [] });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('a chosen day crossed only at the very start still counts as the start', async () => {
    // The oldest message is on its own day, before the chosen one: it is read with the start.
    list = new FakeList(document, { total: 60, initial: 60 });
    const day = localDay(new Date((list.messages[0]!.unix + 86_400) * 1000));
    const sink = new RecordingSink();
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, { captureImages: true, timing: FAST, stopBefore: day });
    expect(await engine.run()).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true, problems: [] });
  });

  it('puts the user back at the row they were reading', async () => {
    list = new FakeList(document, { total: 300, window: 60 });
    // The user is reading a few screens up from the bottom.
    list.scroller.scrollTop = list.scroller.scrollHeight - 200 - 400;
    await sleep(20);
    const rows = [...list.scroller.querySelectorAll<HTMLElement>('[data-row]')];
    const reading = rows.find((r) => r.getBoundingClientRect().bottom > 0)!;
    const readingId = reading.dataset.id!;
    const sink = new RecordingSink();
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, { captureImages: true, timing: FAST });
    await engine.run();
    const back = [...list.scroller.querySelectorAll<HTMLElement>('[data-row]')].find((r) => r.dataset.id === readingId)!;
    expect(back).toBeDefined();
    expect(back.getBoundingClientRect().top).toBe(reading.getBoundingClientRect().top);
    expect(sink.sequence.size).toBe(300);
  });

  it('fetches media of mounted rows once and passes failures on as failures', async () => {
    const { list, sink } = setup({ total: 60, initial: 60 });
    for (const row of list.scroller.querySelectorAll<HTMLElement>('[data-row]')) {
      const n = Number(row.dataset.id!.slice(1));
      if (n % 10 === 0) row.dataset.media = n === 50 ? 'blob:revoked' : `blob:ok-${n}`;
    }
    const fetched: string[] = [];
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, {
      captureImages: true,
      timing: FAST,
      fetchMedia: async (url) => {
        fetched.push(url);
        return url === 'blob:revoked' ? { ok: false, reason: 'fetch-failed' } : { ok: true, bytes: new Uint8Array([1, 2, 3]) };
      },
    });
    await engine.run();
    expect(fetched.sort()).toEqual(['blob:ok-0', 'blob:ok-10', 'blob:ok-20', 'blob:ok-30', 'blob:ok-40', 'blob:revoked'].sort());
    expect(sink.mediaSeen.filter((m) => !m.fetched.ok).map((m) => m.source.mediaKey)).toEqual(['media:m50']);
  });

  it('tries a failed image again once its row shows a fresh URL (the app drew the row again)', async () => {
    const { list, sink } = setup({ total: 30, initial: 30 });
    const row = list.scroller.querySelector<HTMLElement>('[data-id="m20"]')!;
    row.dataset.media = 'blob:first';
    const fetched: string[] = [];
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, {
      captureImages: true,
      timing: FAST,
      fetchMedia: async (url) => {
        fetched.push(url);
        if (url === 'blob:first') {
          // Revoked meanwhile: the app re-rendered the row with a new blob URL.
          list.scroller.querySelector<HTMLElement>('[data-id="m20"]')!.dataset.media = 'blob:second';
          return { ok: false, reason: 'fetch-failed' };
        }
        return { ok: true, bytes: new Uint8Array([7]) };
      },
    });
    await engine.run();
    expect(fetched).toEqual(['blob:first', 'blob:second']);
    expect(sink.mediaSeen.map((m) => [m.source.mediaKey, m.fetched.ok])).toEqual([
      ['media:m20', false],
      ['media:m20', true],
    ]);
  });

  it('fetches the bytes of a scan before sending its items, while the rows are as they were read', async () => {
    const { list, sink } = setup({ total: 30, initial: 30 });
    list.scroller.querySelector<HTMLElement>('[data-id="m25"]')!.dataset.media = 'blob:x';
    const order: string[] = [];
    const items = sink.items.bind(sink);
    sink.items = async (ops) => {
      order.push('items');
      return items(ops);
    };
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, {
      captureImages: true,
      timing: FAST,
      fetchMedia: async () => {
        order.push('fetch');
        return { ok: true, bytes: new Uint8Array([1]) };
      },
    });
    await engine.run();
    expect(order.slice(0, 2)).toEqual(['fetch', 'items']);
  });

  it('fetches nothing when images are not captured', async () => {
    const { list, sink } = setup({ total: 20, initial: 20 });
    for (const row of list.scroller.querySelectorAll<HTMLElement>('[data-row]')) row.dataset.media = 'blob:x';
    const engine = new CaptureEngine(fakeAdapter(() => list), document, sink, {
      captureImages: false,
      timing: FAST,
      fetchMedia: async () => {
        throw new Error('must not fetch');
      },
    });
    await engine.run();
    expect(sink.mediaSeen).toEqual([]);
  });

  it('a start the page does not mark (startInferred) is reached but recorded as inferred', async () => {
    list = new FakeList(document, { total: 100 });
    const base = fakeAdapter(() => list);
    const adapter = { ...base, openChat: (doc: Document) => { const chat = base.openChat(doc); return chat && { ...chat, startInferred: true }; } };
    const sink = new RecordingSink();
    const outcome = await new CaptureEngine(adapter, document, sink, { captureImages: true, timing: FAST }).run();
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true, problems: [{ code: 'start-inferred' }] });
    expect(sink.keys()).toEqual(list.groundTruth());
  });

  it('refuses to start without an open chat', () => {
    expect(() => new CaptureEngine(fakeAdapter(() => null), document, new RecordingSink(), { captureImages: true })).toThrow(NoChatOpenError);
  });
});

describe('CaptureEngine with the WhatsApp adapter, bare data-ids (the page names no chat id)', () => {
  const blobUrl = () => `blob:https://web.whatsapp.com/${crypto.randomUUID()}`;
  const rowsOf = (data: Generated) =>
    data.items.map((item) => renderItem(document, item, { late: false, blobUrl }, { locale: data.locale }));
  const messageKeys = (sink: RecordingSink) => sink.sequence.toArray().flatMap((i) => (i.type === 'message' ? [i.key] : []));
  const chatA = generate({ seed: 'switch-a', total: 60, idFormat: 'bare', chat: 'direct' });
  const chatB = generate({ seed: 'switch-b', total: 60, idFormat: 'bare', chat: 'group' });

  function drawA(): void {
    document.body.innerHTML = `<div id="app">${shellHtml(chatA)}</div>`;
    document.getElementById('wa-list')!.append(...rowsOf(chatA));
  }
  /** An SPA switch: the whole conversation pane drawn anew, or its header and rows swapped in place. */
  function switchTo(data: Generated, how: 'replaced' | 'in-place'): void {
    if (how === 'replaced') {
      document.getElementById('app')!.innerHTML = shellHtml(data);
      document.getElementById('wa-list')!.append(...rowsOf(data));
      return;
    }
    const fresh = document.createElement('div');
    fresh.innerHTML = shellHtml(data);
    document.querySelector('#main header')!.replaceWith(fresh.querySelector('header')!);
    document.getElementById('wa-list')!.replaceChildren(...rowsOf(data));
  }

  it('the two chats have no id, but different identities', () => {
    drawA();
    const a = whatsapp.openChat(document)!;
    switchTo(chatB, 'replaced');
    const b = whatsapp.openChat(document)!;
    expect([a.id, b.id]).toEqual(['', '']);
    expect(a.identity).not.toBe(b.identity);
  });

  it.each([
    ['replaced, while the newest rows are sent', 'replaced', 'newest'],
    ['in place, just after a history step read the rows', 'in-place', 'history'],
  ] as const)('a switch to another chat (%s) pauses as chat-switched; nothing of it is kept; Resume goes on only back in the first chat', async (_, how, phase) => {
    drawA();
    const pauses: string[] = [];
    const sink = new RecordingSink();
    let switched = false;
    const engine = new CaptureEngine(whatsapp, document, sink, { captureImages: false, timing: FAST }, {
      onPause: (r) => pauses.push(r),
      onProgress: (p) => {
        if (!switched && p.phase === phase) {
          switched = true;
          switchTo(chatB, how);
        }
      },
    });
    const run = engine.run();
    await waitUntil(() => pauses.length > 0);
    expect(pauses).toEqual(['chat-switched']);
    engine.resume();
    expect(engine.paused).toBe('chat-switched');
    switchTo(chatA, how);
    engine.resume();
    const outcome = await run;
    expect(outcome).toMatchObject({ kind: 'finished', stopReason: 'reached-start', reachedStart: true });
    expect(messageKeys(sink)).toEqual(chatA.messages.map((m) => m.key));
  });

  it('a switch on the way back reads nothing of the other chat', async () => {
    drawA();
    const sink = new RecordingSink();
    let switched = false;
    const engine = new CaptureEngine(whatsapp, document, sink, { captureImages: false, timing: FAST }, {
      onProgress: (p) => {
        if (!switched && p.phase === 'returning') {
          switched = true;
          switchTo(chatB, 'in-place');
        }
      },
    });
    const outcome = await engine.run();
    expect(switched).toBe(true);
    expect(outcome).toMatchObject({ kind: 'finished', reachedStart: true });
    expect(messageKeys(sink)).toEqual(chatA.messages.map((m) => m.key));
  });
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil(check: () => boolean, timeoutMs = 5000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out waiting');
    await sleep(5);
  }
}

function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
