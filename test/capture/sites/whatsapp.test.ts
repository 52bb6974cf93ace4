// @vitest-environment happy-dom
// The WhatsApp adapter over saved fragments (test/fixtures/sites/whatsapp/fragments/): rows to
// skip, every message kind, both data-id forms, and the whole chat finalized.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CapturedItem, ChatView, RowResult } from '../../../src/capture/adapter';
import { whatsapp } from '../../../src/capture/sites/whatsapp';

const FRAGMENTS = path.resolve(import.meta.dirname, '../../fixtures/sites/whatsapp/fragments');
const load = (name: string) => {
  document.body.innerHTML = fs.readFileSync(path.join(FRAGMENTS, name), 'utf8');
};
const items = (chat: ChatView): CapturedItem[] =>
  chat.rows().flatMap((r) => {
    const res = chat.parseRow(r);
    return res.type === 'item' ? [res.item] : [];
  });
const results = (chat: ChatView): RowResult[] => chat.rows().map((r) => chat.parseRow(r));

describe('whatsapp adapter: en-US group, packed ids', () => {
  let chat: ChatView;
  beforeEach(() => {
    load('en-us-group-packed.html');
    chat = whatsapp.openChat(document)!;
  });

  it('finds the open chat, its title, id and rows', () => {
    expect(whatsapp.matches(new URL('https://web.whatsapp.com/'))).toBe(true);
    expect(whatsapp.matches(new URL('https://web.telegram.org/k/'))).toBe(false);
    expect(chat.title).toBe('Family 👨‍👩‍👧 عائلة');
    expect(chat.id).toBe('120363403498637789@g.us');
    expect(chat.isGroup).toBe(true);
    expect(chat.header.tagName).toBe('HEADER');
    expect(chat.rows()).toHaveLength(18);
    expect(chat.atStart()).toBe(true);
    expect(chat.historyGate()).toBeNull();
    expect(chat.historyUnavailable()).toBeNull();
    expect(chat.loading()).toBe(false);
  });

  it('skips the encryption notice, the contact card and the unread divider; keeps day chips as days', () => {
    const r = results(chat);
    // Rows that are no item say so with the key their emptied form has (nothing to wait for).
    expect(r[0]).toEqual({ type: 'skip', key: 'wa-day:CARD00000000000001:0' }); // encryption notice
    expect(r[1]).toEqual({ type: 'skip', key: 'wa:CARD00000000000001' }); // contact card with a data-id
    expect(r[2]).toEqual({ type: 'item', item: { type: 'day', key: 'wa-day:AC808B3E0000000000000001:0', label: '12/31/2025' }, media: [] });
    expect(r[11]).toEqual({ type: 'skip', key: 'wa-day:ACED689BB5C3115D3DD361F3520F9ECE:0' }); // 3 unread messages
    expect(r.filter((x) => x.type === 'broken')).toEqual([]);
  });

  it('reads a text message: sender header, emoji, formatting, links, line breaks, reactions', () => {
    const r = results(chat)[4];
    expect(r).toEqual({
      type: 'item',
      media: [],
      item: {
        type: 'message',
        key: 'wa:3EB0A1000000000000000001',
        message: {
          key: 'wa:3EB0A1000000000000000001',
          siteId: '3EB0A1000000000000000001',
          time: { prePlainText: '[11:58\u202fPM, 12/31/2025] Alice: ', visibleTime: '11:58\u202fPM' },
          direction: 'in',
          kind: 'text',
          text: 'Happy new year 🎉 see *you* at https://example.org/party\nsecond line\n\nafter a blank line',
          reactions: [{ emoji: '👍', count: 2 }],
          links: ['https://example.org/party'],
        },
      },
    });
  });

  it('reads forwarded, edited and right-to-left text; deleted rows without a header', () => {
    const [fwd, del] = [results(chat)[5]!, results(chat)[6]!];
    expect(fwd).toMatchObject({
      item: { message: { text: 'שנה טובה לכולם', textDirection: 'rtl', forwarded: true, edited: true, kind: 'text' } },
    });
    expect(del).toMatchObject({
      item: { message: { kind: 'deleted', direction: 'in', time: { visibleTime: '11:59\u202fPM' } } },
    });
    expect(del.type === 'item' && del.item.type === 'message' && 'text' in del.item.message).toBe(false);
  });

  it('reads a reply, an own photo without caption, own deleted, media kinds', () => {
    const r = results(chat);
    expect(r[8]).toMatchObject({
      item: {
        message: {
          direction: 'out',
          text: 'Same to you!',
          replyPreview: { sender: 'Alice', text: 'Happy new year 🎉 see *you* at https://example.org/party\nsecond line\n\nafter a blank line' },
        },
      },
    });
    expect(r[9]).toEqual({
      type: 'item',
      media: [{ mediaKey: 'wa:3EB0B2000000000000000002#0', url: 'blob:https://web.whatsapp.com/7e1c4c1e-0000-4000-8000-000000000001' }],
      item: {
        type: 'message',
        key: 'wa:3EB0B2000000000000000002',
        message: {
          key: 'wa:3EB0B2000000000000000002',
          siteId: '3EB0B2000000000000000002',
          time: { visibleTime: '12:05\u202fAM' },
          direction: 'out',
          kind: 'media',
          attachments: [{ mediaType: 'image', status: 'captured', mediaKey: 'wa:3EB0B2000000000000000002#0' }],
        },
      },
    });
    expect(r[10]).toMatchObject({ item: { message: { kind: 'deleted', direction: 'out' } } });
    expect(r[12]).toMatchObject({
      item: { message: { kind: 'media', text: 'The view from here', attachments: [{ mediaType: 'image', status: 'captured' }] } },
    });
    expect(r[12]!.type === 'item' && r[12]!.media).toHaveLength(1);
    expect(r[13]).toMatchObject({
      item: { message: { kind: 'media', attachments: [{ mediaType: 'document', name: 'Trip plan.pdf', mime: 'application/pdf', status: 'not-loaded' }] } },
    });
    expect(r[14]).toMatchObject({ item: { message: { attachments: [{ mediaType: 'voice', status: 'not-loaded' }] } } });
    // A video's poster is not the video: nothing to fetch.
    expect(r[15]).toMatchObject({ item: { message: { attachments: [{ mediaType: 'video', status: 'not-loaded' }] } }, media: [] });
    expect(r[17]).toMatchObject({
      item: { message: { text: 'ok: _see_ ~you~ ```soon```', reactions: [{ emoji: '❤️', count: 1 }, { emoji: '😂', count: 1 }] } },
    });
  });

  it('a non-message row with an id stays skipped when WhatsApp empties it (nothing to wait for)', () => {
    const card = chat.rows()[1]!;
    expect(chat.parseRow(card)).toEqual({ type: 'skip', key: 'wa:CARD00000000000001' });
    const inner = card.querySelector('[data-id]')!;
    inner.replaceChildren();
    inner.setAttribute('data-virtualized', 'true');
    expect(chat.parseRow(card)).toEqual({ type: 'skip', key: 'wa:CARD00000000000001' });
    // A message row emptied the same way is still one to read when it fills again.
    const message = chat.rows()[4]!.querySelector('[data-id]')!;
    message.replaceChildren();
    expect(chat.parseRow(chat.rows()[4]!)).toEqual({ type: 'pending', key: 'wa:3EB0A1000000000000000001' });
  });

  it('reads system rows with and without an id', () => {
    const r = results(chat);
    expect(r[3]).toMatchObject({
      item: { key: 'wa:AC808B3E0000000000000001', message: { direction: 'system', kind: 'system', text: 'Alice added Bob', time: {} } },
    });
    expect(r[16]).toMatchObject({
      item: { key: expect.stringMatching(/^wa-sys:3EB0B2000000000000000004:[0-9a-f]{8}$/), message: { kind: 'system', text: 'Bob changed the group name to "Family"' } },
    });
  });

  it('finalizes: dates across a year change, times from bubbles, senders carried forward, reply keys', () => {
    const f = whatsapp.finalize(items(chat), { timeZone: 'Europe/Berlin', reachedStart: true });
    expect(f.dateOrder).toBe('mdy');
    expect(f.timestampsAreLocal).toBe(true);
    expect(f.warnings).toEqual([]);
    expect(f.participants).toEqual([{ name: 'Alice' }, { name: 'Sam Rivera', isMe: true }, { name: '+44 7700 900123' }]);
    const by = Object.fromEntries(f.messages.map((m) => [m.key, m]));
    expect(f.messages.map((m) => [m.timestamp.value, m.timestamp.source, m.sender?.name ?? null])).toEqual([
      ['2025-12-31', 'day-separator', null],
      ['2025-12-31T23:58', 'pre-plain-text', 'Alice'],
      ['2025-12-31T23:59', 'pre-plain-text', 'Alice'],
      ['2025-12-31T23:59', 'visible-time', 'Alice'],
      ['2026-01-01T00:03', 'pre-plain-text', 'Sam Rivera'],
      ['2026-01-01T00:05', 'visible-time', 'Sam Rivera'],
      ['2026-01-01T00:06', 'visible-time', 'Sam Rivera'],
      ['2026-01-01T13:15', 'pre-plain-text', '+44 7700 900123'],
      ['2026-01-01T13:16', 'pre-plain-text', '+44 7700 900123'],
      ['2026-01-01T13:17', 'pre-plain-text', '+44 7700 900123'],
      ['2026-01-01T13:18', 'pre-plain-text', '+44 7700 900123'],
      ['2026-01-01', 'day-separator', null],
      ['2026-01-01T13:20', 'pre-plain-text', 'Sam Rivera'],
    ]);
    expect(by['wa:3EB0B2000000000000000001']!.replyTo).toBe('wa:3EB0A1000000000000000001');
    expect(by['wa:3EB0A1000000000000000001']).toEqual({
      key: 'wa:3EB0A1000000000000000001',
      siteId: '3EB0A1000000000000000001',
      timestamp: { value: '2025-12-31T23:58', precision: 'minute', source: 'pre-plain-text' },
      direction: 'in',
      sender: { name: 'Alice' },
      kind: 'text',
      text: 'Happy new year 🎉 see *you* at https://example.org/party\nsecond line\n\nafter a blank line',
      reactions: [{ emoji: '👍', count: 2 }],
      links: ['https://example.org/party'],
    });
    // mediaKey is the capture's link to the bytes, not part of the export.
    expect(by['wa:3EB0B2000000000000000002']!.attachments).toEqual([{ mediaType: 'image', status: 'captured' }]);
  });

  it('probes anchors by form, counts only', () => {
    const p = whatsapp.probe(document);
    expect(Object.keys(p).sort()).toEqual(whatsapp.anchors.map((a) => a.name).sort());
    for (const a of whatsapp.anchors) {
      if (a.name === 'history-gate') expect(p[a.name]).toBe(-1);
      else expect(p[a.name], a.name).toBe(0);
    }
  });
});

describe('whatsapp adapter: en-GB one-to-one, bare ids', () => {
  let chat: ChatView;
  beforeEach(() => {
    load('en-gb-direct-bare.html');
    chat = whatsapp.openChat(document)!;
  });

  it('has no chat id without packed ids; sees the spinner and the gate; not at the start', () => {
    expect(chat.id).toBe('');
    expect(chat.isGroup).toBeUndefined();
    expect(chat.title).toBe('Maya Cohen');
    expect(chat.loading()).toBe(true);
    expect(chat.atStart()).toBe(false);
    expect(chat.historyGate()?.textContent).toContain('Click this message to load older messages from your phone');
    expect(chat.historyUnavailable()).toBeNull();
  });

  it('reads hollow rows and undrawn pictures as pending, the gate row as skip', () => {
    const r = results(chat);
    expect(r[0]).toEqual({ type: 'skip', key: 'wa-day:3A4689CE2A81856D4BB0:0' });
    expect(r[1]).toEqual({ type: 'pending', key: 'wa:3A4689CE2A81856D4BB0' });
    expect(r[8]).toEqual({ type: 'pending', key: 'wa:ACED689BB5C3115D3DD361F3520F9E00' });
  });

  it('dates a day holding only a deleted message by its chip, and "Today" from the capture day', () => {
    const f = whatsapp.finalize(items(chat), {
      timeZone: 'Europe/Berlin',
      reachedStart: false,
      capturedAt: '2026-04-13T22:30:00Z', // already 14 April in Berlin
    });
    expect(f.dateOrder).toBe('dmy');
    expect(f.participants).toEqual([{ name: 'Maya Cohen' }, { name: 'Sam Rivera', isMe: true }]);
    expect(f.messages.map((m) => [m.key, m.timestamp.value, m.timestamp.source, m.sender?.name, m.kind])).toEqual([
      ['wa:3A4689CE2A81856D4BB1', '2026-04-03T09:07', 'visible-time', 'Maya Cohen', 'deleted'],
      ['wa:3A4689CE2A81856D4BB2', '2026-04-13T13:52', 'pre-plain-text', 'Maya Cohen', 'text'],
      ['wa:3A4689CE2A81856D4BB3', '2026-04-13T13:53', 'visible-time', 'Maya Cohen', 'deleted'],
      ['wa:ACED689BB5C3115D3DD361F3520F9E01', '2026-04-14T08:01', 'visible-time', 'Sam Rivera', 'deleted'],
      ['wa:ACED689BB5C3115D3DD361F3520F9E02', '2026-04-14T08:02', 'pre-plain-text', 'Sam Rivera', 'text'],
    ]);
    expect(f.messages[1]).toMatchObject({ text: 'مرحبا 👋🏽', textDirection: 'rtl' });
    expect(f.messages[4]).toMatchObject({ replyTo: 'wa:3A4689CE2A81856D4BB2', replyPreview: { sender: 'Maya Cohen', text: 'مرحبا 👋🏽' } });
  });

  it('dates "Today" through the messages under it when the capture day is not known', () => {
    const f = whatsapp.finalize(items(chat), { timeZone: 'Europe/Berlin', reachedStart: false });
    expect(f.messages[3]!.timestamp.value).toBe('2026-04-14T08:01');
  });
});

describe('whatsapp adapter: pt-BR group, bare ids', () => {
  beforeEach(() => load('pt-br-group-bare.html'));

  it('reads Portuguese pages: the end of history, forwarded, edited, deleted, quotes', () => {
    const chat = whatsapp.openChat(document)!;
    expect(chat.isGroup).toBe(true);
    expect(chat.historyUnavailable()).toBe('Use o WhatsApp no seu celular para ver mensagens mais antigas');
    expect(chat.historyGate()).toBeNull();
    const f = whatsapp.finalize(items(chat), { timeZone: 'Europe/Berlin', reachedStart: false });
    expect(f.messages).toEqual([
      {
        key: 'wa:3EB0C3000000000000000001',
        siteId: '3EB0C3000000000000000001',
        timestamp: { value: '2026-03-22T13:52', precision: 'minute', source: 'pre-plain-text' },
        direction: 'in',
        sender: { name: 'Ana' },
        kind: 'text',
        text: 'Bom dia, pessoal',
        forwarded: true,
        edited: true,
      },
      {
        key: 'wa:3EB0C3000000000000000002',
        siteId: '3EB0C3000000000000000002',
        timestamp: { value: '2026-03-22T13:55', precision: 'minute', source: 'visible-time' },
        direction: 'in',
        sender: { name: 'Ana' },
        kind: 'deleted',
      },
      {
        key: 'wa:3EB0C3000000000000000003',
        siteId: '3EB0C3000000000000000003',
        timestamp: { value: '2026-03-22T14:01', precision: 'minute', source: 'pre-plain-text' },
        direction: 'in',
        sender: { name: 'João' },
        kind: 'text',
        text: 'Bom dia!',
        replyTo: 'wa:3EB0C3000000000000000001',
        replyPreview: { sender: 'Ana', text: 'Bom dia, pessoal' },
      },
    ]);
  });
});

describe('whatsapp adapter: a changed page', () => {
  it('stops on a message row that lost its direction class or its header', () => {
    load('en-us-group-packed.html');
    const rows = whatsapp.openChat(document)!.rows();
    const text = rows[4]!;
    text.querySelector('.message-in')!.classList.replace('message-in', 'message-x');
    expect(whatsapp.openChat(document)!.parseRow(text)).toEqual({ type: 'broken', anchor: 'direction' });
    const other = rows[5]!;
    other.querySelector('[data-pre-plain-text]')!.removeAttribute('data-pre-plain-text');
    expect(whatsapp.openChat(document)!.parseRow(other)).toEqual({ type: 'broken', anchor: 'pre-plain-text' });
  });

  it('falls back to older forms: text by class, emoji by data-plain-text, quotes by label', () => {
    load('en-us-group-packed.html');
    for (const el of Array.from(document.querySelectorAll('[data-testid="selectable-text"]'))) el.removeAttribute('data-testid');
    for (const el of Array.from(document.querySelectorAll('img.emoji'))) el.classList.remove('emoji');
    for (const el of Array.from(document.querySelectorAll('.quoted-mention'))) el.classList.remove('quoted-mention');
    const chat = whatsapp.openChat(document)!;
    const r = results(chat);
    expect(r[4]).toMatchObject({ item: { message: { text: 'Happy new year 🎉 see *you* at https://example.org/party\nsecond line\n\nafter a blank line' } } });
    expect(r[8]).toMatchObject({ item: { message: { replyPreview: { sender: 'Alice' } } } });
    const probe = whatsapp.probe(document);
    expect(probe['message-text']).toBe(1);
    expect(probe.emoji).toBe(1);
    expect(probe['quoted-message']).toBe(1);
  });

  it('finds no chat without a conversation pane or message list', () => {
    document.body.innerHTML = '<div id="app"><div id="side"></div></div>';
    expect(whatsapp.openChat(document)).toBeNull();
    expect(Object.values(whatsapp.probe(document)).every((v) => v === -1)).toBe(true);
  });
});
