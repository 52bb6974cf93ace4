// One WhatsApp Web row -> one captured item, reading only what the row itself shows. Whole-chat
// decisions (date order, dates from day chips, senders of grouped rows, reply keys) are left to
// whatsapp-finalize.ts. The row anatomy is in the research notes (chat-sites-dom.md §1.2, §1.6).
import type { CapturedAttachment, CapturedMessage, MediaSource, RowResult } from '../adapter';
import type { MediaType, Reaction } from '../../export/types';
import { mimeForName } from '../../export/mime';
import { WORDS } from './whatsapp-anchors';
import { parseClock, parseDayLabel, parsePrePlainText, type ClockTime } from './whatsapp-time';

export interface DataId {
  /** The message's own id (the stanza id): the same in the packed and the bare form. */
  id: string;
  /** Chat JID, packed form only. */
  chat?: string;
  fromMe?: boolean;
  participant?: string;
}

const PACKED = /^(true|false)_([^_]+@[^_]+)_([^_]+)(?:_(.+))?$/;

export function parseDataId(value: string): DataId | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  const m = PACKED.exec(v);
  if (m) {
    return { id: m[3]!, chat: m[2]!, fromMe: m[1] === 'true', ...(m[4] ? { participant: m[4] } : {}) };
  }
  return { id: v };
}

export const messageKey = (id: string) => `wa:${id}`;

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const words = (list: readonly string[]) => new Set(list.map((w) => norm(w).toLocaleLowerCase('und')));
const GATE = words(WORDS.gate);
const UNAVAILABLE = words(WORDS.unavailable);
const DELETED = words(WORDS.deleted);
const FORWARDED = words(WORDS.forwarded);
const QUOTED = WORDS.quoted.map((w) => `[aria-label="${w}"]`).join(', ');
const lower = (s: string) => norm(s).toLocaleLowerCase('und');

export function isGateText(text: string): boolean {
  return GATE.has(lower(text));
}
export function isUnavailableText(text: string): boolean {
  return UNAVAILABLE.has(lower(text));
}
export function isEncryptionNotice(el: Element): boolean {
  if (el.querySelector('[data-icon="lock-small"]')) return true;
  const text = lower(el.textContent ?? '');
  return WORDS.encrypted.some((w) => text.startsWith(lower(w)));
}

/** The data-id element of a row (the row itself or a descendant). */
export function idElement(row: Element): Element | null {
  return row.hasAttribute('data-id') ? row : row.querySelector('[data-id]');
}

// ---- text ---------------------------------------------------------------------------------------

const EMOJI_IMG = 'img.emoji, img[data-plain-text]';

/**
 * The text of a rendered WhatsApp text span: emoji images become their alt, <br> a newline, and
 * formatting the markers the sender typed (*bold*, _italic_, ~strike~, ```mono```), so the text
 * reads as it was written (and as WhatsApp's own export writes it).
 */
export function readText(el: Element): string {
  let out = '';
  for (const node of Array.from(el.childNodes)) {
    if (node.nodeType === 3) out += node.nodeValue ?? '';
    else if (node.nodeType === 1) {
      const child = node as Element;
      const tag = child.tagName.toLowerCase();
      if (tag === 'img') out += child.getAttribute('data-plain-text') ?? child.getAttribute('alt') ?? '';
      else if (tag === 'br') out += '\n';
      else if (tag === 'strong' || tag === 'b') out += `*${readText(child)}*`;
      else if (tag === 'em' || tag === 'i') out += `_${readText(child)}_`;
      else if (tag === 'del' || tag === 's') out += `~${readText(child)}~`;
      else if (tag === 'code') out += '```' + readText(child) + '```';
      else out += readText(child);
    }
  }
  return out;
}

function within(el: Element, container: Element | null): boolean {
  return container !== null && container.contains(el);
}

// ---- parts of a bubble ----------------------------------------------------------------------------

function quoteOf(bubble: Element): Element | null {
  const mention = bubble.querySelector('.quoted-mention');
  const byMention = mention?.closest('[role="button"]') ?? mention?.parentElement ?? null;
  if (byMention && bubble.contains(byMention)) return byMention;
  return bubble.querySelector(QUOTED);
}

function textSpan(bubble: Element, quote: Element | null): Element | null {
  for (const selector of ['[data-testid="selectable-text"]', 'span.selectable-text']) {
    const found = Array.from(bubble.querySelectorAll(selector)).find(
      (el) => !within(el, quote) && !el.parentElement?.closest('[data-testid="selectable-text"], span.selectable-text'),
    );
    if (found) return found;
  }
  return null;
}

function authorName(scope: Element): string | undefined {
  const spans = Array.from(scope.querySelectorAll('[data-testid="author"], [testid="author"]'));
  if (spans.length === 0) return undefined;
  // An unsaved contact shows "~Name" and the number; data-pre-plain-text names them by number.
  const phone = spans.find((s) => /^\+?[\d\s()-]{6,}$/.test(norm(s.textContent ?? '')));
  const name = norm(readText(phone ?? spans[0]!)).replace(/^~\s?/, '');
  return name || undefined;
}

function readQuote(quote: Element): { sender?: string; text?: string } {
  const mention = quote.querySelector('.quoted-mention');
  let textEl: Element | null = mention;
  if (!textEl) {
    // Older form: the quote's last span with text that is not the author.
    const authors = new Set(quote.querySelectorAll('[data-testid="author"], [testid="author"]'));
    textEl = Array.from(quote.querySelectorAll('span[dir]')).filter((s) => !authors.has(s)).at(-1) ?? null;
  }
  const text = textEl ? readText(textEl).trim() : '';
  const sender = authorName(quote);
  return { ...(sender ? { sender } : {}), ...(text ? { text } : {}) };
}

export function forwardedForm(scope: Element): number {
  if (scope.querySelector('[data-icon="forward-refreshed"]')) return 0;
  if (scope.querySelector('[data-icon="forwarded"]')) return 1;
  const words = Array.from(scope.querySelectorAll('span')).some(
    (s) => s.children.length === 0 && FORWARDED.has(lower(s.textContent ?? '')),
  );
  return words ? 2 : -1;
}

const isForwarded = (bubble: Element) => forwardedForm(bubble) >= 0;

export function deletedForm(scope: Element): number {
  if (scope.querySelector('[data-icon^="recalled"], [data-testid="recalled-msg"]')) return 0;
  const words = Array.from(scope.querySelectorAll('span, em, i')).some(
    (s) => s.children.length === 0 && DELETED.has(lower(s.textContent ?? '').replace(/\.$/, '')),
  );
  return words ? 1 : -1;
}

const isDeleted = (bubble: Element) => deletedForm(bubble) >= 0;

/**
 * The time printed in the bubble and whether an "Edited" word stands before it. `exclude` holds the
 * parts whose text may look like a clock without being the time: the quote, the text, the
 * reactions and the media blocks (a voice or video length, "0:12"). When the header gives the time,
 * the bubble's own copy of it is preferred over another clock-like leaf.
 */
function readMeta(bubble: Element, exclude: Array<Element | null>, expected?: ClockTime): { time?: string; edited: boolean } {
  const leaves = Array.from(bubble.querySelectorAll('span')).filter(
    (s) => s.children.length === 0 && !exclude.some((x) => within(s, x)),
  );
  const clocks = leaves.filter((s) => parseClock(s.textContent ?? '') !== undefined);
  const same = (s: Element) => {
    const c = parseClock(s.textContent ?? '');
    return expected !== undefined && c !== undefined && c.hour === expected.hour && c.minute === expected.minute;
  };
  const timeSpan = clocks.filter(same).at(-1) ?? clocks.at(-1);
  if (!timeSpan) return { edited: false };
  const meta = timeSpan.parentElement;
  const other = meta
    ? Array.from(meta.querySelectorAll('span'))
        .filter((s) => s !== timeSpan && s.children.length === 0)
        .map((s) => norm(s.textContent ?? ''))
        .join('')
    : '';
  return { time: (timeSpan.textContent ?? '').trim(), edited: other !== '' };
}

export function reactionButton(row: Element, quote: Element | null): Element | undefined {
  const buttons = Array.from(row.querySelectorAll('button')).filter((b) => !within(b, quote));
  return (
    buttons.find((b) => /reaction/i.test(b.getAttribute('aria-label') ?? '')) ??
    // Fallback: a button that holds emoji and at most a count.
    buttons.find((b) => b.querySelector(EMOJI_IMG) && /^\d*$/.test((b.textContent ?? '').replace(/\s/g, '')))
  );
}

function readReactions(button: Element | undefined): Reaction[] | undefined {
  if (!button) return undefined;
  const emojis: string[] = [];
  for (const img of Array.from(button.querySelectorAll(EMOJI_IMG))) {
    const e = img.getAttribute('data-plain-text') ?? img.getAttribute('alt');
    if (e && !emojis.includes(e)) emojis.push(e);
  }
  if (emojis.length === 0) {
    const label = button.getAttribute('aria-label') ?? '';
    for (const m of label.matchAll(/\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier})*/gu)) {
      if (!emojis.includes(m[0])) emojis.push(m[0]);
    }
  }
  if (emojis.length === 0) return undefined;
  const countText = Array.from(button.querySelectorAll('span'))
    .filter((s) => s.children.length === 0)
    .map((s) => norm(s.textContent ?? ''))
    .find((t) => /^\d+$/.test(t));
  const total = countText ? Number(countText) : emojis.length;
  // The summary shows each emoji once and one total: per-emoji counts are known only for one
  // emoji, or when every emoji was given once.
  if (emojis.length === 1) return [{ emoji: emojis[0]!, count: total }];
  return emojis.map((emoji) => ({ emoji, count: 1 }));
}

/** `blocks`: the elements that draw the media (their lengths and sizes are not the bubble's time). */
type MediaResult = { attachments: CapturedAttachment[]; media: MediaSource[]; pending: boolean; blocks: Element[] };

/** The element drawing a media item: the clickable block around its icon, else the icon's parent. */
const blockOf = (icon: Element) => icon.closest('[role="button"]') ?? icon.parentElement ?? icon;

function readMedia(bubble: Element, key: string, exclude: Array<Element | null>): MediaResult {
  const out: MediaResult = { attachments: [], media: [], pending: false, blocks: [] };
  const outside = (el: Element) => !exclude.some((x) => within(el, x));
  const icon = (selector: string) => Array.from(bubble.querySelectorAll(selector)).find(outside);
  const add = (mediaType: MediaType, block: Element, extra: Partial<CapturedAttachment> = {}) => {
    out.attachments.push({ mediaType, status: 'not-loaded', ...extra });
    out.blocks.push(block);
  };

  const doc = icon('[data-icon^="document-"], [data-icon="ms-office-doc"]');
  if (doc) {
    const block = blockOf(doc);
    const name = norm(block.querySelector('[title]')?.getAttribute('title') ?? '');
    const mime = name ? mimeForName(name) : undefined;
    add('document', block, { ...(name ? { name } : {}), ...(mime ? { mime } : {}) });
    return out;
  }
  const voice = icon('[data-icon="ptt-status"], [data-icon="ptt-play"], [data-icon^="ptt-"]');
  if (voice) {
    // The voice player (icon, play button, slider, length) shares one parent, not a button.
    add('voice', voice.parentElement ?? voice);
    return out;
  }
  const audio = icon('[data-icon="audio-file"]');
  if (audio) {
    add('audio', blockOf(audio));
    return out;
  }
  const gif = icon('[data-icon="media-gif"], [data-icon="tenor"]');
  if (gif) {
    add('gif', blockOf(gif));
    return out;
  }
  const video = icon('[data-icon="media-play"]') ?? Array.from(bubble.querySelectorAll('video')).find(outside);
  if (video) {
    add('video', blockOf(video));
    return out;
  }
  const images = Array.from(bubble.querySelectorAll('img')).filter(
    (img) => outside(img) && !img.matches(EMOJI_IMG) && !img.closest('[data-testid="author"], [testid="author"]'),
  );
  images.forEach((img, i) => {
    const src = img.getAttribute('src') ?? '';
    if (src.startsWith('blob:')) {
      const mediaKey = `${key}#${i}`;
      out.attachments.push({ mediaType: 'image', status: 'captured', mediaKey });
      out.blocks.push(blockOf(img));
      out.media.push({ mediaKey, url: src });
    } else if (src === '') {
      out.pending = true; // the picture is not drawn yet
    } else {
      add('image', blockOf(img)); // only the blurred inline preview: the picture was not downloaded
    }
  });
  return out;
}

// ---- rows --------------------------------------------------------------------------------------

// What an emptied row still has is its element and height; a row with any of these is drawn.
const DRAWN = 'img, svg, canvas, video, button, [role], [data-icon]';

/** A row that carries no data-id: a day chip, a notice, a divider, the history gate. */
function parseIdless(row: Element): RowResult {
  // A bubble without its id: the id attribute changed.
  if (row.querySelector('.message-in, .message-out, [data-pre-plain-text]')) return { type: 'broken', anchor: 'message-id' };
  const text = norm(row.textContent ?? '');
  if (text === '') {
    // WhatsApp empties rows away from the viewport, these too. An emptied day chip read as
    // nothing would date the rows below it by the chip above (a wrong day): it is a row to come
    // back to, keyed by where it stands, which is the key it gets once it shows its label. One
    // already read as a notice or as no item is nothing to come back to.
    return row.querySelector(DRAWN) ? { type: 'skip' } : { type: 'pending', key: idlessKey(row), optional: true };
  }
  // Rows that are no item say so under their place's key: an emptied reading of them missed nothing.
  const none = (): RowResult => ({ type: 'skip', key: idlessKey(row) });
  if (isGateText(text) || isUnavailableText(text) || isEncryptionNotice(row)) return none();
  // A control (a button) is the app's, not the chat's: a notice whose words are not known, such as
  // a reworded history gate, is not a message of the chat.
  if (row.querySelector('[role="button"], button')) return none();
  const chip = Array.from(row.querySelectorAll('span[dir="auto"], span')).find((s) => norm(s.textContent ?? '') !== '');
  const label = norm(chip ? readText(chip) : text);
  if (parseDayLabel(label)) return { type: 'item', item: { type: 'day', key: idlessKey(row), label }, media: [] };
  // "3 unread messages" (any language): a count first, then words.
  if (/^\d+\s+\p{L}/u.test(label)) return none();
  // A notice without an id ("Alice added Bob"): keyed by its text and the next message below it.
  const next = nextId(row).id;
  const key = `wa-sys:${next ?? 'end'}:${hash(label)}`;
  return { type: 'item', item: { type: 'message', key, message: systemMessage(key, undefined, label) }, media: [], pendingKey: idlessKey(row) };
}

/**
 * The id of the next row below with an id, and how many rows without an id stand between: what
 * an id-less row keeps when it is emptied. Older history is added above and new messages below
 * their own rows, so neither moves a row's place relative to the message under it.
 */
function nextId(row: Element): { id?: string; between: number } {
  let between = 0;
  for (let el = row.nextElementSibling; el; el = el.nextElementSibling) {
    const v = idElement(el)?.getAttribute('data-id');
    const id = v ? parseDataId(v)?.id : undefined;
    if (id) return { id, between };
    between++;
  }
  return { between };
}

/** Day chips (and emptied rows without an id): `wa-day:<next message id>:<rows between>`. */
function idlessKey(row: Element): string {
  const { id, between } = nextId(row);
  return `wa-day:${id ?? 'end'}:${between}`;
}

/** FNV-1a, hex: a short stable tag for a notice's text (not a security hash). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function systemMessage(key: string, siteId: string | undefined, text: string): CapturedMessage {
  return { key, ...(siteId ? { siteId } : {}), time: {}, direction: 'system', kind: 'system', text };
}

const MESSAGE_MARKS =
  '[data-pre-plain-text], [data-icon^="tail-"], [data-icon^="msg-"], [data-icon^="recalled"], .copyable-text, .selectable-text, [data-testid="selectable-text"]';

// Ids of rows read as "not a message" (contact cards, the encryption notice with an id): when
// WhatsApp empties such a row it still has its id, and it must not look like a message to wait for.
// Ids only, never content; one page, one set.
const notMessages = new Set<string>();

export function parseRow(row: Element): RowResult {
  const idEl = idElement(row);
  const rawId = idEl?.getAttribute('data-id');
  if (!idEl || !rawId) return parseIdless(row);
  const dataId = parseDataId(rawId);
  if (!dataId) return parseIdless(row);
  const key = messageKey(dataId.id);
  // WhatsApp empties rows far from the viewport but keeps their data-id: read them when they return.
  if (idEl.getAttribute('data-virtualized') === 'true' || idEl.children.length === 0) {
    return notMessages.has(dataId.id) ? { type: 'skip', key } : { type: 'pending', key };
  }
  const result = parseFilled(row, idEl, dataId, key);
  if (result.type !== 'skip') return result;
  notMessages.add(dataId.id);
  return { type: 'skip', key };
}

function parseFilled(row: Element, idEl: Element, dataId: DataId, key: string): RowResult {

  const bubble = idEl.querySelector('.message-in, .message-out') ?? (idEl.matches('.message-in, .message-out') ? idEl : null);
  if (!bubble) {
    // No bubble: a notice with an id, or a non-message row with an id (a contact card). A row
    // that still looks like a message lost its direction class: the page changed.
    if (idEl.querySelector(MESSAGE_MARKS)) return { type: 'broken', anchor: 'direction' };
    if (idEl.querySelector('[role="button"], img:not(.emoji):not([data-plain-text]), button')) return { type: 'skip' };
    const span = idEl.querySelector('span[dir="auto"]') ?? idEl;
    const text = norm(readText(span));
    if (text === '') return { type: 'pending', key };
    if (isEncryptionNotice(idEl)) return { type: 'skip' };
    return { type: 'item', item: { type: 'message', key, message: systemMessage(key, dataId.id, text) }, media: [] };
  }

  const direction = bubble.classList.contains('message-out') ? 'out' : 'in';
  const pptEl = bubble.querySelector('[data-pre-plain-text]');
  const prePlainText = pptEl?.getAttribute('data-pre-plain-text') ?? undefined;
  const quote = quoteOf(bubble);
  const span = textSpan(bubble, quote);
  const reactionsEl = reactionButton(row, quote);
  const deleted = isDeleted(bubble);
  const mediaResult: MediaResult = deleted ? { attachments: [], media: [], pending: false, blocks: [] } : readMedia(bubble, key, [quote]);
  const expected = prePlainText !== undefined ? parsePrePlainText(prePlainText)?.time : undefined;
  const meta = readMeta(bubble, [quote, span, reactionsEl ?? null, ...mediaResult.blocks], expected);
  if (mediaResult.pending) return { type: 'pending', key }; // a picture not drawn yet

  const text = span && !deleted ? readText(span) : undefined;
  const hasText = text !== undefined && text !== '';
  if (!prePlainText) {
    // WhatsApp leaves the attribute out only on deleted messages and on your own media without a
    // caption; anything else without it means the page changed.
    const legit = deleted || (direction === 'out' && mediaResult.attachments.length > 0 && !hasText);
    if (!legit) return { type: 'broken', anchor: 'pre-plain-text' };
  }
  // Every bubble prints its time. A new row is drawn first without it, its reactions, its "Edited"
  // and its picture (late content): read now, those would be lost once the row is emptied, so the
  // row is not filled in yet and is read again.
  if (!meta.time) return { type: 'pending', key };
  if (!deleted && !hasText && mediaResult.attachments.length === 0) {
    // A message with a header but nothing we can read: its text moved.
    return { type: 'broken', anchor: 'message-text' };
  }

  const author = prePlainText ? undefined : authorName(bubble);
  const links = span && !deleted
    ? [...new Set(Array.from(span.querySelectorAll('a[href]')).map((a) => a.getAttribute('href')!).filter((h) => /^https?:/i.test(h)))]
    : [];
  const dir = span?.getAttribute('dir');
  const reply = quote ? readQuote(quote) : undefined;
  const reactions = readReactions(reactionsEl);
  const message: CapturedMessage = {
    key,
    siteId: dataId.id,
    time: { ...(prePlainText ? { prePlainText } : {}), ...(meta.time ? { visibleTime: meta.time } : {}) },
    direction,
    ...(author ? { sender: { name: author } } : {}),
    kind: deleted ? 'deleted' : mediaResult.attachments.length > 0 ? 'media' : 'text',
    ...(hasText ? { text } : {}),
    ...(hasText && dir === 'rtl' ? { textDirection: 'rtl' as const } : {}),
    ...(reply && (reply.sender || reply.text) ? { replyPreview: reply } : {}),
    ...(isForwarded(bubble) ? { forwarded: true } : {}),
    ...(meta.edited ? { edited: true } : {}),
    ...(reactions ? { reactions } : {}),
    ...(links.length > 0 ? { links } : {}),
    ...(mediaResult.attachments.length > 0 ? { attachments: mediaResult.attachments } : {}),
  };
  return { type: 'item', item: { type: 'message', key, message }, media: mediaResult.media };
}
