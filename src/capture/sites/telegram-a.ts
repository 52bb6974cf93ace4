// Telegram Web A (web.telegram.org/a/, Ajaxy/telegram-tt). Rows carry their message id
// (id="message-<id>", data-message-id) but not their date: the date is only in the day group's
// sticky header ("Today", "Friday", "March 3", "March 3, 2024") and the time in the row's meta
// ("10:00", "10:00 PM"); the full date appears in a title only after the pointer rests on the time.
// So times are local wall times to the minute, and the day header is resolved to a calendar date
// in the page, against the page's clock, when it is read. Service rows show no time at all.
import type {
  Anchor,
  CapturedAttachment,
  CapturedItem,
  CapturedMessage,
  ChatView,
  FinalizeContext,
  Finalized,
  MediaSource,
  RowResult,
  SiteAdapter,
} from '../adapter';
import { pageIdentity } from '../adapter';
import type { MessageKind, Timestamp } from '../../export/types';
import {
  anchorForms,
  findByForms,
  isoDate,
  matchesForms,
  probeAnchors,
  queryAllByForms,
  queryForms,
  readPlain,
  readReactions,
  readRichText,
  topWatcherFor,
} from './telegram-dom';
import { dayKey, finalizeTelegram } from './telegram-finalize';

export const TELEGRAM_A_ANCHORS: readonly Anchor[] = [
  {
    name: 'chat-title',
    description: "The open chat's name in the middle column's header",
    forms: ['.MiddleHeader .ChatInfo .fullName', '.MiddleHeader .ChatInfo .title'],
    required: true,
  },
  {
    name: 'scroller',
    description: 'The scrolling message list',
    forms: ['.MessageList', '#MessageList'],
    required: true,
  },
  {
    name: 'message-row',
    description: 'A message (.Message) or service row (.ActionMessage)',
    forms: ['.Message, .ActionMessage'],
    required: true,
  },
  {
    name: 'message-id',
    description: "The row's id attribute, message-<id> (older builds: message<id>)",
    forms: ['[id^="message-"]', '[id^="message"]'],
    required: true,
  },
  {
    name: 'day-separator',
    description: "The day group's date header",
    forms: ['.sticky-date'],
    required: true,
  },
  {
    name: 'message-time',
    description: 'The time printed in the message meta',
    forms: ['.MessageMeta .message-time'],
    required: true,
  },
  {
    name: 'direction',
    description: 'Own messages: the "own" class, or the outgoing status ticks',
    forms: ['.own', '.MessageOutgoingStatus'],
    required: false,
  },
  {
    name: 'message-text',
    description: 'The text of a message (emoji as <img alt>)',
    forms: ['.text-content', '.message-text-content'],
    required: false,
  },
  {
    name: 'sender-name',
    description: "The sender's name on the first message of a run, in group chats",
    forms: ['.message-title .sender-title', '.message-title .message-title-name'],
    required: false,
  },
  {
    name: 'reply',
    description: 'The quoted message above a reply',
    forms: ['.message-subheader .EmbeddedMessage', '.EmbeddedMessage'],
    required: false,
  },
  {
    name: 'reactions',
    description: 'Reactions under a message',
    forms: ['.Reactions .message-reaction', '.Reactions .Button'],
    required: false,
  },
  {
    name: 'photo',
    description: 'A loaded photo in a message',
    forms: ['.media-inner img.full-media', '.media-inner img'],
    required: false,
  },
];

const ATTRIBUTE_ANCHORS = new Set<string>();
const forms = (name: string) => anchorForms(TELEGRAM_A_ANCHORS, name);
const TEXT_SKIP = '.MessageMeta, .Reactions';
/** Telegram A shows no spinner either, so a stalled load looks like the top: wait longer. */
export const TELEGRAM_A_QUIET_MS = 5000;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

/**
 * The calendar date a day header names, as Telegram A writes it in English (formatHumanDate):
 * "Today", "Yesterday", a weekday for the five days before that, "March 3" in the current year,
 * "March 3, 2024" before it. Null for anything else (another language).
 */
export function resolveDayLabel(label: string, now: Date): string | null {
  const text = label.trim().toLowerCase();
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const shift = (days: number): string => {
    const d = new Date(today);
    d.setDate(d.getDate() - days);
    return isoDate(d.getFullYear(), d.getMonth() + 1, d.getDate());
  };
  if (text === 'today') return shift(0);
  if (text === 'yesterday') return shift(1);
  const weekday = WEEKDAYS.indexOf(text);
  if (weekday >= 0) {
    for (let back = 2; back <= 6; back++) {
      const d = new Date(today);
      d.setDate(d.getDate() - back);
      if (d.getDay() === weekday) return shift(back);
    }
    return null;
  }
  const match = /^([a-z]+)\s+(\d{1,2})(?:,\s*(\d{4}))?$/.exec(text);
  if (!match) return null;
  const month = MONTHS.indexOf(match[1] ?? '');
  const day = Number(match[2]);
  const year = match[3] ? Number(match[3]) : today.getFullYear();
  if (month < 0 || day < 1 || day > 31) return null;
  return isoDate(year, month + 1, day);
}

/** "10:00", "09:05", "10:00 PM", "edited 10:00" → minutes since midnight as HH:MM (24 h). */
export function parseVisibleTime(text: string): string | null {
  const match = /(\d{1,2}):(\d{2})(?:[\s\u00a0\u202f]*([AaPp])\.?[Mm]\.?)?\s*$/.exec(text.trim());
  if (!match) return null;
  let hours = Number(match[1]);
  const minutes = Number(match[2]);
  const half = match[3]?.toLowerCase();
  if (half === 'a' && hours === 12) hours = 0;
  if (half === 'p' && hours < 12) hours += 12;
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

function messageIdOf(row: Element): string | null {
  const id = row.getAttribute('id');
  if (id) {
    const match = /^message-?(\d+)$/.exec(id);
    if (match) return match[1] ?? null;
  }
  return row.getAttribute('data-message-id');
}

interface AContext {
  chatTitle: string;
  chatId: string;
  isGroup: boolean;
}

function kindOf(content: Element): MessageKind {
  if (content.querySelector('.Poll')) return 'poll';
  if (content.querySelector('.Contact')) return 'contact';
  if (content.classList.contains('sticker') || content.querySelector('.sticker-media')) return 'sticker';
  if (content.querySelector('.media-inner, .File, .Audio, .RoundVideo, .Album')) return 'media';
  return 'text';
}

function readAttachments(content: Element, key: string): { attachments: CapturedAttachment[]; media: MediaSource[] } {
  const attachments: CapturedAttachment[] = [];
  const media: MediaSource[] = [];
  if (content.classList.contains('sticker') || content.querySelector('.sticker-media')) {
    attachments.push({ mediaType: 'sticker', status: 'not-loaded' });
    return { attachments, media };
  }
  const images = queryAllByForms(content, forms('photo')).filter((img) => !img.closest('.EmbeddedMessage'));
  images.forEach((img, index) => {
    const url = img.getAttribute('src') ?? '';
    if (/^(blob:|https?:)/.test(url)) {
      const mediaKey = `${key}:${index}`;
      media.push({ mediaKey, url });
      attachments.push({ mediaType: 'image', status: 'not-loaded', mediaKey });
    } else {
      attachments.push({ mediaType: 'image', status: 'not-loaded' });
    }
  });
  for (const _video of Array.from(content.querySelectorAll('.media-inner video, .RoundVideo'))) {
    attachments.push({ mediaType: 'video', status: 'not-loaded' });
  }
  for (const audio of Array.from(content.querySelectorAll('.Audio'))) {
    attachments.push({ mediaType: audio.classList.contains('voice') ? 'voice' : 'audio', status: 'not-loaded' });
  }
  for (const file of Array.from(content.querySelectorAll('.File'))) {
    const name = readPlain(file.querySelector('.file-title'));
    attachments.push(name ? { mediaType: 'document', name, status: 'not-loaded' } : { mediaType: 'document', status: 'not-loaded' });
  }
  return { attachments, media };
}

function readKindText(content: Element, kind: MessageKind): string | undefined {
  if (kind === 'poll') {
    const question = readPlain(content.querySelector('.poll-question'));
    const answers = Array.from(content.querySelectorAll('.poll-option-text')).map((a) => readPlain(a));
    return [question, ...answers].filter(Boolean).join('\n') || undefined;
  }
  if (kind === 'contact') {
    const lines = [readPlain(content.querySelector('.contact-name')), readPlain(content.querySelector('.contact-phone'))];
    return lines.filter(Boolean).join('\n') || undefined;
  }
  return undefined;
}

function parseDayHeader(row: Element, now: Date): RowResult {
  const label = readPlain(row);
  if (!label) return { type: 'skip' };
  const date = resolveDayLabel(label, now);
  const item: CapturedItem = { type: 'day', key: date ? dayKey('tga', date) : `tga-day-label:${label}`, label };
  return { type: 'item', item, media: [] };
}

function parseMessage(row: Element, ctx: AContext): RowResult {
  if (row.classList.contains('SponsoredMessage')) return { type: 'skip' };
  if (!matchesForms(row, forms('message-row'))) {
    // Not a message: the unread divider and other local notices.
    if (row.classList.contains('local-action-message') || row.classList.contains('unread-divider')) return { type: 'skip' };
    return { type: 'broken', anchor: 'message-row' };
  }
  if (!matchesForms(row, forms('message-id'))) return { type: 'broken', anchor: 'message-id' };
  const id = messageIdOf(row);
  if (id === null) return { type: 'broken', anchor: 'message-id' };
  const key = `tga:${id}`;
  const group = row.closest('.message-date-group');
  if (group && !queryForms(group, forms('day-separator'))) return { type: 'broken', anchor: 'day-separator' };

  if (row.classList.contains('ActionMessage')) {
    const text = readPlain(row.querySelector('.action-message-content') ?? row);
    if (!text) return { type: 'pending', key };
    const message: CapturedMessage = { key, siteId: id, time: {}, direction: 'system', kind: 'system', text };
    return { type: 'item', item: { type: 'message', key, message }, media: [] };
  }

  const content = row.querySelector('.message-content');
  if (!content || !content.querySelector('.content-inner, .MessageMeta')) return { type: 'pending', key };
  const timeElement = queryForms(row, forms('message-time'));
  if (!timeElement) return { type: 'broken', anchor: 'message-time' };
  const visibleTime = readPlain(timeElement);
  if (parseVisibleTime(visibleTime) === null) return { type: 'pending', key };

  const [ownClass, ownTicks] = forms('direction');
  const own = (ownClass !== undefined && row.matches(ownClass)) || (ownTicks !== undefined && row.querySelector(ownTicks) !== null);
  const direction = own ? 'out' : 'in';
  const kind = kindOf(content);
  const textElement = queryForms(content, forms('message-text'));
  const rich = textElement ? readRichText(textElement, TEXT_SKIP) : { text: '', links: [] };
  const kindText = readKindText(content, kind);
  const text = kindText ?? (rich.text || undefined);
  if (kind === 'text' && text === undefined) {
    return textElement ? { type: 'pending', key } : { type: 'broken', anchor: 'message-text' };
  }

  const message: CapturedMessage = { key, siteId: id, time: { visibleTime }, direction, kind };
  const title = timeElement.getAttribute('title');
  if (title) message.time.title = title;
  if (text !== undefined) message.text = text;

  const forwarded = Boolean(content.querySelector('.forwarded-message, .forward-title'));
  const nameElement = queryAllByForms(content, forms('sender-name')).find((el) => !el.closest('.EmbeddedMessage'));
  const shownName = readPlain(nameElement);
  if (direction === 'in') {
    if (!ctx.isGroup) message.sender = { name: ctx.chatTitle, id: ctx.chatId };
    else if (shownName && !forwarded) message.sender = { name: shownName };
  }
  if (forwarded) {
    message.forwarded = true;
    if (shownName) message.forwardedFrom = shownName;
  }

  const reply = queryForms(content, forms('reply'));
  if (reply) {
    const sender = readPlain(reply.querySelector('.message-title'));
    const quoted = readPlain(reply.querySelector('.embedded-text-wrapper') ?? reply.querySelector('.message-text'), '.message-title');
    if (sender || quoted) {
      message.replyPreview = {};
      if (sender) message.replyPreview.sender = sender;
      if (quoted) message.replyPreview.text = quoted;
    }
  }

  if (row.classList.contains('was-edited')) message.edited = true;
  const reactions = readReactions(queryAllByForms(row, forms('reactions')), '.counter', '.ReactionStaticEmoji, .reaction-emoji');
  if (reactions.length > 0) message.reactions = reactions;
  if (rich.links.length > 0) message.links = rich.links;
  const { attachments, media } = readAttachments(content, key);
  if (attachments.length > 0) message.attachments = attachments;
  return { type: 'item', item: { type: 'message', key, message }, media };
}

function openChat(doc: Document): ChatView | null {
  const root = doc.querySelector('#MiddleColumn') ?? doc.body ?? doc.documentElement;
  if (!root) return null;
  const titleFound = findByForms(root, forms('chat-title'));
  const scrollerElement = queryForms(root, forms('scroller'));
  if (!titleFound || !scrollerElement) return null;
  const titleElement = titleFound.element;
  const title = readPlain(titleElement);
  const avatarPeer = titleElement.closest('.ChatInfo')?.querySelector('[data-peer-id]')?.getAttribute('data-peer-id');
  const hash = decodeURIComponent(doc.location?.hash?.replace(/^#/, '') ?? '');
  const id = avatarPeer ?? hash;
  const scroller = scrollerElement as HTMLElement;
  const header = titleElement.closest('.MiddleHeader') ?? titleElement;
  const container = (): Element => scroller.querySelector('.messages-container') ?? scroller;
  const isGroup = (): boolean => !scroller.classList.contains('no-avatars');
  const watcher = topWatcherFor(scroller, TELEGRAM_A_QUIET_MS);
  const rowSelector = [
    ...forms('day-separator'),
    '.message-list-item',
    '.local-action-message',
    ...forms('message-row'),
    '[data-message-id]:not(.bottom-marker)',
  ].join(', ');

  const view: ChatView = {
    id,
    title,
    identity: pageIdentity(id, title),
    startInferred: true,
    isGroup: isGroup(),
    header,
    scroller,
    rows: () =>
      Array.from(container().querySelectorAll(rowSelector)).filter((el) => !el.parentElement?.closest(rowSelector)),
    parseRow(row: Element): RowResult {
      if (matchesForms(row, forms('day-separator'))) return parseDayHeader(row, new Date());
      return parseMessage(row, { chatTitle: title, chatId: id, isGroup: isGroup() });
    },
    // Telegram A shows no spinner while it fetches older history.
    loading: () => false,
    atStart(): boolean {
      const first = view.rows().find((row) => messageIdOf(row) !== null);
      return watcher.atStart(scroller, first ? messageIdOf(first) : null, false);
    },
    historyGate: () => null,
    historyUnavailable: () => null,
  };
  return view;
}

function timestampOf(message: CapturedMessage, day: string | null): Timestamp | null {
  if (!day) return null;
  if (message.direction === 'system') return { value: day, precision: 'day', source: 'day-separator' };
  const time = message.time.visibleTime ? parseVisibleTime(message.time.visibleTime) : null;
  if (!time) return { value: day, precision: 'day', source: 'day-separator' };
  return { value: `${day}T${time}`, precision: 'minute', source: 'visible-time' };
}

function finalize(items: readonly CapturedItem[], context: FinalizeContext): Finalized {
  return finalizeTelegram(items, context, { timestampsAreLocal: true, timestamp: timestampOf });
}

export const telegramA: SiteAdapter = {
  site: 'telegram-a',
  name: 'Telegram Web A',
  anchors: TELEGRAM_A_ANCHORS,
  matches: (url: URL) => url.hostname === 'web.telegram.org' && /^\/a(\/|$)/.test(url.pathname),
  openChat,
  probe(doc: Document): Record<string, number> {
    return probeAnchors(doc.querySelector('#MiddleColumn') ?? doc, TELEGRAM_A_ANCHORS, ATTRIBUTE_ANCHORS);
  },
  finalize,
};
