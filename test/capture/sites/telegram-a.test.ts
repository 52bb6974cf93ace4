// Telegram Web A adapter over a saved fragment with telegram-tt's message list structure (a
// happy-dom window made here, so the page's URL is the real one).
import fs from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CapturedItem, CapturedMessage, ChatView, RowResult } from '../../../src/capture/adapter';
import { parseVisibleTime, resolveDayLabel, telegramA, TELEGRAM_A_ANCHORS } from '../../../src/capture/sites/telegram-a';

const FRAGMENTS = path.resolve(import.meta.dirname, '../../fixtures/sites/telegram-a/fragments');
const window = new Window({ url: 'https://web.telegram.org/a/#-100777' });
const document = window.document as unknown as Document;
const load = (name: string) => {
  document.body.innerHTML = fs.readFileSync(path.join(FRAGMENTS, name), 'utf8');
};

beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});

function scan(chat: ChatView): { byId: Map<string, RowResult>; items: CapturedItem[]; results: RowResult[] } {
  const byId = new Map<string, RowResult>();
  const items: CapturedItem[] = [];
  const results: RowResult[] = [];
  for (const row of chat.rows()) {
    const result = chat.parseRow(row);
    results.push(result);
    const id = row.getAttribute('data-message-id');
    if (id) byId.set(id, result);
    if (result.type === 'item') items.push(result.item);
  }
  return { byId, items, results };
}

const messageOf = (r: RowResult | undefined): CapturedMessage => {
  if (r?.type !== 'item' || r.item.type !== 'message') throw new Error(`not a message: ${JSON.stringify(r)}`);
  return r.item.message;
};

describe('telegram-a: day labels and times', () => {
  const now = new Date(2026, 2, 31, 15, 0); // Tuesday 31 March 2026, local
  it('resolves formatHumanDate labels against the page clock', () => {
    expect(resolveDayLabel('Today', now)).toBe('2026-03-31');
    expect(resolveDayLabel('Yesterday', now)).toBe('2026-03-30');
    expect(resolveDayLabel('Sunday', now)).toBe('2026-03-29');
    expect(resolveDayLabel('Wednesday', now)).toBe('2026-03-25');
    expect(resolveDayLabel('Tuesday', now)).toBeNull();
    expect(resolveDayLabel('March 3', now)).toBe('2026-03-03');
    expect(resolveDayLabel('December 31, 2025', now)).toBe('2025-12-31');
    expect(resolveDayLabel('31 décembre 2025', now)).toBeNull();
  });
  it('reads 24 h and 12 h times, with "edited" and a no-break space', () => {
    expect(parseVisibleTime('10:00')).toBe('10:00');
    expect(parseVisibleTime('edited 09:05')).toBe('09:05');
    expect(parseVisibleTime('10:00\u00a0PM')).toBe('22:00');
    expect(parseVisibleTime('12:30 PM')).toBe('12:30');
    expect(parseVisibleTime('12:30 AM')).toBe('00:30');
    expect(parseVisibleTime('00:30 AM')).toBe('00:30');
    expect(parseVisibleTime('soon')).toBeNull();
  });
});

describe('telegram-a: matches', () => {
  it('takes web.telegram.org/a/ only', () => {
    expect(telegramA.matches(new URL('https://web.telegram.org/a/#-100777'))).toBe(true);
    expect(telegramA.matches(new URL('https://web.telegram.org/k/'))).toBe(false);
    expect(telegramA.matches(new URL('https://web.telegram.org/ab/'))).toBe(false);
  });
});

describe('telegram-a: group chat fragment', () => {
  let chat: ChatView;
  beforeEach(() => {
    load('group-chat.html');
    chat = telegramA.openChat(document)!;
    if (!chat) throw new Error('no chat');
  });

  it('finds the open chat', () => {
    expect(chat.title).toBe('Project Group 🚀');
    expect(chat.id).toBe('-100777');
    expect(chat.isGroup).toBe(true);
    expect(chat.scroller.classList.contains('MessageList')).toBe(true);
    expect(chat.header.classList.contains('MiddleHeader')).toBe(true);
    expect(chat.loading()).toBe(false);
  });

  it('lists day headers, messages, service rows and dividers, not the markers inside messages', () => {
    const rows = chat.rows().map((r) => r.getAttribute('data-message-id') ?? r.className.split(' ')[0]);
    expect(rows).toEqual(['sticky-date', '1000', '1001', '1002', 'unread-divider', '1003', 'sticky-date', '1004', '1005', '1006', '1007', 'sponsored']);
  });

  it('skips the unread divider and the sponsored message; waits for an empty row', () => {
    const { results, byId } = scan(chat);
    expect(results[4]).toEqual({ type: 'skip' });
    expect(byId.get('sponsored')).toEqual({ type: 'skip' });
    expect(byId.get('1007')).toEqual({ type: 'pending', key: 'tga:1007' });
  });

  it('resolves day headers to dated keys', () => {
    const { results } = scan(chat);
    expect(results[0]).toEqual({ type: 'item', item: { type: 'day', key: 'tga-day:2024-03-31', label: 'March 31, 2024' }, media: [] });
    const yesterday = new Date();
    yesterday.setDate(yesterday.getDate() - 1);
    const iso = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
    expect(results[6]).toEqual({ type: 'item', item: { type: 'day', key: `tga-day:${iso}`, label: 'Yesterday' }, media: [] });
  });

  it('parses text with emoji, <br> line breaks and links; meta is not text', () => {
    expect(messageOf(scan(chat).byId.get('1001'))).toEqual({
      key: 'tga:1001',
      siteId: '1001',
      time: { visibleTime: '10:00' },
      direction: 'in',
      kind: 'text',
      text: 'Hello 👋\nsee example.org/a\n\nsecond para',
      sender: { name: 'Alice' },
      links: ['https://example.org/a?b=1'],
    });
  });

  it('reads reply previews, edits, reactions and RTL text', () => {
    expect(messageOf(scan(chat).byId.get('1002'))).toEqual({
      key: 'tga:1002',
      siteId: '1002',
      time: { visibleTime: 'edited 10:01 PM' },
      direction: 'in',
      kind: 'text',
      text: 'مرحبا بالجميع',
      replyPreview: { sender: 'Bob', text: 'Earlier text' },
      edited: true,
      reactions: [{ emoji: '👍', count: 2 }],
    });
  });

  it('own photo: media source while loaded, no sender', () => {
    const r = scan(chat).byId.get('1003');
    const m = messageOf(r);
    expect(m).toMatchObject({ direction: 'out', kind: 'media', text: 'caption', attachments: [{ mediaType: 'image', status: 'not-loaded', mediaKey: 'tga:1003:0' }] });
    expect(m.sender).toBeUndefined();
    expect(r?.type === 'item' && r.media).toEqual([{ mediaKey: 'tga:1003:0', url: 'blob:https://web.telegram.org/3333' }]);
  });

  it('forwarded document, voice, poll and the service row', () => {
    const { byId } = scan(chat);
    expect(messageOf(byId.get('1004'))).toEqual({
      key: 'tga:1004',
      siteId: '1004',
      time: { visibleTime: '00:05' },
      direction: 'in',
      kind: 'media',
      forwarded: true,
      forwardedFrom: 'News Channel',
      attachments: [{ mediaType: 'document', name: 'report.pdf', status: 'not-loaded' }],
    });
    expect(messageOf(byId.get('1005'))).toMatchObject({ kind: 'media', attachments: [{ mediaType: 'voice', status: 'not-loaded' }] });
    expect(messageOf(byId.get('1006'))).toMatchObject({ kind: 'poll', text: 'Lunch?\nYes\nNo' });
    expect(messageOf(byId.get('1000'))).toEqual({ key: 'tga:1000', siteId: '1000', time: {}, direction: 'system', kind: 'system', text: 'Alice joined the group' });
  });

  it('finalizes to local wall times from the day header and the visible time', () => {
    const out = telegramA.finalize(scan(chat).items, { timeZone: 'Europe/Berlin', reachedStart: true });
    expect(out.timestampsAreLocal).toBe(true);
    const byKey = new Map(out.messages.map((m) => [m.key, m]));
    expect(byKey.get('tga:1000')?.timestamp).toEqual({ value: '2024-03-31', precision: 'day', source: 'day-separator' });
    expect(byKey.get('tga:1001')?.timestamp).toEqual({ value: '2024-03-31T10:00', precision: 'minute', source: 'visible-time' });
    expect(byKey.get('tga:1002')?.timestamp.value).toBe('2024-03-31T22:01');
    expect(byKey.get('tga:1002')?.sender).toEqual({ name: 'Alice' });
    expect(byKey.get('tga:1003')?.sender).toBeUndefined();
    expect(byKey.get('tga:1004')?.timestamp.value).toMatch(/^\d{4}-\d{2}-\d{2}T00:05$/);
    expect(out.participants).toEqual([{ name: 'Alice' }]);
  });

  it('probes anchors by form', () => {
    const probe = telegramA.probe(document);
    expect(Object.keys(probe).sort()).toEqual(TELEGRAM_A_ANCHORS.map((a) => a.name).sort());
    expect(probe['message-id']).toBe(0);
    expect(probe['direction']).toBe(0);
    expect(probe['day-separator']).toBe(0);
  });
});

describe('telegram-a: changed pages and fallbacks', () => {
  beforeEach(() => load('group-chat.html'));
  const row = (id: string) => document.querySelector(`[data-message-id="${id}"]`)!;

  it('older id form message<id> still works', () => {
    row('1001').id = 'message1001';
    expect(messageOf(telegramA.openChat(document)!.parseRow(row('1001'))).siteId).toBe('1001');
  });

  it('without the "own" class the outgoing ticks still mark own messages', () => {
    row('1003').classList.remove('own');
    expect(messageOf(telegramA.openChat(document)!.parseRow(row('1003'))).direction).toBe('out');
  });

  it('a date group without its header is broken (day-separator)', () => {
    document.querySelector('.sticky-date')!.className = 'renamed-date';
    expect(telegramA.openChat(document)!.parseRow(row('1001'))).toEqual({ type: 'broken', anchor: 'day-separator' });
  });

  it('a message without its time is broken (message-time)', () => {
    row('1001').querySelector('.message-time')!.className = 'x';
    expect(telegramA.openChat(document)!.parseRow(row('1001'))).toEqual({ type: 'broken', anchor: 'message-time' });
  });

  it('a list item that is no longer a .Message is broken (message-row)', () => {
    row('1001').classList.remove('Message');
    expect(telegramA.openChat(document)!.parseRow(row('1001'))).toEqual({ type: 'broken', anchor: 'message-row' });
  });

  it('a text message whose text element is gone is broken (message-text)', () => {
    row('1001').querySelector('.text-content')!.className = 'x';
    expect(telegramA.openChat(document)!.parseRow(row('1001'))).toEqual({ type: 'broken', anchor: 'message-text' });
  });

  it('older scroller id and header title form', () => {
    const list = document.querySelector('.MessageList')!;
    list.className = 'custom-scroll';
    list.id = 'MessageList';
    document.querySelector('.fullName')!.className = 'title-x';
    const chat = telegramA.openChat(document)!;
    expect(chat.scroller.id).toBe('MessageList');
    expect(chat.title).toBe('Project Group 🚀');
  });
});
