import { describe, expect, it } from 'vitest';
import type { CapturedMessage, RowResult } from '../../../src/capture/adapter';
import { instantOf, parseDiscordRow, readRichText, rowIds, userIdFromAvatar } from '../../../src/capture/sites/discord-dom';
import { loadFragment, rowById } from './discord-fragments';

const GUILD_URL = 'https://discord.com/channels/1154715232237797456/1154715233001148476';
const ME = { meId: '300000000000000001' };

function item(result: RowResult): { message: CapturedMessage; media: unknown[] } {
  if (result.type !== 'item' || result.item.type !== 'message') throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  return { message: result.item.message, media: result.media };
}

describe('cozy rows (2024 class names)', () => {
  const doc = loadFragment('cozy.html', GUILD_URL);
  const parse = (id: string) => item(parseDiscordRow(rowById(doc, id), ME));

  it('skips dividers, the unread bar, the welcome header and the spacer', () => {
    const list = doc.querySelector('ol[data-list-id="chat-messages"]')!;
    const skipped = Array.from(list.children).filter((row) => parseDiscordRow(row, ME).type === 'skip');
    expect(skipped.map((el) => el.getAttribute('role') ?? el.className.split(' ')[0])).toEqual([
      'container__9271d',
      'separator',
      'separator',
      'separator',
      'scrollerSpacer__36d07',
    ]);
    expect(list.children.length - skipped.length).toBe(12);
  });

  it('a join is a system message without sender', () => {
    expect(parse('1223753128692678656').message).toEqual({
      key: 'dc:1223753128692678656',
      siteId: '1223753128692678656',
      direction: 'system',
      kind: 'system',
      time: { datetime: '2024-03-30T21:58:02.114Z' },
      text: 'Welcome, Bob. We hope you brought pizza.',
    });
  });

  it('a group start: author with user id, emoji as alt, links (masked too), mentions, formatting, lines', () => {
    expect(parse('1223753541353472001').message).toEqual({
      key: 'dc:1223753541353472001',
      siteId: '1223753541353472001',
      direction: 'in',
      kind: 'text',
      time: { datetime: '2024-03-30T21:59:40.500Z' },
      sender: { name: 'Alice', id: '300000000000000002' },
      text: 'Hi 👋 everyone :party:\nSee https://example.com/a?b=1 and @Maya — bold, it, x = 1, the guide\n\nbye',
      links: ['https://example.com/a?b=1', 'https://docs.example.org/guide'],
    });
  });

  it('a grouped follow-up has no sender (finalize carries it); the edited marker is a flag, not text', () => {
    expect(parse('1223753925132288002').message).toEqual({
      key: 'dc:1223753925132288002',
      siteId: '1223753925132288002',
      direction: 'unknown',
      kind: 'text',
      time: { datetime: '2024-03-30T22:01:12.000Z' },
      text: 'fixed the typo',
      edited: true,
    });
  });

  it('my reply: direction out, replied id from the quote, reactions with counts and custom emoji', () => {
    expect(parse('1223798796845056003').message).toEqual({
      key: 'dc:1223798796845056003',
      siteId: '1223798796845056003',
      direction: 'out',
      kind: 'text',
      time: { datetime: '2024-03-31T00:59:30.250Z' },
      sender: { name: 'Maya', id: '300000000000000001' },
      text: 'hello to you too',
      replyToSiteId: '1223753541353472001',
      replyPreview: { sender: 'Alice', text: 'Hi 👋 everyone' },
      reactions: [
        { emoji: '👍', count: 3 },
        { emoji: ':party:', count: 1 },
      ],
    });
  });

  it('an image attachment with caption: named from the original link, bytes from the loaded image', () => {
    const { message, media } = parse('1223799051649024004');
    expect(message).toMatchObject({ kind: 'media', text: 'look at this', direction: 'unknown' });
    expect(message.attachments).toEqual([
      { name: 'sunset beach.png', mediaType: 'image', mime: 'image/png', status: 'not-loaded', mediaKey: 'dc:att:1223799051363811328' },
    ]);
    expect(media).toEqual([
      {
        mediaKey: 'dc:att:1223799051363811328',
        url: 'https://media.discordapp.net/attachments/1154715233001148476/1223799051363811328/sunset%20beach.png?ex=6613a1b2&width=400&height=300',
        name: 'sunset beach.png',
        mime: 'image/png',
      },
    ]);
  });

  it('a file from someone with a default avatar: in; the APP tag is not part of the name', () => {
    const { message, media } = parse('1223799424942080005');
    expect(message).toEqual({
      key: 'dc:1223799424942080005',
      siteId: '1223799424942080005',
      direction: 'in',
      kind: 'media',
      time: { datetime: '2024-03-31T01:02:00.000Z' },
      sender: { name: 'Sam' },
      attachments: [{ name: 'report-Q1.pdf', mediaType: 'document', mime: 'application/pdf', status: 'not-loaded' }],
    });
    expect(media).toEqual([]);
  });

  it('right-to-left text and a server avatar URL', () => {
    expect(parse('1223799676600320006').message).toMatchObject({
      sender: { name: 'ليلى', id: '300000000000000004' },
      direction: 'in',
      text: 'مرحبا بالجميع 🌙 (hello everyone)',
      textDirection: 'rtl',
    });
  });

  it('forwarded, sticker, pin, reply to a deleted message, video with an embed beside it', () => {
    expect(parse('1223907134668800007').message).toMatchObject({ forwarded: true, text: 'the ferry leaves at 9', kind: 'text' });
    expect(parse('1223907386327040008').message).toEqual({
      key: 'dc:1223907386327040008',
      siteId: '1223907386327040008',
      direction: 'unknown',
      kind: 'sticker',
      time: { datetime: '2024-03-31T08:11:00.000Z' },
      attachments: [{ name: 'Wave', mediaType: 'sticker', status: 'not-loaded' }],
    });
    expect(parse('1223907637985280009').message).toMatchObject({
      kind: 'system',
      direction: 'system',
      text: 'Alice pinned a message to this channel. See all pinned messages.',
    });
    const orphan = parse('1223919717580800010').message;
    expect(orphan).toMatchObject({ text: 'still?', sender: { name: 'Sam' } });
    expect(orphan.replyToSiteId).toBeUndefined();
    expect(orphan.replyPreview).toBeUndefined();
    const { message, media } = parse('1223927267328000011');
    expect(message).toEqual({
      key: 'dc:1223927267328000011',
      siteId: '1223927267328000011',
      direction: 'out',
      kind: 'media',
      time: { datetime: '2024-03-31T09:30:00.000Z' },
      sender: { name: 'Maya', id: '300000000000000001' },
      text: 'clip and the repo https://github.com/example/ferry with:\nconst x = 1;\nconsole.log(x);',
      links: ['https://github.com/example/ferry'],
      attachments: [{ name: 'harbour.mp4', mediaType: 'video', mime: 'video/mp4', status: 'not-loaded' }],
    });
    expect(media).toEqual([]);
  });

  it('without the account panel nobody is known to be "me": directions are unknown', () => {
    expect(item(parseDiscordRow(rowById(doc, '1223798796845056003'), { meId: null })).message.direction).toBe('unknown');
  });
});

describe('compact rows (pre-2024 class names)', () => {
  const doc = loadFragment('compact.html', 'https://discord.com/channels/1154715232237797456/1154715233001148480');
  const parse = (id: string) => item(parseDiscordRow(rowById(doc, id), ME));

  it('every row names its author; no avatar, so no user id and direction unknown', () => {
    expect(parse('1058871287224320000').message).toEqual({
      key: 'dc:1058871287224320000',
      siteId: '1058871287224320000',
      direction: 'unknown',
      kind: 'text',
      time: { datetime: '2022-12-31T22:58:00.000Z' },
      sender: { name: 'Alice' },
      text: 'two minutes to go 🎆',
    });
    expect(parse('1058871790758707201').message.text).toBe('happy new year!\n🇩🇪👨‍👩‍👧👍🏽');
  });

  it('a compact reply with a reaction; the same text twice stays two messages', () => {
    const first = parse('1058872042417553410').message;
    expect(first).toMatchObject({
      sender: { name: 'Maya' },
      text: 'שנה טובה',
      textDirection: 'rtl',
      replyToSiteId: '1058871790758707201',
      replyPreview: { sender: 'Alice', text: 'happy new year!' },
      reactions: [{ emoji: '🎉', count: 2 }],
    });
    const second = parse('1058872042417553411').message;
    expect(second.key).not.toBe(first.key);
    expect(second.text).toBe(first.text);
  });

  it('a thread notice is a system message', () => {
    expect(parse('1058873000002310144').message).toMatchObject({
      kind: 'system',
      direction: 'system',
      text: 'Bob started a thread: after-party. See all threads.',
      time: { datetime: '2022-12-31T23:05:00.000Z' },
    });
  });

  it('skips the loading placeholder and the dividers', () => {
    const list = doc.querySelector('ol')!;
    const kinds = Array.from(list.children).map((row) => parseDiscordRow(row, ME).type);
    expect(kinds).toEqual(['skip', 'skip', 'item', 'skip', 'item', 'item', 'item', 'item', 'skip']);
  });
});

describe('older forms, late content and rows the adapter cannot read (2025 class names)', () => {
  const doc = loadFragment('edge-cases.html', 'https://discord.com/channels/@me/900000000000000001');
  const rows = Array.from(doc.querySelectorAll('ol > li'));
  const results = rows.map((row) => parseDiscordRow(row, { meId: null }));

  it('falls back to the article id, a class-named time and a class-named text', () => {
    expect(item(results[0]!).message).toEqual({
      key: 'dc:1223927267328000100',
      siteId: '1223927267328000100',
      direction: 'unknown',
      kind: 'text',
      time: { datetime: '2024-03-31T09:30:00.000Z' },
      text: 'continued from above',
    });
  });

  it('reports the missing anchor: time, row ids, username, reaction, reply target, text', () => {
    expect(results[1]).toEqual({ type: 'broken', anchor: 'message-timestamp' });
    expect(results[2]).toEqual({ type: 'broken', anchor: 'message-row' });
    expect(results[3]).toEqual({ type: 'broken', anchor: 'message-username' });
    expect(results[6]).toEqual({ type: 'broken', anchor: 'reaction' });
    expect(results[7]).toEqual({ type: 'broken', anchor: 'message-content' });
    expect(results[8]).toEqual({ type: 'broken', anchor: 'message-content' });
    expect(results[9]).toEqual({ type: 'broken', anchor: 'message-timestamp' });
  });

  it('an image that has not loaded yet and an empty row are pending, keyed', () => {
    expect(results[4]).toEqual({ type: 'pending', key: 'dc:1223927267328000104' });
    expect(results[5]).toEqual({ type: 'pending', key: 'dc:1223927267328000105' });
  });

  it('an offset datetime is kept as the page gives it; an unknown accessory leaves the text alone', () => {
    expect(item(results[10]!).message).toMatchObject({ kind: 'text', text: 'poll below', time: { datetime: '2024-03-31T11:36:00+02:00' } });
  });
});

describe('helpers', () => {
  it('rowIds reads both forms and nothing else', () => {
    const doc = loadFragment('edge-cases.html', 'https://discord.com/channels/@me/900000000000000001');
    const li = doc.createElement('li');
    li.id = 'chat-messages-1-2';
    expect(rowIds(li)).toEqual({ channelId: '1', messageId: '2' });
    li.id = 'chat-messages-x-2';
    expect(rowIds(li)).toBeNull();
  });

  it('userIdFromAvatar: user and server avatars give the id, default avatars none', () => {
    expect(userIdFromAvatar('https://cdn.discordapp.com/avatars/123456789012345678/abc.webp?size=80')).toBe('123456789012345678');
    expect(userIdFromAvatar('https://cdn.discordapp.com/guilds/1/users/123456789012345678/avatars/abc.webp')).toBe('123456789012345678');
    expect(userIdFromAvatar('https://cdn.discordapp.com/embed/avatars/3.png')).toBeNull();
  });

  it('instantOf keeps ISO instants, normalises other zoned forms, refuses zone-less and junk', () => {
    expect(instantOf('2024-03-31T09:30:00.000Z')).toBe('2024-03-31T09:30:00.000Z');
    expect(instantOf('2024-03-31T09:30:00Z')).toBe('2024-03-31T09:30:00Z');
    expect(instantOf('2024-03-31T09:30Z')).toBe('2024-03-31T09:30:00.000Z');
    expect(instantOf('2024-03-31T09:30:00')).toBeNull();
    expect(instantOf('yesterday')).toBeNull();
    expect(instantOf(null)).toBeNull();
  });

  it('readRichText turns <br> into a line break and skips icons and buttons', () => {
    const doc = loadFragment('edge-cases.html', 'https://discord.com/channels/@me/900000000000000001');
    const div = doc.createElement('div');
    div.innerHTML = 'a<br>b<svg><text>x</text></svg><button>Copy</button><img alt="🙂"><a href="mailto:x@y">mail</a>';
    expect(readRichText(div)).toEqual({ text: 'a\nb🙂mail', links: [] });
  });
});
