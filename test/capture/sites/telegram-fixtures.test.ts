// The Telegram fixtures' generator and renderers, checked in Node: the chat covers what issue 3
// asks for, its ground truth is valid chatseal/1, and the adapters read the fixtures' DOM (all
// rows rendered at once, no scrolling) back to exactly that ground truth, with every ?rename=
// variant either read through a fallback or stopped as a changed page.
process.env.TZ = 'Europe/Berlin';
import fs from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CapturedItem, SiteAdapter } from '../../../src/capture/adapter';
import { telegramA, TELEGRAM_A_ANCHORS } from '../../../src/capture/sites/telegram-a';
import { telegramK, TELEGRAM_K_ANCHORS } from '../../../src/capture/sites/telegram-k';
import type { Message } from '../../../src/export/types';
import { validateExport } from '../../../src/export/validate';
import * as fixtureA from '../../fixtures/sites/telegram-a/fixture.mjs';
import { IMAGES, imageDigests } from '../../fixtures/sites/telegram-k/dataset.mjs';
import * as fixtureK from '../../fixtures/sites/telegram-k/fixture.mjs';
import type { TgFixture } from '../../fixtures/sites/telegram-k/fixture.mjs';

const SITES = path.resolve(import.meta.dirname, '../../fixtures/sites');
const END = 1774951200; // 2026-03-31T10:00:00Z
const NOW = new Date((END + 3600) * 1000);
let digests: string[] = [];
beforeAll(async () => {
  digests = await imageDigests();
  // Day labels ("Today", "Friday", "March 3") are relative to the clock of the page and of the
  // adapter reading it: both see NOW.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => {
  vi.useRealTimers();
});

describe('telegram fixture data', () => {
  it('is deterministic and covers every kind, both directions, RTL, emoji, a year change and DST days', () => {
    const one = fixtureK.generate({ seed: 3, total: 3000, end: END }, digests);
    const two = fixtureK.generate({ seed: 3, total: 3000, end: END }, digests);
    expect(two.messages).toEqual(one.messages);
    expect(one.messages).toHaveLength(3000);
    const kinds = new Set(one.messages.map((m) => m.kind));
    expect([...kinds].sort()).toEqual(['contact', 'media', 'poll', 'sticker', 'system', 'text']);
    const media = new Set(one.messages.flatMap((m) => (m.attachments ?? []).map((a) => a.mediaType)));
    expect([...media].sort()).toEqual(['document', 'image', 'sticker', 'video', 'voice']);
    expect(one.messages.some((m) => m.attachments && m.attachments.length > 1)).toBe(true);
    const has = (f: (m: Message) => boolean) => expect(one.messages.some(f)).toBe(true);
    has((m) => m.direction === 'in');
    has((m) => m.direction === 'out');
    has((m) => /[\u0600-\u06ff\u0590-\u05ff]/.test(m.text ?? ''));
    has((m) => /\p{Extended_Pictographic}/u.test(m.text ?? ''));
    has((m) => (m.text ?? '').includes('\n\n'));
    has((m) => m.replyTo !== undefined);
    has((m) => m.replyPreview !== undefined && m.replyTo === undefined);
    has((m) => m.forwarded === true);
    has((m) => m.edited === true);
    has((m) => (m.reactions ?? []).some((r) => r.count > 1000));
    has((m) => (m.links ?? []).length > 0);
    // Identical text twice in a row from one sender.
    expect(one.messages.some((m, i) => i > 0 && m.kind === 'text' && m.text === one.messages[i - 1]!.text && m.direction === one.messages[i - 1]!.direction)).toBe(true);
    const senders = new Set(one.messages.flatMap((m) => (m.sender ? [m.sender.name] : [])));
    expect(senders.size).toBeGreaterThanOrEqual(4);
    expect(senders.has('سارة')).toBe(true);
    const days = new Set(one.raw.map((m) => fixtureK.localDay(m.unix)));
    for (const d of ['2025-03-30', '2025-10-26', '2024-10-27', '2025-12-31', '2026-01-01', '2026-03-29']) expect(days.has(d), d).toBe(true);
    const years = new Set(one.raw.map((m) => new Date(m.unix * 1000).getFullYear()));
    expect(years.size).toBeGreaterThanOrEqual(3);
  });

  it('never opens a group run with a forwarded message (the sender would show nowhere)', () => {
    const { raw } = fixtureK.generate({ seed: 9, total: 3000, end: END }, digests);
    expect(raw.filter((m) => m.forwardedFrom && m.runStart && m.direction === 'in')).toEqual([]);
  });

  it('ground truth is valid chatseal/1 for both apps', () => {
    for (const [site, fixture, local] of [
      ['telegram-k', fixtureK.generate({ total: 500, end: END }, digests), false],
      ['telegram-a', fixtureA.generate({ total: 500, end: END }, digests), true],
    ] as const) {
      const doc = {
        schema: 'chatseal/1',
        source: { site, url: `https://web.telegram.org/${site === 'telegram-k' ? 'k' : 'a'}/` },
        conversation: fixture.conversation,
        capture: {
          startedAt: '2026-03-31T10:00:00Z',
          finishedAt: '2026-03-31T10:01:00Z',
          reachedStart: true,
          stopReason: 'reached-start',
          timeZone: 'Europe/Berlin',
          timestampsAreLocal: local,
          warnings: [],
          unparsedLines: [],
          tool: { name: 'chatseal', version: '0.0.0' },
        },
        messages: fixture.messages,
      };
      const report = validateExport(doc);
      expect(report, site).toEqual({ valid: true, errors: [] });
    }
  });
});

interface Rendered {
  items: CapturedItem[];
  broken: string | null;
  media: Map<string, number>;
}

/** Renders every row of a fixture into a page shell and reads it with the adapter. */
function renderAndRead(site: 'k' | 'a', fixture: TgFixture, rename = ''): Rendered & { adapter: SiteAdapter } {
  const window = new Window({ url: `https://web.telegram.org/${site}/#${fixture.chat.id}` });
  const document = window.document as unknown as Document;
  const html = fs.readFileSync(path.join(SITES, `telegram-${site}/index.html`), 'utf8');
  document.body.innerHTML = html.slice(html.indexOf('<body>') + 6, html.indexOf('<script'));
  const blobs = new Map<string, number>();
  const opts = { chat: fixture.chat, rename, images: IMAGES, now: () => new Date(), timeFormat: '24h' as const };
  const ctx = {
    index: 0,
    late: false,
    blobUrl: (data: BlobPart) => {
      const url = `blob:https://web.telegram.org/${blobs.size}`;
      blobs.set(url, IMAGES.indexOf(data as Uint8Array));
      return url;
    },
  };
  let adapter: SiteAdapter;
  if (site === 'k') {
    adapter = telegramK;
    const title = document.createElement('span');
    title.className = rename === 'chat-title' ? 'peer-title-v2' : 'peer-title';
    title.setAttribute('data-peer-id', fixture.chat.id);
    title.textContent = fixture.chat.title;
    document.getElementById('chat-title')!.append(title);
    const inner = document.getElementById('inner')!;
    if (fixture.chat.isGroup) inner.classList.add('is-chat', 'with-message-avatars');
    if (rename === 'scroller') document.getElementById('scroller')!.classList.remove('bubbles-scrollable');
    const layout = fixtureK.createLayout(document, inner, opts);
    for (const item of fixture.items) layout.insert(fixtureK.renderItem(document, item, ctx, opts), item, null);
  } else {
    adapter = telegramA;
    const title = document.createElement('h3');
    title.className = rename === 'chat-title' ? 'fullName-v2' : 'fullName';
    title.textContent = fixture.chat.title;
    document.getElementById('chat-title')!.append(title);
    document.getElementById('chat-avatar')!.setAttribute('data-peer-id', fixture.chat.id);
    const scroller = document.getElementById('scroller')!;
    if (!fixture.chat.isGroup) scroller.classList.add('no-avatars');
    if (rename === 'scroller') scroller.classList.remove('MessageList');
    const container = document.getElementById('container')!;
    const tail = document.getElementById('tail')!;
    const layout = fixtureA.createLayout(document, container, tail, opts);
    for (const item of fixture.items) layout.insert(fixtureA.renderItem(document, item, ctx, opts), item, null);
  }
  const chat = adapter.openChat(document);
  if (!chat) return { adapter, items: [], broken: 'open-chat', media: blobs };
  const items: CapturedItem[] = [];
  const media = new Map<string, number>();
  for (const row of chat.rows()) {
    const result = chat.parseRow(row);
    if (result.type === 'broken') return { adapter, items, broken: result.anchor, media };
    if (result.type === 'pending') throw new Error(`pending row ${result.key}`);
    if (result.type !== 'item') continue;
    items.push(result.item);
    for (const source of result.media) media.set(source.mediaKey, blobs.get(source.url)!);
  }
  return { adapter, items, broken: null, media };
}

/** What the worker's capture session makes of fetched media (src/backup/capture-session.ts). */
function withStoredMedia(messages: Message[], media: Map<string, number>): Message[] {
  return messages.map((m) => {
    if (!m.attachments) return m;
    const attachments = m.attachments.map((a) => {
      const { mediaKey, ...rest } = a as typeof a & { mediaKey?: string };
      const image = mediaKey === undefined ? undefined : media.get(mediaKey);
      if (image === undefined) return rest;
      const sha256 = digests[image]!;
      return { ...rest, mime: 'image/png', status: 'captured' as const, path: `media/${sha256}.png`, sha256, size: IMAGES[image]!.length };
    });
    return { ...m, attachments };
  });
}

describe.each([
  ['k', fixtureK, TELEGRAM_K_ANCHORS, fixtureK.K_RENAMES],
  ['a', fixtureA, TELEGRAM_A_ANCHORS, fixtureA.A_RENAMES],
] as const)('telegram-%s fixture read by its adapter', (site, fixture, anchors, renames) => {
  for (const [chat, seed, total] of [['group', 11, 400], ['private', 11, 400], ['group', 1, 3000]] as const) {
    it(`${chat} chat, seed ${seed}, ${total} messages: the adapter reads back the ground truth exactly`, () => {
      const data = fixture.generate({ seed, total, chat, end: END }, digests);
      const { adapter, items, broken, media } = renderAndRead(site, data);
      expect(broken).toBeNull();
      const out = adapter.finalize(items, { timeZone: 'Europe/Berlin', reachedStart: true });
      expect(withStoredMedia(out.messages, media)).toEqual(data.messages);
      expect(out.participants).toEqual(data.conversation.participants);
      expect(out.warnings).toEqual([]);
    });
  }

  it('has a rename variant for every anchor', () => {
    expect([...renames].sort()).toEqual(anchors.map((a) => a.name).sort());
  });

  it.each([...renames])('rename=%s: read through an older form, or stopped as a changed page', (rename) => {
    const data = fixture.generate({ seed: 4, total: 120, end: END }, digests);
    const anchor = anchors.find((a) => a.name === rename)!;
    const { adapter, items, broken, media } = renderAndRead(site, data, rename);
    if (broken !== null) {
      expect(anchor.forms.length === 1 || anchor.required).toBe(true);
      return;
    }
    const out = adapter.finalize(items, { timeZone: 'Europe/Berlin', reachedStart: true });
    expect(withStoredMedia(out.messages, media)).toEqual(data.messages);
  });
});
