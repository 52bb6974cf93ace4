import { describe, expect, it } from 'vitest';
import { channelOf, discordAdapter } from '../../../src/capture/sites/discord';
import { DISCORD_ANCHORS } from '../../../src/capture/sites/discord-anchors';
import { loadFragment } from './discord-fragments';

const GUILD_URL = 'https://discord.com/channels/1154715232237797456/1154715233001148476';

describe('discordAdapter.matches', () => {
  it('takes channel pages of guilds and direct messages, with or without a jump to a message', () => {
    for (const url of [
      GUILD_URL,
      `${GUILD_URL}/`,
      `${GUILD_URL}/1223753541353472001`,
      'https://discord.com/channels/@me/900000000000000001',
      'https://ptb.discord.com/channels/@me/900000000000000001',
    ]) {
      expect(discordAdapter.matches(new URL(url)), url).toBe(true);
    }
    expect(channelOf(new URL(GUILD_URL))).toEqual({ guild: '1154715232237797456', channel: '1154715233001148476' });
  });

  it('refuses other pages and other hosts', () => {
    for (const url of [
      'https://discord.com/channels/@me',
      'https://discord.com/app',
      'https://discord.com/channels/1/abc',
      'https://discordapp.com.evil.example/channels/1/2',
      'https://web.whatsapp.com/channels/1/2',
    ]) {
      expect(discordAdapter.matches(new URL(url)), url).toBe(false);
    }
  });

  it('lists unique anchors, each with at least one form; the required ones have an older form', () => {
    const names = DISCORD_ANCHORS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const anchor of DISCORD_ANCHORS) expect(anchor.forms.length, anchor.name).toBeGreaterThanOrEqual(2);
  });
});

describe('discordAdapter.openChat', () => {
  it('a guild channel (cozy): id from the URL, title from the header, rows, the start, nothing loading', () => {
    const doc = loadFragment('cozy.html', GUILD_URL);
    const chat = discordAdapter.openChat(doc)!;
    expect(chat).not.toBeNull();
    expect(chat.id).toBe('1154715233001148476');
    expect(chat.title).toBe('general');
    expect(chat.isGroup).toBe(true);
    expect(chat.header.getAttribute('aria-label')).toBe('Channel header');
    expect(chat.scroller.getAttribute('data-jump-section')).toBe('global');
    expect(chat.rows()).toHaveLength(17);
    expect(chat.rows().map((r) => chat.parseRow(r).type).filter((t) => t === 'item')).toHaveLength(12);
    expect(chat.loading()).toBe(false);
    expect(chat.atStart()).toBe(true);
    expect(chat.historyGate()).toBeNull();
    expect(chat.historyUnavailable()).toBeNull();
  });

  it('reads "me" from the account panel, so my rows are out', () => {
    const doc = loadFragment('cozy.html', GUILD_URL);
    const chat = discordAdapter.openChat(doc)!;
    const mine = chat.rows().find((r) => r.id.endsWith('-1223798796845056003'))!;
    const result = chat.parseRow(mine);
    expect(result.type === 'item' && result.item.type === 'message' && result.item.message.direction).toBe('out');
  });

  it('while older messages load (compact page): loading, not at the start', () => {
    const doc = loadFragment('compact.html', 'https://discord.com/channels/1154715232237797456/1154715233001148480');
    const chat = discordAdapter.openChat(doc)!;
    expect(chat.title).toBe('lunch');
    expect(chat.loading()).toBe(true);
    expect(chat.atStart()).toBe(false);
  });

  it('a direct message: no isGroup, the title without the screen-reader prefix is still the header text', () => {
    const doc = loadFragment('edge-cases.html', 'https://discord.com/channels/@me/900000000000000001');
    const chat = discordAdapter.openChat(doc)!;
    expect(chat.id).toBe('900000000000000001');
    expect(chat.isGroup).toBeUndefined();
    expect(chat.title).toBe('Direct message with Alice');
    expect(chat.scroller.getAttribute('role')).toBe('group');
    expect(chat.atStart()).toBe(false);
  });

  it('no chat on a page that is not a channel, or without the list or header', () => {
    expect(discordAdapter.openChat(loadFragment('cozy.html', 'https://discord.com/channels/@me'))).toBeNull();
    const doc = loadFragment('cozy.html', GUILD_URL);
    doc.querySelector('ol')!.remove();
    expect(discordAdapter.openChat(doc)).toBeNull();
    const noHeader = loadFragment('cozy.html', GUILD_URL);
    noHeader.querySelector('section[aria-label="Channel header"]')!.remove();
    expect(discordAdapter.openChat(noHeader)).toBeNull();
  });

  it('the older forms of the list and header still open the chat', () => {
    const doc = loadFragment('cozy.html', GUILD_URL);
    doc.querySelector('ol')!.setAttribute('data-list-id', 'chat-messages-v2');
    doc.querySelector('section[aria-label="Channel header"]')!.setAttribute('aria-label', 'Channel bar');
    const chat = discordAdapter.openChat(doc)!;
    expect(chat.title).toBe('general');
    expect(chat.rows()).toHaveLength(17);
    expect(discordAdapter.probe(doc)).toMatchObject({ 'message-list': 1, 'channel-header': 1 });
  });
});

describe('discordAdapter.probe', () => {
  it('reports the form found for every anchor, -1 when absent', () => {
    const cozy = discordAdapter.probe(loadFragment('cozy.html', GUILD_URL));
    expect(Object.keys(cozy).sort()).toEqual(DISCORD_ANCHORS.map((a) => a.name).sort());
    expect(cozy).toMatchObject({
      'message-list': 0,
      'message-row': 0,
      'message-timestamp': 0,
      'message-content': 0,
      'message-username': 0,
      'sender-avatar': 0,
      'account-panel': 0,
      'channel-header': 0,
      'reply-context': 0,
      'reply-placeholder': 0,
      reactions: 0,
      reaction: 0,
      'edited-marker': 0,
      'system-message': 0,
      forwarded: 0,
      'image-attachment': 0,
      'file-attachment': 0,
      sticker: 0,
      'history-start': 0,
      'history-loading': -1,
    });
    const edge = discordAdapter.probe(loadFragment('edge-cases.html', 'https://discord.com/channels/@me/900000000000000001'));
    expect(edge).toMatchObject({ 'account-panel': -1, 'history-start': -1, 'history-loading': -1, sticker: -1 });
  });
});
