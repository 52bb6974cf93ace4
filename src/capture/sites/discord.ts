// Discord (discord.com/channels/<guild or @me>/<channel>): the site adapter. Row parsing lives in
// discord-dom.ts, the worker's half in discord-finalize.ts, the anchors in discord-anchors.ts.
//
// The message list is virtualised: about 50 rows are fetched per scroll to the top and rows far
// from the viewport are removed; the channel's "Welcome to #…" header sits above the first
// message once the start is loaded.
import { pageIdentity, type ChatView, type SiteAdapter } from '../adapter';
import { DISCORD_ANCHORS, formsOf } from './discord-anchors';
import { findForm, parseDiscordRow, readRichText, rowIds, userIdFromAvatar } from './discord-dom';
import { finalizeDiscord } from './discord-finalize';

const CHANNEL_PATH = /^\/channels\/(@me|\d+)\/(\d+)(?:\/\d+)?\/?$/;

/** Guild (or '@me' for direct messages) and channel of a Discord channel URL. */
export function channelOf(url: URL): { guild: string; channel: string } | null {
  if (url.hostname !== 'discord.com' && !url.hostname.endsWith('.discord.com')) return null;
  const m = CHANNEL_PATH.exec(url.pathname);
  return m?.[1] && m[2] ? { guild: m[1], channel: m[2] } : null;
}

/** Anchors looked for among the list's own children, not in the document at large. */
const LIST_SCOPED = new Set(['history-start', 'history-loading']);

function listOf(doc: Document): Element | null {
  return findForm(doc, formsOf('message-list'))?.element ?? null;
}

/** Children of the list that are not message rows (welcome header, placeholders, dividers). */
function listChrome(list: Element): Element[] {
  return Array.from(list.children).filter((child) => rowIds(child) === null);
}

function chromeMatches(list: Element, forms: readonly string[]): number {
  const chrome = listChrome(list);
  return forms.findIndex((form) => chrome.some((el) => el.matches(form) || el.querySelector(form) !== null));
}

/** The element that scrolls the list: the nearest ancestor styled to scroll. */
function scrollerOf(list: Element): HTMLElement {
  const view = list.ownerDocument.defaultView;
  for (let el = list.parentElement; el; el = el.parentElement) {
    const style = view?.getComputedStyle(el);
    // `overflow: hidden scroll` sets overflow-y to scroll; read the shorthand where it is not expanded.
    const overflow = style ? style.overflowY || (style.overflow.split(/\s+/)[1] ?? style.overflow) : '';
    if (overflow === 'auto' || overflow === 'scroll') return el;
  }
  // No computed styles (or none that scroll): Discord's own scroller wraps the list directly.
  return (list.closest('[class*="scroller"]:not(ol)') as HTMLElement | null) ?? (list.parentElement as HTMLElement);
}

function meIdOf(doc: Document): string | null {
  const panel = findForm(doc, formsOf('account-panel'))?.element;
  if (!panel) return null;
  for (const img of Array.from(panel.querySelectorAll('img[src]'))) {
    const id = userIdFromAvatar(img.getAttribute('src') ?? '');
    if (id) return id;
  }
  return null;
}

function titleOf(header: Element, list: Element, doc: Document): string {
  const h1 = header.querySelector('h1');
  const fromHeader = h1 ? readRichText(h1).text.replace(/\s+/g, ' ').trim() : '';
  if (fromHeader) return fromHeader;
  const label = list.getAttribute('aria-label')?.replace(/^Messages in\s+/i, '').trim();
  if (label) return label;
  // "Discord | #general | Server": the middle part names the channel.
  return doc.title.split('|')[1]?.trim() ?? doc.title;
}

export const discordAdapter: SiteAdapter = {
  site: 'discord',
  name: 'Discord',
  anchors: DISCORD_ANCHORS,

  matches(url: URL): boolean {
    return channelOf(url) !== null;
  },

  openChat(doc: Document): ChatView | null {
    const place = channelOf(new URL(doc.location.href));
    if (!place) return null;
    const list = listOf(doc);
    const header = findForm(doc, formsOf('channel-header'))?.element;
    if (!list || !header) return null;
    const scroller = scrollerOf(list);
    const context = { meId: meIdOf(doc) };
    const startForms = formsOf('history-start');
    const loadingForms = formsOf('history-loading');
    const title = titleOf(header, list, doc);
    return {
      id: place.channel,
      title,
      identity: pageIdentity(place.channel, title),
      ...(place.guild !== '@me' ? { isGroup: true } : {}),
      header,
      scroller,
      rows: () => Array.from(list.children),
      parseRow: (row) => parseDiscordRow(row, context),
      loading: () => chromeMatches(list, loadingForms) >= 0,
      atStart: () => chromeMatches(list, startForms) >= 0 && chromeMatches(list, loadingForms) < 0,
      historyGate: () => null,
      historyUnavailable: () => null,
    };
  },

  probe(doc: Document): Record<string, number> {
    const list = listOf(doc);
    const found: Record<string, number> = {};
    for (const anchor of DISCORD_ANCHORS) {
      if (LIST_SCOPED.has(anchor.name)) found[anchor.name] = list ? chromeMatches(list, anchor.forms) : -1;
      else found[anchor.name] = findForm(doc, anchor.forms)?.form ?? -1;
    }
    return found;
  },

  finalize: finalizeDiscord,
};
