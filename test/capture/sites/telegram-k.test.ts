// Telegram Web K adapter over saved fragments with tweb's bubble structure (a happy-dom window
// per file, made here, so the page's URL is the real one).
import fs from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CapturedItem, ChatView, RowResult } from '../../../src/capture/adapter';
import { telegramK, TELEGRAM_K_ANCHORS } from '../../../src/capture/sites/telegram-k';

const FRAGMENTS = path.resolve(import.meta.dirname, '../../fixtures/sites/telegram-k/fragments');
const window = new Window({ url: 'https://web.telegram.org/k/#-100777' });
const document = window.document as unknown as Document;
const load = (name: string) => {
  document.body.innerHTML = fs.readFileSync(path.join(FRAGMENTS, name), 'utf8');
};
const itemsOf = (chat: ChatView): { results: Map<string, RowResult>; items: CapturedItem[] } => {
  const results = new Map<string, RowResult>();
  const items: CapturedItem[] = [];
  chat.rows().forEach((row, i) => {
    const result = chat.parseRow(row);
    results.set(row.getAttribute('data-mid') ?? `row${i}`, result);
    if (result.type === 'item') items.push(result.item);
  });
  return { results, items };
};

beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});

describe('telegram-k: matches', () => {
  it('takes web.telegram.org/k/ only', () => {
    expect(telegramK.matches(new URL('https://web.telegram.org/k/#-100777'))).toBe(true);
    expect(telegramK.matches(new URL('https://web.telegram.org/k'))).toBe(true);
    expect(telegramK.matches(new URL('https://web.telegram.org/a/#-100777'))).toBe(false);
    expect(telegramK.matches(new URL('https://web.telegram.org/kk/'))).toBe(false);
    expect(telegramK.matches(new URL('https://example.org/k/'))).toBe(false);
  });
});

describe('telegram-k: group chat fragment', () => {
  let chat: ChatView;
  beforeEach(() => {
    load('group-chat.html');
    const opened = telegramK.openChat(document);
    if (!opened) throw new Error('no chat');
    chat = opened;
  });

  it('finds the open chat: title with emoji, peer id, header, scroller, group', () => {
    expect(chat.title).toBe('Project Group 🚀');
    expect(chat.id).toBe('-100777');
    expect(chat.isGroup).toBe(true);
    expect(chat.scroller.classList.contains('bubbles-scrollable')).toBe(true);
    expect(chat.header.classList.contains('sidebar-header')).toBe(true);
    expect(chat.loading()).toBe(false);
    expect(chat.historyGate()).toBeNull();
    expect(chat.historyUnavailable()).toBeNull();
  });

  it('lists bubbles top to bottom, not album items inside them', () => {
    const mids = chat.rows().map((r) => r.getAttribute('data-mid'));
    expect(mids).toEqual([null, '1000', '1001', '1002', '1003', null, '1004', '1006', '1006.0001', '1007', '1008', '1009', '1010', '1011', '1012', '1013', 'sponsored-1']);
  });

  it('skips the unread divider and sponsored bubble; waits for temporary ids and empty bubbles', () => {
    const { results } = itemsOf(chat);
    expect(results.get('row5')).toEqual({ type: 'skip' });
    expect(results.get('sponsored-1')).toEqual({ type: 'skip' });
    expect(results.get('1006.0001')).toEqual({ type: 'pending', key: 'tgk:1006.0001' });
    expect(results.get('1013')).toEqual({ type: 'pending', key: 'tgk:1013' });
  });

  it('turns the date bubble into a day item keyed by its date', () => {
    const { items } = itemsOf(chat);
    expect(items[0]).toEqual({ type: 'day', key: 'tgk-day:2026-03-31', label: 'March 31' });
  });

  it('parses text, emoji, links and line breaks; the time block is not text', () => {
    const { results } = itemsOf(chat);
    const r = results.get('1001');
    expect(r?.type).toBe('item');
    if (r?.type !== 'item' || r.item.type !== 'message') throw new Error();
    expect(r.item.key).toBe('tgk:1001');
    expect(r.item.message).toEqual({
      key: 'tgk:1001',
      siteId: '1001',
      time: { unix: 1774951200, visibleTime: '10:00' },
      direction: 'in',
      kind: 'text',
      text: 'Hello 👋\nsee example.org/a\n\nsecond para',
      sender: { name: 'Alice', id: '42' },
      links: ['https://example.org/a?b=1'],
    });
  });

  it('reads replies, edits, reactions, RTL text; the sender id comes from the run avatar', () => {
    const { results } = itemsOf(chat);
    const r = results.get('1002');
    if (r?.type !== 'item' || r.item.type !== 'message') throw new Error();
    expect(r.item.message).toMatchObject({
      text: 'مرحبا بالجميع',
      sender: { name: '', id: '42' },
      replyToSiteId: '990',
      replyPreview: { sender: 'Bob', text: 'Earlier text' },
      edited: true,
      reactions: [
        { emoji: '👍', count: 2 },
        { emoji: '❤️', count: 1200 },
      ],
    });
  });

  it('hands loaded photos over as media and records the others as not loaded', () => {
    const { results } = itemsOf(chat);
    const photo = results.get('1003');
    if (photo?.type !== 'item' || photo.item.type !== 'message') throw new Error();
    expect(photo.item.message.kind).toBe('media');
    expect(photo.item.message.text).toBe('caption here');
    expect(photo.item.message.attachments).toEqual([{ mediaType: 'image', status: 'not-loaded', mediaKey: 'tgk:1003:0' }]);
    expect(photo.media).toEqual([{ mediaKey: 'tgk:1003:0', url: 'blob:https://web.telegram.org/1111' }]);
    const album = results.get('1006');
    if (album?.type !== 'item' || album.item.type !== 'message') throw new Error();
    expect(album.item.message.direction).toBe('out');
    expect(album.item.message.sender).toBeUndefined();
    expect(album.item.message.attachments).toEqual([
      { mediaType: 'image', status: 'not-loaded', mediaKey: 'tgk:1006:0' },
      { mediaType: 'image', status: 'not-loaded' },
    ]);
    expect(album.media).toHaveLength(1);
  });

  it('reads forwarded, document, voice, sticker, poll and contact bubbles', () => {
    const { results } = itemsOf(chat);
    const message = (mid: string) => {
      const r = results.get(mid);
      if (r?.type !== 'item' || r.item.type !== 'message') throw new Error(mid);
      return r.item.message;
    };
    expect(message('1007')).toMatchObject({ forwarded: true, forwardedFrom: 'News Channel', text: 'Breaking', sender: { name: '', id: '43' } });
    expect(message('1008')).toMatchObject({ kind: 'media', attachments: [{ mediaType: 'document', name: 'report.pdf', status: 'not-loaded' }] });
    expect(message('1008').text).toBeUndefined();
    expect(message('1009')).toMatchObject({ kind: 'media', attachments: [{ mediaType: 'voice', status: 'not-loaded' }] });
    expect(message('1010')).toMatchObject({ kind: 'sticker', attachments: [{ mediaType: 'sticker', status: 'not-loaded' }] });
    expect(message('1011')).toMatchObject({ kind: 'poll', text: 'Lunch?\nYes\nNo' });
    expect(message('1012')).toMatchObject({ kind: 'contact', text: 'Dana Q\n+44 7700 900123' });
    expect(message('1000')).toEqual({
      key: 'tgk:1000',
      siteId: '1000',
      time: { unix: 1774940400 },
      direction: 'system',
      kind: 'system',
      text: 'Alice joined the group',
    });
  });

  it('finalizes: exact UTC seconds, sender names by id, reply keys only inside the export', () => {
    const { items } = itemsOf(chat);
    const out = telegramK.finalize(items, { timeZone: 'Europe/Berlin', reachedStart: true });
    expect(out.timestampsAreLocal).toBe(false);
    expect(out.messages.map((m) => m.key)).toEqual(
      ['1000', '1001', '1002', '1003', '1004', '1006', '1007', '1008', '1009', '1010', '1011', '1012'].map((k) => `tgk:${k}`),
    );
    const byKey = new Map(out.messages.map((m) => [m.key, m]));
    expect(byKey.get('tgk:1001')?.timestamp).toEqual({ value: '2026-03-31T10:00:00Z', precision: 'second', source: 'data-timestamp' });
    expect(byKey.get('tgk:1002')?.sender).toEqual({ name: 'Alice', id: '42' });
    expect(byKey.get('tgk:1002')?.replyTo).toBeUndefined();
    expect(byKey.get('tgk:1002')?.replyPreview).toEqual({ sender: 'Bob', text: 'Earlier text' });
    expect(byKey.get('tgk:1003')?.replyTo).toBe('tgk:1001');
    expect(byKey.get('tgk:1003')?.sender).toEqual({ name: 'Alice', id: '42' });
    // Bob's id is known, his name never shown on a mounted bubble of his: carried from nothing.
    expect(byKey.get('tgk:1007')?.sender).toBeUndefined();
    expect(out.warnings).toEqual([{ code: 'sender-unknown', message: expect.any(String), count: 6 }]);
    expect(out.participants).toEqual([{ name: 'Alice', id: '42' }]);
    expect(byKey.get('tgk:1000')).toEqual({
      key: 'tgk:1000',
      siteId: '1000',
      timestamp: { value: '2026-03-31T07:00:00Z', precision: 'second', source: 'data-timestamp' },
      direction: 'system',
      kind: 'system',
      text: 'Alice joined the group',
    });
  });

  it('probes every anchor, counting forms only', () => {
    const probe = telegramK.probe(document);
    expect(Object.keys(probe).sort()).toEqual(TELEGRAM_K_ANCHORS.map((a) => a.name).sort());
    expect(probe['chat-title']).toBe(0);
    expect(probe['message-id']).toBe(0);
    expect(probe['timestamp']).toBe(0);
    expect(probe['spinner']).toBe(-1);
  });
});

describe('telegram-k: private chat fragment', () => {
  it('takes the active tab, names incoming bubbles after the chat, shows the spinner', () => {
    load('private-chat.html');
    const chat = telegramK.openChat(document);
    if (!chat) throw new Error('no chat');
    expect(chat.title).toBe('Alice');
    expect(chat.id).toBe('42');
    expect(chat.isGroup).toBe(false);
    expect(chat.loading()).toBe(true);
    const items = chat.rows().map((r) => chat.parseRow(r));
    expect(items[0]).toEqual({ type: 'item', item: { type: 'day', key: 'tgk-day:2024-03-31', label: 'March 31, 2024' }, media: [] });
    const done = telegramK.finalize(
      items.flatMap((r) => (r.type === 'item' ? [r.item] : [])),
      { timeZone: 'Europe/Berlin', reachedStart: true },
    );
    expect(done.messages.map((m) => [m.direction, m.sender, m.text])).toEqual([
      ['in', { name: 'Alice', id: '42' }, 'hi there'],
      ['out', undefined, 'hello'],
    ]);
    expect(done.warnings).toEqual([]);
  });
});

describe('telegram-k: changed pages', () => {
  beforeEach(() => load('group-chat.html'));

  it('a bubble without its unix time is broken (timestamp)', () => {
    document.querySelector('[data-mid="1001"]')?.removeAttribute('data-timestamp');
    const chat = telegramK.openChat(document)!;
    const row = document.querySelector('[data-mid="1001"]')!;
    expect(chat.parseRow(row)).toEqual({ type: 'broken', anchor: 'timestamp' });
  });

  it('a bubble neither in nor out is broken (direction)', () => {
    const row = document.querySelector('[data-mid="1001"]')!;
    row.classList.remove('is-in');
    expect(telegramK.openChat(document)!.parseRow(row)).toEqual({ type: 'broken', anchor: 'direction' });
  });

  it('a row that is no longer a .bubble is broken (message-row)', () => {
    const row = document.querySelector('[data-mid="1001"]')!;
    row.classList.replace('bubble', 'bubble-x');
    const chat = telegramK.openChat(document)!;
    expect(chat.rows()).toContain(row);
    expect(chat.parseRow(row)).toEqual({ type: 'broken', anchor: 'message-row' });
  });

  it('a text bubble without a text element is broken (message-text); the older form is read', () => {
    const text = document.querySelector('[data-mid="1004"] .message')!;
    text.className = 'translatable-message';
    const chat = telegramK.openChat(document)!;
    const row = document.querySelector('[data-mid="1004"]')!;
    const ok = chat.parseRow(row);
    expect(ok.type === 'item' && ok.item.type === 'message' && ok.item.message.text).toBe('Same text');
    text.className = 'renamed';
    expect(chat.parseRow(row)).toEqual({ type: 'broken', anchor: 'message-text' });
  });

  it('no chat without a title or scroller', () => {
    document.querySelector('.bubbles-scrollable')!.className = 'x';
    expect(telegramK.openChat(document)).toBeNull();
  });
});

describe('telegram-k: start of history', () => {
  it('is the top of the list, still for two quiet times (a nudge between), with nothing loading', async () => {
    load('group-chat.html');
    const chat = telegramK.openChat(document)!;
    chat.scroller.scrollTop = 0;
    expect(chat.atStart()).toBe(false);
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 60_000;
      // The engine opens the chat again while it runs: the wait goes on with the list element.
      const reopened = telegramK.openChat(document)!;
      // One quiet time: the list is nudged, and a second quiet time must pass.
      expect(reopened.atStart()).toBe(false);
      Date.now = () => realNow() + 120_000;
      expect(reopened.atStart()).toBe(true);
      expect(chat.atStart()).toBe(true);
      // An older batch lands: a new first row restarts the wait.
      const first = document.querySelector('[data-mid="1000"]')!;
      const older = first.cloneNode(true) as Element;
      older.setAttribute('data-mid', '999');
      first.before(older);
      expect(chat.atStart()).toBe(false);
    } finally {
      Date.now = realNow;
    }
  });
});
