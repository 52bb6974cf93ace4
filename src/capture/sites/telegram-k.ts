// Telegram Web K (web.telegram.org/k/, morethanwords/tweb). Every message bubble carries its id
// (data-mid) and its unix time (data-timestamp), so times are exact to the second and do not
// depend on day labels. Bubbles are grouped by day (.bubbles-date-group, with a date bubble) and by
// sender run (.bubbles-group, whose avatar names the sender's peer id); tweb removes bubbles far
// from the viewport, and deleted messages simply vanish.
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
import type { MessageKind } from '../../export/types';
import {
  anchorForms,
  attrByForms,
  findByForms,
  localDate,
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

export const TELEGRAM_K_ANCHORS: readonly Anchor[] = [
  {
    name: 'chat-title',
    description: "The open chat's name in the top bar (its peer id in data-peer-id)",
    forms: ['.chat-info .peer-title', '.chat-info .user-title'],
    required: true,
  },
  {
    name: 'scroller',
    description: 'The scrolling message list',
    forms: ['.bubbles .bubbles-scrollable', '.bubbles .scrollable-y'],
    required: true,
  },
  {
    name: 'message-row',
    description: 'A message bubble (also date and service bubbles)',
    forms: ['.bubble'],
    required: true,
  },
  {
    name: 'message-id',
    description: "The bubble's message id attribute",
    forms: ['data-mid', 'data-message-id'],
    required: true,
  },
  {
    name: 'timestamp',
    description: "The bubble's unix time in seconds",
    forms: ['data-timestamp'],
    required: true,
  },
  {
    name: 'direction',
    description: 'Incoming or outgoing bubble class',
    forms: ['.is-in, .is-out'],
    required: true,
  },
  {
    name: 'message-text',
    description: 'The text of a message (emoji as <img alt>)',
    forms: ['.message', '.translatable-message'],
    required: false,
  },
  {
    name: 'sender-name',
    description: "The sender's name on the first bubble of a run, in group chats",
    forms: ['.name .peer-title', '.name .peer-title-inner'],
    required: false,
  },
  {
    name: 'sender-avatar',
    description: "The sender run's avatar (the sender's peer id, for every bubble of the run)",
    forms: ['.bubbles-group-avatar[data-peer-id]', '.bubbles-group-avatar-container [data-peer-id]'],
    required: false,
  },
  {
    name: 'day-separator',
    description: 'The date bubble that opens each day',
    forms: ['.bubble.service.is-date'],
    required: false,
  },
  {
    name: 'reply',
    description: 'The quoted message above a reply (replied-to id in data-reply-to-mid)',
    forms: ['.reply', '.quote-like'],
    required: false,
  },
  {
    name: 'reactions',
    description: 'Reactions under a bubble',
    forms: ['reactions-element .reaction', '.reactions .reaction'],
    required: false,
  },
  {
    name: 'photo',
    description: 'A loaded photo in a bubble',
    forms: ['.attachment img.media-photo', '.attachment img'],
    required: false,
  },
  {
    name: 'spinner',
    description: 'The spinner shown while older history loads',
    forms: ['.bubbles .preloader-container', '.bubbles .preloader'],
    required: false,
  },
];

const ATTRIBUTE_ANCHORS = new Set(['message-id', 'timestamp']);
const forms = (name: string) => anchorForms(TELEGRAM_K_ANCHORS, name);
const TEXT_SKIP = '.time, .time-inner, .reactions, reactions-element, .bubble-tail, .reply';
/** How long the top of the list must stay still before it counts as the start of the chat. */
export const TELEGRAM_K_QUIET_MS = 3000;

function chatRoot(doc: Document): Element | null {
  return (
    doc.querySelector('#column-center .chat.active') ??
    doc.querySelector('.chat.active') ??
    doc.querySelector('.chat')
  );
}

function peerIdFromHash(doc: Document): string | null {
  const hash = doc.location?.hash?.replace(/^#/, '') ?? '';
  return hash ? decodeURIComponent(hash) : null;
}

interface KContext {
  chatTitle: string;
  chatId: string;
  isGroup: boolean;
}

function parseDay(row: Element): RowResult {
  const unix = Number(row.getAttribute('data-timestamp'));
  const label = readPlain(row.querySelector('.service-msg') ?? row);
  if (!Number.isFinite(unix) || unix <= 0) return { type: 'skip' };
  const item: CapturedItem = { type: 'day', key: dayKey('tgk', localDate(unix)), label };
  return { type: 'item', item, media: [] };
}

function kindOf(row: Element): MessageKind {
  const cl = row.classList;
  if (cl.contains('sticker')) return 'sticker';
  if (cl.contains('poll-message')) return 'poll';
  if (cl.contains('contact-message')) return 'contact';
  if (
    cl.contains('photo') ||
    cl.contains('video') ||
    cl.contains('round') ||
    cl.contains('is-album') ||
    cl.contains('voice-message') ||
    cl.contains('audio-message') ||
    cl.contains('document-message')
  ) {
    return 'media';
  }
  return 'text';
}

function readAttachments(row: Element, key: string): { attachments: CapturedAttachment[]; media: MediaSource[] } {
  const attachments: CapturedAttachment[] = [];
  const media: MediaSource[] = [];
  const cl = row.classList;
  if (cl.contains('photo') || cl.contains('is-album')) {
    const images = queryAllByForms(row, forms('photo'));
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
    if (images.length === 0) attachments.push({ mediaType: 'image', status: 'not-loaded' });
  }
  if (cl.contains('video') || cl.contains('round')) attachments.push({ mediaType: 'video', status: 'not-loaded' });
  if (cl.contains('voice-message')) attachments.push({ mediaType: 'voice', status: 'not-loaded' });
  if (cl.contains('audio-message')) attachments.push({ mediaType: 'audio', status: 'not-loaded' });
  if (cl.contains('document-message')) {
    for (const doc of Array.from(row.querySelectorAll('.document-name'))) {
      const name = readPlain(doc);
      attachments.push(name ? { mediaType: 'document', name, status: 'not-loaded' } : { mediaType: 'document', status: 'not-loaded' });
    }
  }
  if (cl.contains('sticker')) attachments.push({ mediaType: 'sticker', status: 'not-loaded' });
  return { attachments, media };
}

function readKindText(row: Element, kind: MessageKind): string | undefined {
  if (kind === 'poll') {
    const question = readPlain(row.querySelector('.poll-title'));
    const answers = Array.from(row.querySelectorAll('.poll-answer-text')).map((a) => readPlain(a));
    return [question, ...answers].filter(Boolean).join('\n') || undefined;
  }
  if (kind === 'contact') {
    const lines = [readPlain(row.querySelector('.contact-name')), readPlain(row.querySelector('.contact-number'))];
    return lines.filter(Boolean).join('\n') || undefined;
  }
  return undefined;
}

function parseBubble(row: Element, ctx: KContext): RowResult {
  if (row.classList.contains('is-date')) return parseDay(row);
  if (row.classList.contains('is-sponsored')) return { type: 'skip' };
  const mid = attrByForms(row, forms('message-id'));
  // Unread divider and other chrome bubbles have no id.
  if (mid === null) return { type: 'skip' };
  const key = `tgk:${mid}`;
  // A message still being sent has a temporary id that the server replaces.
  if (row.classList.contains('is-sending') || row.classList.contains('is-outgoing')) return { type: 'pending', key };
  const unix = Number(row.getAttribute('data-timestamp'));
  if (!row.hasAttribute('data-timestamp') || !Number.isFinite(unix)) return { type: 'broken', anchor: 'timestamp' };

  if (row.classList.contains('service')) {
    const text = readPlain(row.querySelector('.service-msg') ?? row);
    if (!text) return { type: 'pending', key };
    const message: CapturedMessage = {
      key,
      siteId: mid,
      time: { unix },
      direction: 'system',
      kind: 'system',
      text,
    };
    return { type: 'item', item: { type: 'message', key, message }, media: [] };
  }

  if (!matchesForms(row, forms('direction'))) return { type: 'broken', anchor: 'direction' };
  const direction = row.classList.contains('is-out') ? 'out' : 'in';
  const content = row.querySelector('.bubble-content');
  if (!content || content.children.length === 0) return { type: 'pending', key };

  const kind = kindOf(row);
  const textElement = queryForms(content, forms('message-text'));
  const rich = textElement ? readRichText(textElement, TEXT_SKIP) : { text: '', links: [] };
  const kindText = readKindText(row, kind);
  const text = kindText ?? (rich.text || undefined);
  if (kind === 'text' && text === undefined) {
    // A text bubble whose text element we cannot find: the page changed under us.
    return textElement ? { type: 'pending', key } : { type: 'broken', anchor: 'message-text' };
  }

  const forwarded = row.classList.contains('forwarded');
  const nameBlock = content.querySelector('.name');
  const message: CapturedMessage = {
    key,
    siteId: mid,
    time: { unix, visibleTime: readPlain(row.querySelector('.time'), '.time-edited, .time-inner') || undefined },
    direction,
    kind,
  };
  if (text !== undefined) message.text = text;

  if (direction === 'in') {
    if (!ctx.isGroup) {
      message.sender = { name: ctx.chatTitle, id: ctx.chatId };
    } else {
      const avatar = queryForms(row.closest('.bubbles-group') ?? row, forms('sender-avatar'));
      const id = avatar?.getAttribute('data-peer-id') ?? undefined;
      const nameElement = forwarded ? null : queryForms(content, forms('sender-name'));
      const name = readPlain(nameElement);
      if (id || name) message.sender = id ? { name, id } : { name };
    }
  }

  if (forwarded) {
    message.forwarded = true;
    const origin = readPlain(nameBlock?.querySelector('.peer-title'));
    if (origin) message.forwardedFrom = origin;
  }

  const reply = queryForms(content, forms('reply'));
  if (reply) {
    const replyTo = row.getAttribute('data-reply-to-mid') ?? reply.getAttribute('data-reply-to-mid');
    if (replyTo) message.replyToSiteId = replyTo;
    const sender = readPlain(reply.querySelector('.reply-title'));
    const quoted = readPlain(reply.querySelector('.reply-subtitle'));
    if (sender || quoted) {
      message.replyPreview = {};
      if (sender) message.replyPreview.sender = sender;
      if (quoted) message.replyPreview.text = quoted;
    }
  }

  if (row.classList.contains('is-edited') || row.querySelector('.time .time-edited')) message.edited = true;

  const reactions = readReactions(queryAllByForms(row, forms('reactions')), '.reaction-counter', '.reaction-sticker');
  if (reactions.length > 0) message.reactions = reactions;
  if (rich.links.length > 0) message.links = rich.links;

  const { attachments, media } = readAttachments(row, key);
  if (attachments.length > 0) message.attachments = attachments;

  return { type: 'item', item: { type: 'message', key, message }, media };
}

function openChat(doc: Document): ChatView | null {
  const root = chatRoot(doc);
  if (!root) return null;
  const titleFound = findByForms(root, forms('chat-title'));
  const scrollerElement = queryForms(root, forms('scroller'));
  if (!titleFound || !scrollerElement) return null;
  const titleElement = titleFound.element;
  const titlePeer = titleElement.closest('[data-peer-id]') ?? titleElement.querySelector('[data-peer-id]');
  const id = titlePeer?.getAttribute('data-peer-id') ?? peerIdFromHash(doc) ?? '';
  const title = readPlain(titleElement);
  const scroller = scrollerElement as HTMLElement;
  const header = root.querySelector('.sidebar-header') ?? titleElement.closest('.chat-info') ?? titleElement;
  const inner = (): Element => scroller.querySelector('.bubbles-inner') ?? scroller;
  const isGroup = (): boolean => inner().classList.contains('is-chat');
  const watcher = topWatcherFor(scroller, TELEGRAM_K_QUIET_MS);
  const rowSelector = `${forms('message-row').join(', ')}, [${forms('message-id').join('], [')}]`;

  const view: ChatView = {
    id,
    title,
    identity: pageIdentity(id, title),
    startInferred: true,
    isGroup: isGroup(),
    header,
    scroller,
    rows: () => Array.from(inner().querySelectorAll(rowSelector)).filter((el) => !el.parentElement?.closest(rowSelector)),
    parseRow(row: Element): RowResult {
      if (!matchesForms(row, forms('message-row'))) return { type: 'broken', anchor: 'message-row' };
      return parseBubble(row, { chatTitle: title, chatId: id, isGroup: isGroup() });
    },
    loading: () => queryForms(root, forms('spinner')) !== null,
    atStart(): boolean {
      const first = view.rows().find((row) => attrByForms(row, forms('message-id')) !== null);
      const firstKey = first ? attrByForms(first, forms('message-id')) : null;
      return watcher.atStart(scroller, firstKey, view.loading());
    },
    historyGate: () => null,
    historyUnavailable: () => null,
  };
  return view;
}

function finalize(items: readonly CapturedItem[], context: FinalizeContext): Finalized {
  return finalizeTelegram(items, context, {
    timestampsAreLocal: false,
    timestamp(message) {
      const unix = message.time.unix;
      if (unix === undefined || !Number.isFinite(unix)) return null;
      return { value: new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), precision: 'second', source: 'data-timestamp' };
    },
  });
}

export const telegramK: SiteAdapter = {
  site: 'telegram-k',
  name: 'Telegram Web K',
  anchors: TELEGRAM_K_ANCHORS,
  matches: (url: URL) => url.hostname === 'web.telegram.org' && /^\/k(\/|$)/.test(url.pathname),
  openChat,
  probe(doc: Document): Record<string, number> {
    return probeAnchors(chatRoot(doc) ?? doc, TELEGRAM_K_ANCHORS, ATTRIBUTE_ANCHORS);
  },
  finalize,
};
