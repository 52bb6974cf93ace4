// The capture's data path in Node: the page's CaptureChannel talking over a JSON-only fake port to
// the worker's CaptureSession with the real backup writer; the backup is decrypted and checked.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { bytesSource } from '../../src/age/gate';
import { CaptureSession, gzipExport, type CapturedBackup, type CaptureSessionDeps, type Finalizer } from '../../src/backup/capture-session';
import { openBackup } from '../../src/backup/reader';
import type { CapturedItem, FinalizeContext } from '../../src/capture/adapter';
import { CaptureChannel, CaptureRefusedError, ChannelClosedError, type PortLike } from '../../src/capture/channel';
import { PORT_LIMITS, type ItemOp } from '../../src/capture/protocol';
import type { ChatExport, Message } from '../../src/export/types';
import { backupKey, FIXED_SEED } from './helpers';

type Listener = (message: unknown) => void;

/** Two ends of a port; messages cross as JSON, asynchronously, as Chrome's channel does. */
function portPair() {
  const listeners: { a: Listener[]; b: Listener[] } = { a: [], b: [] };
  const gone: { a: (() => void)[]; b: (() => void)[] } = { a: [], b: [] };
  let open = true;
  const log: { from: 'a' | 'b'; message: { t: string; seq?: number } }[] = [];
  const end = (self: 'a' | 'b', other: 'a' | 'b'): PortLike => ({
    postMessage(message) {
      if (!open) throw new Error('Attempting to use a disconnected port object');
      const copy = JSON.parse(JSON.stringify(message)) as { t: string };
      log.push({ from: self, message: copy });
      setTimeout(() => listeners[other].forEach((l) => l(copy)), 0);
    },
    disconnect() {
      if (!open) return;
      open = false;
      // Like Chrome: the other end hears of it, the end that disconnected does not.
      setTimeout(() => gone[other].forEach((l) => l()), 0);
    },
    onMessage: { addListener: (fn) => listeners[self].push(fn) },
    onDisconnect: { addListener: (fn) => gone[self].push(fn) },
  });
  return { page: end('a', 'b'), worker: end('b', 'a'), log, isOpen: () => open };
}

const msg = (n: number): CapturedItem => ({
  type: 'message',
  key: `t:${n}`,
  message: { key: `t:${n}`, siteId: String(n), kind: 'text', direction: 'in', text: `hello ${n}`, time: { unix: 1_700_000_000 + n * 60 } },
});

/** A finalize as simple as a site's could be: unix times, one sender. */
const finalize: Finalizer = (items) => ({
  messages: items.flatMap((item): Message[] => {
    if (item.type !== 'message') return [];
    const { time, mediaKey: _m, replyToSiteId: _r, sender: _s, ...rest } = item.message as typeof item.message & { mediaKey?: string };
    return [{ ...rest, sender: { name: 'Alice' }, timestamp: { value: new Date(time.unix! * 1000).toISOString().replace('.000Z', 'Z'), precision: 'second', source: 'data-timestamp' } }];
  }),
  participants: [{ name: 'Alice' }],
  warnings: [],
  timestampsAreLocal: false,
});

async function deps(overrides: Partial<CaptureSessionDeps> = {}) {
  const saved: CapturedBackup[] = [];
  const key = await backupKey(FIXED_SEED, 'classic');
  const d: CaptureSessionDeps = {
    getKey: async () => key,
    finalizer: (site) => (site === 'telegram-k' ? finalize : undefined),
    save: async (backup) => {
      saved.push(backup);
      return { destination: 'waiting-for-drive' };
    },
    appVersion: '0.1.0',
    now: () => new Date('2026-11-26T10:00:00Z'),
    ...overrides,
  };
  return { deps: d, saved };
}

const BEGIN = {
  site: 'telegram-k' as const,
  chat: { id: '-100123', title: 'Book club', isGroup: true },
  url: 'https://web.telegram.org/k/#-100123',
  startedAt: '2026-11-26T09:59:00.000Z',
  timeZone: 'Europe/Berlin',
};

async function open(d: CaptureSessionDeps) {
  const pair = portPair();
  const session = new CaptureSession(pair.worker, d);
  const channel = new CaptureChannel(pair.page);
  return { pair, session, channel };
}

async function readBackup(blob: Blob): Promise<{ doc: ChatExport; entries: Map<string, Uint8Array> }> {
  const entries = new Map<string, Uint8Array>();
  await openBackup(bytesSource(new Uint8Array(await blob.arrayBuffer())), [{ seed: FIXED_SEED }], async (entry) => {
    entries.set(entry.name, entry.bytes);
  });
  const doc = JSON.parse(gunzipSync(entries.get('chat.json.gz')!).toString('utf8')) as ChatExport;
  return { doc, entries };
}

describe('capture port and worker session', () => {
  it('streams items and media, and finishes an encrypted backup with the chat in order', async () => {
    const { deps: d, saved } = await deps();
    const { channel, session, pair } = await open(d);
    await channel.begin(BEGIN);
    const older = Array.from({ length: 500 }, (_, i) => msg(i));
    const newer = [msg(500), msg(501)];
    // The first window, then older history above it, then a late row between known ones.
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: newer }]);
    await channel.items([{ op: 'insert', place: { before: 't:500' }, items: older.filter((_, i) => i !== 250) }]);
    await channel.items([{ op: 'insert', place: { after: 't:249' }, items: [older[250]!] }]);
    const photo = msg(502);
    if (photo.type === 'message') photo.message.attachments = [{ mediaType: 'image', status: 'not-loaded', mediaKey: 'img:502' }];
    const lost = msg(503);
    if (lost.type === 'message') lost.message.attachments = [{ mediaType: 'image', status: 'not-loaded', mediaKey: 'img:503' }];
    await channel.items([{ op: 'insert', place: { after: 't:501' }, items: [photo, lost] }]);
    const image = Uint8Array.from({ length: 600_000 }, (_, i) => (i * 7) & 255);
    await channel.media({ mediaKey: 'img:502', url: 'blob:https://web.telegram.org/x' }, { ok: true, bytes: image, mime: 'image/jpeg' });
    await channel.media({ mediaKey: 'img:503', url: 'blob:https://web.telegram.org/y' }, { ok: false, reason: 'fetch-failed' });
    const edited = msg(3);
    if (edited.type === 'message') edited.message.edited = true;
    await channel.items([{ op: 'update', item: edited }]);
    const result = await channel.end({ stopReason: 'reached-start', reachedStart: true, problems: [], finishedAt: '2026-11-26T10:01:00.000Z' });
    await session.finished;

    expect(result).toEqual({ t: 'saved', size: saved[0]!.size, messageCount: 504, complete: true, destination: 'waiting-for-drive' });
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ keyId: (await backupKey(FIXED_SEED, 'classic')).keyId, complete: true, messageCount: 504, title: 'Book club', createdAt: '2026-11-26T10:00:00.000Z' });
    expect(saved[0]!.blob.size).toBe(saved[0]!.size);

    const { doc, entries } = await readBackup(saved[0]!.blob);
    expect(doc.messages.map((m) => m.key)).toEqual(Array.from({ length: 504 }, (_, i) => `t:${i}`));
    expect(doc.messages[3]!.edited).toBe(true);
    const captured = doc.messages[502]!.attachments![0]!;
    expect(captured).toMatchObject({ status: 'captured', mime: 'image/jpeg', size: 600_000 });
    expect(entries.get(captured.path!)).toEqual(image);
    expect(captured.path).toMatch(/^media\/[0-9a-f]{64}\.jpg$/);
    expect(doc.messages[503]!.attachments![0]).toEqual({ mediaType: 'image', status: 'failed' });
    expect(doc.conversation).toEqual({ title: 'Book club', id: '-100123', participants: [{ name: 'Alice' }], isGroup: true });
    expect(doc.capture).toMatchObject({
      startedAt: BEGIN.startedAt,
      finishedAt: '2026-11-26T10:01:00.000Z',
      reachedStart: true,
      stopReason: 'reached-start',
      timeZone: 'Europe/Berlin',
      timestampsAreLocal: false,
      tool: { name: 'chatseal', version: '0.1.0' },
    });
    expect(doc.capture.warnings).toEqual([{ code: 'media-failed', message: '1 images could not be fetched from the page', count: 1 }]);
    expect(doc.source).toEqual({ site: 'telegram-k', url: BEGIN.url });
    // No media piece was larger than the limit, and the page never had more than the window unacknowledged.
    const pieces = pair.log.filter((l) => l.message.t === 'media-data');
    expect(pieces.length).toBe(Math.ceil(600_000 / PORT_LIMITS.maxMediaPiece));
    expect(maxInFlight(pair.log)).toBeLessThanOrEqual(PORT_LIMITS.window);
  });

  it('splits large inserts into bounded messages that keep their order', async () => {
    const { deps: d, saved } = await deps();
    const { channel, pair } = await open(d);
    await channel.begin(BEGIN);
    const items = Array.from({ length: 1000 }, (_, i) => msg(i));
    await channel.items([{ op: 'insert', place: { at: 'end' }, items }]);
    await channel.end({ stopReason: 'user-stopped', reachedStart: false, problems: [], finishedAt: '2026-11-26T10:01:00.000Z' });
    const batches = pair.log.filter((l) => l.message.t === 'items').map((l) => (l.message as unknown as { ops: ItemOp[] }).ops);
    expect(batches.length).toBeGreaterThanOrEqual(5);
    for (const ops of batches) {
      const count = ops.reduce((n, op) => n + (op.op === 'insert' ? op.items.length : 1), 0);
      expect(count).toBeLessThanOrEqual(PORT_LIMITS.maxItems);
      expect(JSON.stringify(ops).length).toBeLessThan(PORT_LIMITS.maxItemChars + 1024);
    }
    const { doc } = await readBackup(saved[0]!.blob);
    expect(doc.messages.map((m) => m.key)).toEqual(items.map((i) => i.key));
    expect(doc.capture).toMatchObject({ reachedStart: false, stopReason: 'user-stopped' });
    expect(saved[0]!.complete).toBe(false);
  });

  it('words a page change as "This page changed; capture stopped at <date>" and marks the backup incomplete', async () => {
    const { deps: d, saved } = await deps();
    const { channel } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0), msg(1)] }]);
    const result = await channel.end({
      stopReason: 'error',
      reachedStart: false,
      problems: [{ code: 'page-changed', anchor: 'message-row' }],
      finishedAt: '2026-11-26T10:01:00.000Z',
    });
    expect(result).toMatchObject({ t: 'saved', complete: false });
    const { doc } = await readBackup(saved[0]!.blob);
    expect(doc.capture.warnings).toEqual([{ code: 'page-changed', message: 'This page changed; capture stopped at 14 Nov 2023' }]);
    expect(doc.capture).toMatchObject({ stopReason: 'error', reachedStart: false });
  });

  it('a start inferred (Telegram marks none) stays complete and says so in a warning', async () => {
    const { deps: d, saved } = await deps();
    const { channel } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0), msg(1)] }]);
    const result = await channel.end({ stopReason: 'reached-start', reachedStart: true, problems: [{ code: 'start-inferred' }], finishedAt: '2026-11-26T10:01:00.000Z' });
    expect(result).toMatchObject({ t: 'saved', complete: true });
    const { doc } = await readBackup(saved[0]!.blob);
    expect(doc.capture).toMatchObject({ reachedStart: true, stopReason: 'reached-start' });
    expect(doc.capture.warnings).toEqual([{ code: 'start-inferred', message: expect.stringMatching(/marks no start/) }]);
  });

  it('a capture stopped at the chosen history range is user-stopped, not the start, with a history-range warning', async () => {
    const contexts: FinalizeContext[] = [];
    const { deps: d, saved } = await deps({
      finalizer: () => (items, context) => {
        contexts.push(context);
        return finalize(items, context);
      },
    });
    const { channel } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0), msg(1)] }]);
    const result = await channel.end({
      stopReason: 'user-stopped',
      reachedStart: false,
      problems: [{ code: 'history-range', since: '2023-11-15' }],
      finishedAt: '2026-11-26T10:01:00.000Z',
    });
    expect(result).toMatchObject({ t: 'saved', complete: false });
    const { doc } = await readBackup(saved[0]!.blob);
    expect(doc.capture).toMatchObject({ stopReason: 'user-stopped', reachedStart: false });
    expect(doc.capture.warnings).toEqual([
      { code: 'history-range', message: 'Only messages since 15 Nov 2023 were asked for; capture stopped at 14 Nov 2023' },
    ]);
    // Finalize dates "Today"/"Yesterday" separators from when the capture began.
    expect(contexts).toEqual([{ timeZone: 'Europe/Berlin', reachedStart: false, capturedAt: BEGIN.startedAt }]);
  });

  it('Cancel keeps nothing: the writer is aborted and save is never called', async () => {
    const { deps: d, saved } = await deps();
    const { channel, session } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0)] }]);
    channel.cancel();
    await session.finished;
    expect(saved).toEqual([]);
    await expect(channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(1)] }])).rejects.toThrow(ChannelClosedError);
  });

  it('a page that disconnects mid-capture leaves nothing behind', async () => {
    const { deps: d, saved } = await deps();
    const { channel, session, pair } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0)] }]);
    pair.page.disconnect();
    await session.finished;
    expect(saved).toEqual([]);
  });

  it('tells the page when the worker goes away (extension reloaded)', async () => {
    const { deps: d } = await deps();
    const { channel, pair } = await open(d);
    await channel.begin(BEGIN);
    let told = 0;
    channel.onDisconnect(() => told++);
    pair.worker.disconnect();
    await new Promise((r) => setTimeout(r, 5));
    expect(told).toBe(1);
    expect(channel.isClosed).toBe(true);
  });

  it('refuses a capture without a key, and an unknown site', async () => {
    const { deps: d } = await deps({ getKey: async () => null });
    const { channel } = await open(d);
    await expect(channel.begin(BEGIN)).rejects.toMatchObject({ reason: 'no-key' });
    const { deps: d2 } = await deps();
    const second = await open(d2);
    await expect(second.channel.begin({ ...BEGIN, site: 'discord' })).rejects.toBeInstanceOf(CaptureRefusedError);
  });

  it('fails the capture on messages out of order or malformed, saving nothing', async () => {
    const { deps: d, saved } = await deps();
    const errors: string[] = [];
    d.onError = (code) => errors.push(code);
    const { channel, session } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { before: 'nobody' }, items: [msg(0)] }]).catch(() => undefined);
    await session.finished;
    expect(errors).toEqual(['bad-message']);
    expect(saved).toEqual([]);
  });

  it('refuses an export that does not validate, saving nothing', async () => {
    const broken: Finalizer = (items, ctx) => ({ ...finalize(items, ctx), messages: [{ key: 'x' } as Message] });
    const { deps: d, saved } = await deps({ finalizer: () => broken });
    const { channel } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0)] }]);
    const result = await channel.end({ stopReason: 'reached-start', reachedStart: true, problems: [], finishedAt: '2026-11-26T10:01:00.000Z' });
    expect(result).toEqual({ t: 'failed', reason: 'invalid-export' });
    expect(saved).toEqual([]);
  });

  it('one message that does not validate is left out: the rest is saved, marked incomplete, with a warning that names the field, not the content', async () => {
    // An adapter bug: one message's time reads as words, and another message replies to it.
    const buggy: Finalizer = (items, ctx) => {
      const done = finalize(items, ctx);
      const messages = done.messages.map((m) =>
        m.key === 't:1' ? { ...m, timestamp: { ...m.timestamp, value: 'yesterday' } } : m.key === 't:2' ? { ...m, replyTo: 't:1' } : m,
      );
      return { ...done, messages };
    };
    const errors: string[] = [];
    const { deps: d, saved } = await deps({ finalizer: () => buggy, onError: (code) => errors.push(code) });
    const { channel } = await open(d);
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0), msg(1), msg(2), msg(3)] }]);
    const result = await channel.end({ stopReason: 'reached-start', reachedStart: true, problems: [], finishedAt: '2026-11-26T10:01:00.000Z' });
    expect(result).toMatchObject({ t: 'saved', complete: false, messageCount: 3 });
    expect(errors).toEqual([]);
    expect(saved[0]!.complete).toBe(false);
    const { doc } = await readBackup(saved[0]!.blob);
    expect(doc.messages.map((m) => m.key)).toEqual(['t:0', 't:2', 't:3']);
    expect(doc.messages[1]!.replyTo).toBeUndefined();
    expect(doc.messages[1]!.text).toBe('hello 2');
    expect(doc.capture).toMatchObject({ reachedStart: false, stopReason: 'error' });
    expect(doc.capture.warnings).toEqual([
      { code: 'messages-left-out', message: '1 messages were left out: they did not form valid messages (timestamp)', count: 1 },
      { code: 'reply-unlinked', message: '1 replies quote a message that is not in the backup', count: 1 },
    ]);
    expect(JSON.stringify(doc.capture)).not.toMatch(/hello|yesterday/);
  });
});

describe('keeping the worker alive', () => {
  it('the page pings the worker while the port is open, through a quiet stretch, and stops once it closed', async () => {
    const { deps: d, saved } = await deps();
    const pair = portPair();
    new CaptureSession(pair.worker, d);
    const channel = new CaptureChannel(pair.page, { ...PORT_LIMITS, pingMs: 20 });
    await channel.begin(BEGIN);
    await channel.items([{ op: 'insert', place: { at: 'end' }, items: [msg(0)] }]);
    // A paused capture: nothing to send for a while (at least four ping periods, however slow the
    // machine's timers run), and the session neither fails nor ends.
    const pings = () => pair.log.filter((e) => e.from === 'a' && e.message.t === 'ping').length;
    await vi.waitFor(() => expect(pings()).toBeGreaterThanOrEqual(4), { timeout: 5000, interval: 10 });
    expect(pair.log.filter((e) => e.from === 'b').map((e) => e.message.t)).toEqual(['ready', 'ack']);
    const result = await channel.end({ stopReason: 'reached-start', reachedStart: true, problems: [], finishedAt: '2026-11-26T10:01:00.000Z' });
    expect(result).toMatchObject({ t: 'saved', complete: true, messageCount: 1 });
    expect(saved).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 30));
    const after = pings();
    await new Promise((r) => setTimeout(r, 100));
    expect(channel.isClosed).toBe(true);
    expect(pings()).toBe(after);
  });
});

describe('gzipExport', () => {
  it('is the gzip of JSON.stringify of the document', async () => {
    const doc = {
      schema: 'chatseal/1',
      source: { site: 'discord' },
      conversation: { title: 't', participants: [] },
      capture: { warnings: [] },
      messages: Array.from({ length: 1234 }, (_, i) => ({ key: `k${i}`, text: `é ${i}` })),
    } as unknown as ChatExport;
    expect(gunzipSync(await gzipExport(doc)).toString('utf8')).toBe(JSON.stringify(doc));
    const empty = { ...doc, messages: [] };
    expect(gunzipSync(await gzipExport(empty)).toString('utf8')).toBe(JSON.stringify(empty));
  });
});

/** The most messages with a seq the page had sent and not yet seen acknowledged. */
function maxInFlight(log: { from: 'a' | 'b'; message: { t: string; seq?: number } }[]): number {
  const open = new Set<number>();
  let max = 0;
  for (const { from, message } of log) {
    if (from === 'a' && typeof message.seq === 'number') open.add(message.seq);
    if (from === 'b' && message.t === 'ack') open.delete(message.seq!);
    max = Math.max(max, open.size);
  }
  return max;
}
