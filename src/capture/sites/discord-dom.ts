// Reading one Discord message row (li#chat-messages-<channel>-<message>) into a CapturedItem.
//
// What a row shows: group starts have a header (avatar in cozy mode, author name, time); grouped
// follow-ups show only a hover time and the text, so their author is carried forward in
// finalize. Times are exact: <time datetime> is the message's instant in UTC. The quoted message
// above a reply holds another message's content element, so everything here is looked up outside
// the reply context. Nothing in the row says "this is yours"; the avatar URL carries the author's
// user id, which is compared with the signed-in user's (account panel), when both are shown.
import type { Direction, MediaType, Reaction, Sender } from '../../export/types';
import { mimeForName } from '../../export/mime';
import { rtlIfFirstStrong } from '../../export/whatsapp-body';
import type { CapturedAttachment, CapturedMessage, MediaSource, RowResult } from '../adapter';
import { formsOf, type DiscordAnchorName } from './discord-anchors';

const ROW_ID = /^chat-messages-(\d+)-(\d+)$/;
const ITEM_ID = /^chat-messages___chat-messages-(\d+)-(\d+)$/;
const CONTENT_ID = /^message-content-(\d+)$/;
/** A user id in an avatar URL: /avatars/<id>/… or a server avatar's /guilds/<g>/users/<id>/…. */
const AVATAR_USER = /\/(?:avatars|users)\/(\d{5,25})\//;
const DEFAULT_AVATAR = /\/embed\/avatars\/\d+\.png/;
const ATTACHMENT_URL = /\/attachments\/\d+\/(\d+)\/([^/?#]+)/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Stable key of a message: Discord message ids (snowflakes) are unique across all channels. */
export function messageKey(messageId: string): string {
  return `dc:${messageId}`;
}

export interface RowContext {
  /** The signed-in user's id, from the account panel's avatar; null when it is not shown. */
  meId: string | null;
}

/** The first element under `root` that matches one of the forms (first form that matches wins). */
export function findForm(
  root: ParentNode,
  forms: readonly string[],
  accept: (el: Element) => boolean = () => true,
): { element: Element; form: number } | null {
  for (let i = 0; i < forms.length; i++) {
    const form = forms[i];
    if (form === undefined) continue;
    for (const element of Array.from(root.querySelectorAll(form))) {
      if (accept(element)) return { element, form: i };
    }
  }
  return null;
}

/** Every element matching the first form that matches any (forms are alternatives, not unions). */
export function findAllForm(
  root: ParentNode,
  forms: readonly string[],
  accept: (el: Element) => boolean = () => true,
): Element[] {
  for (const form of forms) {
    const found = Array.from(root.querySelectorAll(form)).filter(accept);
    if (found.length > 0) return found;
  }
  return [];
}

function selfOrInside(el: Element, forms: readonly string[]): boolean {
  return forms.some((form) => el.matches(form) || el.querySelector(form) !== null);
}

/** Channel and message id of a row, from the li's id or (older form) its article's item id. */
export function rowIds(row: Element): { channelId: string; messageId: string } | null {
  const direct = ROW_ID.exec(row.id);
  if (direct?.[1] && direct[2]) return { channelId: direct[1], messageId: direct[2] };
  const item = row.matches('[data-list-item-id]') ? row : row.querySelector('[data-list-item-id]');
  const fromItem = ITEM_ID.exec(item?.getAttribute('data-list-item-id') ?? '');
  if (fromItem?.[1] && fromItem[2]) return { channelId: fromItem[1], messageId: fromItem[2] };
  return null;
}

/** The user id an avatar URL names, null for a default avatar or an unknown form. */
export function userIdFromAvatar(url: string): string | null {
  return AVATAR_USER.exec(url)?.[1] ?? null;
}

/** The datetime attribute as an ISO instant with its offset, or null if it is not one. */
export function instantOf(datetime: string | null): string | null {
  if (!datetime) return null;
  if (ISO_INSTANT.test(datetime)) return datetime;
  const ms = Date.parse(datetime);
  // A zone-less value would be read as local time: refuse it rather than guess.
  if (Number.isNaN(ms) || !/(?:Z|[+-]\d{2}:?\d{2})$/.test(datetime)) return null;
  return new Date(ms).toISOString();
}

export interface RichText {
  text: string;
  links: string[];
}

/**
 * The text a person reads in `root`: emoji images become their alt text (`😄`, `:party:`), <br> a
 * line break; buttons, icons and whatever `skip` matches are left out. Links are the http(s)
 * targets of the text's anchors (masked links too), in order, each once.
 */
export function readRichText(root: Element, skip: (el: Element) => boolean = () => false): RichText {
  let text = '';
  const links: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === 3) {
      text += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    if (skip(el)) return;
    const tag = el.tagName.toUpperCase();
    if (tag === 'BR') {
      text += '\n';
      return;
    }
    if (tag === 'IMG') {
      text += el.getAttribute('alt') ?? '';
      return;
    }
    if (tag === 'SVG' || tag === 'BUTTON' || tag === 'STYLE' || tag === 'SCRIPT') return;
    if (tag === 'A') {
      const href = el.getAttribute('href');
      if (href && /^https?:\/\//i.test(href) && !links.includes(href)) links.push(href);
    }
    for (const child of Array.from(el.childNodes)) walk(child);
  };
  for (const child of Array.from(root.childNodes)) walk(child);
  return { text, links };
}

function mediaTypeFor(mime: string | undefined, fallback: MediaType): MediaType {
  if (mime === 'image/gif') return 'gif';
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('video/')) return 'video';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime !== undefined) return 'document';
  return fallback;
}

function fileNameFromUrl(url: string | null | undefined): { name?: string; attachmentId?: string } {
  if (!url) return {};
  const m = ATTACHMENT_URL.exec(url);
  if (!m?.[2]) return {};
  let name = m[2];
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape: keep the name as the URL spells it.
  }
  return { name, ...(m[1] ? { attachmentId: m[1] } : {}) };
}

class BrokenAnchor extends Error {
  constructor(readonly anchor: DiscordAnchorName) {
    super(`Discord anchor missing: ${anchor}`);
  }
}

/** Parses one child of the message list. */
export function parseDiscordRow(row: Element, context: RowContext): RowResult {
  try {
    return parseRow(row, context);
  } catch (error) {
    if (error instanceof BrokenAnchor) return { type: 'broken', anchor: error.anchor };
    throw error;
  }
}

function parseRow(row: Element, context: RowContext): RowResult {
  const ids = rowIds(row);
  if (!ids) {
    // Dividers, the unread bar, spacers, the channel's welcome header, loading placeholders.
    if (row.matches('[role="article"]') || row.querySelector('[role="article"]')) throw new BrokenAnchor('message-row');
    return { type: 'skip' };
  }
  const { messageId } = ids;
  const key = messageKey(messageId);
  const article = row.matches('[role="article"]') ? row : (row.querySelector('[role="article"]') ?? row);
  if (article.childElementCount === 0) return { type: 'pending', key };

  const reply = findForm(article, formsOf('reply-context'))?.element ?? null;
  const outsideReply = (el: Element): boolean => !reply || !reply.contains(el);

  const content = findContent(article, messageId, outsideReply);
  const outsideText = (el: Element): boolean => outsideReply(el) && !(content?.contains(el) ?? false);
  const timeEl = findForm(article, formsOf('message-timestamp'), (el) => outsideText(el) && el.tagName.toUpperCase() === 'TIME')?.element;
  const instant = instantOf(timeEl?.getAttribute('datetime') ?? null);
  if (!instant) throw new BrokenAnchor('message-timestamp');
  const time = { datetime: instant };

  if (selfOrInside(article, formsOf('system-message'))) {
    const text = readSystemText(article).trim();
    const message: CapturedMessage = {
      key,
      siteId: messageId,
      direction: 'system',
      kind: 'system',
      time,
      ...(text ? { text } : {}),
      ...textDirection(text),
    };
    return { type: 'item', item: { type: 'message', key, message }, media: [] };
  }

  const header = readHeader(article, outsideReply, context);
  const attachments: CapturedAttachment[] = [];
  const media: MediaSource[] = [];
  const images = readImages(article, messageId, outsideReply, attachments, media);
  if (images === 'pending') return { type: 'pending', key };
  readVideosAndFiles(article, outsideReply, attachments);
  const sticker = readSticker(article, outsideReply);
  if (sticker) attachments.push(sticker);

  const edited = content ? findForm(content, formsOf('edited-marker')) !== null : false;
  const editedForms = formsOf('edited-marker');
  const rich = content
    ? readRichText(content, (el) => editedForms.some((form) => el.matches(form)) || el.matches('[class*="timestamp"]'))
    : null;
  const text = rich?.text.trim() ? rich.text : undefined;
  if (!content && attachments.length === 0) throw new BrokenAnchor('message-content');

  const message: CapturedMessage = {
    key,
    siteId: messageId,
    direction: header.direction,
    kind: sticker ? 'sticker' : attachments.length > 0 ? 'media' : text !== undefined ? 'text' : 'unknown',
    time,
    ...(header.sender ? { sender: header.sender } : {}),
    ...(text !== undefined ? { text, ...textDirection(text) } : {}),
  };
  if (reply) Object.assign(message, readReply(reply));
  if (findForm(article, formsOf('forwarded'), outsideReply)) message.forwarded = true;
  if (edited) message.edited = true;
  const reactions = readReactions(article, outsideReply);
  if (reactions.length > 0) message.reactions = reactions;
  if (rich && rich.links.length > 0) message.links = rich.links;
  if (attachments.length > 0) message.attachments = attachments;
  return { type: 'item', item: { type: 'message', key, message }, media };
}

function textDirection(text: string | undefined): { textDirection?: 'rtl' } {
  return text && rtlIfFirstStrong(text) ? { textDirection: 'rtl' } : {};
}

/** This message's own text element: the one whose id names this message, else the first outside the quote. */
function findContent(article: Element, messageId: string, outsideReply: (el: Element) => boolean): Element | null {
  const forms = formsOf('message-content');
  const own = Array.from(article.querySelectorAll(forms[0] ?? '')).find(
    (el) => outsideReply(el) && el.id === `message-content-${messageId}`,
  );
  return own ?? findForm(article, forms, outsideReply)?.element ?? null;
}

/** A system row's words (joins, pins, calls, threads), without its time and icon. */
function readSystemText(article: Element): string {
  const skipForms = [...formsOf('system-message').slice(1), ...formsOf('message-timestamp')];
  return readRichText(article, (el) =>
    skipForms.some((form) => el.matches(form)) || el.matches('[class*="timestamp"]') || el.tagName.toUpperCase() === 'TIME',
  ).text;
}

function readHeader(
  article: Element,
  outsideReply: (el: Element) => boolean,
  context: RowContext,
): { sender?: Sender; direction: Direction } {
  const headerEl = Array.from(article.querySelectorAll('h3')).find(outsideReply) ?? null;
  const nameEl = findForm(article, formsOf('message-username'), outsideReply)?.element ?? null;
  if (!nameEl) {
    if (headerEl) throw new BrokenAnchor('message-username');
    return { direction: 'unknown' };
  }
  const inner = nameEl.matches('[class*="username"]') ? nameEl : (nameEl.querySelector('[class*="username"]') ?? nameEl);
  const name = readRichText(inner).text.trim();
  if (!name) throw new BrokenAnchor('message-username');
  const avatar = findForm(article, formsOf('sender-avatar'), (el) => outsideReply(el) && el.tagName.toUpperCase() === 'IMG')?.element;
  const src = avatar?.getAttribute('src') ?? '';
  const id = userIdFromAvatar(src);
  const sender: Sender = { name, ...(id ? { id } : {}) };
  let direction: Direction = 'unknown';
  if (context.meId !== null) {
    if (id) direction = id === context.meId ? 'out' : 'in';
    // The signed-in user's own avatar is not a default one (their id was read from it), so a
    // default avatar belongs to someone else.
    else if (DEFAULT_AVATAR.test(src)) direction = 'in';
  }
  return { sender, direction };
}

function readReply(reply: Element): Pick<CapturedMessage, 'replyToSiteId' | 'replyPreview'> {
  const target = Array.from(reply.querySelectorAll(formsOf('message-content')[0] ?? '')).find((el) => CONTENT_ID.test(el.id));
  if (!target) {
    // "Original message was deleted": a reply to nothing that can be named.
    if (findForm(reply, formsOf('reply-placeholder'))) return {};
    throw new BrokenAnchor('message-content');
  }
  const siteId = CONTENT_ID.exec(target.id)?.[1];
  const author = reply.querySelector('[class*="username"]');
  const sender = author ? readRichText(author).text.trim().replace(/^@/, '') : '';
  const text = readRichText(target).text.trim();
  const preview = { ...(sender ? { sender } : {}), ...(text ? { text } : {}) };
  return { ...(siteId ? { replyToSiteId: siteId } : {}), ...(sender || text ? { replyPreview: preview } : {}) };
}

/** Outside the quote and outside link-preview embeds (<article> cards inside the message). */
function inMessageBody(article: Element, outsideReply: (el: Element) => boolean): (el: Element) => boolean {
  return (el) => {
    if (!outsideReply(el)) return false;
    const card = el.closest('article');
    return card === null || card === article || !article.contains(card);
  };
}

function readImages(
  article: Element,
  messageId: string,
  outsideReply: (el: Element) => boolean,
  attachments: CapturedAttachment[],
  media: MediaSource[],
): 'pending' | 'ok' {
  const wrappers = findAllForm(article, formsOf('image-attachment'), inMessageBody(article, outsideReply));
  // Nested wrappers (a container around a wrapper) name the same image once.
  const outermost = wrappers.filter((w) => !wrappers.some((other) => other !== w && other.contains(w)));
  for (let i = 0; i < outermost.length; i++) {
    const wrapper = outermost[i]!;
    const img = wrapper.querySelector('img');
    const link = wrapper.querySelector('a[href]');
    const src = img?.getAttribute('src');
    // The image mounts before its bytes are there (lazy load): read the row again later.
    if (!img || !src) return 'pending';
    const { name, attachmentId } = fileNameFromUrl(link?.getAttribute('href') ?? src);
    const mime = name ? mimeForName(name) : undefined;
    const mediaKey = attachmentId ? `dc:att:${attachmentId}` : `dc:${messageId}:img${i}`;
    attachments.push({
      ...(name ? { name } : {}),
      mediaType: mediaTypeFor(mime, 'image'),
      ...(mime ? { mime } : {}),
      status: 'not-loaded',
      mediaKey,
    });
    media.push({ mediaKey, url: (img as HTMLImageElement).src || src, ...(name ? { name } : {}), ...(mime ? { mime } : {}) });
  }
  return 'ok';
}

function readVideosAndFiles(article: Element, outsideReply: (el: Element) => boolean, attachments: CapturedAttachment[]): void {
  const inBody = inMessageBody(article, outsideReply);
  for (const video of Array.from(article.querySelectorAll('video')).filter(inBody)) {
    const { name } = fileNameFromUrl(video.getAttribute('src') ?? video.querySelector('source')?.getAttribute('src'));
    const mime = name ? mimeForName(name) : undefined;
    attachments.push({ ...(name ? { name } : {}), mediaType: 'video', ...(mime ? { mime } : {}), status: 'not-loaded' });
  }
  for (const link of findAllForm(article, formsOf('file-attachment'), inBody)) {
    const name = (link.textContent ?? '').trim() || fileNameFromUrl(link.getAttribute('href')).name;
    const mime = name ? mimeForName(name) : undefined;
    attachments.push({ ...(name ? { name } : {}), mediaType: mediaTypeFor(mime, 'document'), ...(mime ? { mime } : {}), status: 'not-loaded' });
  }
}

function readSticker(article: Element, outsideReply: (el: Element) => boolean): CapturedAttachment | null {
  const img = findForm(article, formsOf('sticker'), outsideReply)?.element;
  if (!img) return null;
  const name = img.getAttribute('alt')?.trim();
  return { ...(name ? { name } : {}), mediaType: 'sticker', status: 'not-loaded' };
}

function readReactions(article: Element, outsideReply: (el: Element) => boolean): Reaction[] {
  const bar = findForm(article, formsOf('reactions'), outsideReply)?.element;
  if (!bar) return [];
  const buttons = findAllForm(bar, formsOf('reaction'));
  if (buttons.length === 0) throw new BrokenAnchor('reaction');
  return buttons.map((button) => {
    const img = button.querySelector('img[alt]');
    const label = (button.textContent ?? '').trim();
    const count = Number(/(\d+)\s*$/.exec(label)?.[1] ?? NaN);
    const emoji = img?.getAttribute('alt') ?? label.replace(/\s*\d+\s*$/, '');
    if (!emoji || !Number.isInteger(count) || count < 1) throw new BrokenAnchor('reaction');
    return { emoji, count };
  });
}
