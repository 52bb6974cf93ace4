// The contract between the capture engine and a site adapter (src/capture/sites/<site>.ts).
//
// Capture has two halves. In the page (content script, isolated world) an adapter finds the open
// chat and turns each mounted DOM row into a JSON-safe `CapturedItem`; the engine scrolls, merges
// items by key as they mount, unmount and fill in, and streams them to the worker. In the worker the
// same adapter module's `finalize` turns the whole ordered item sequence into chatseal/1 messages:
// decisions that need the whole chat (WhatsApp's day-or-month-first order, dates from day
// separators, senders carried through grouped rows, reply keys) happen there, once.
//
// Nothing here (or under src/capture/) may import crypto/, store/, drive/ or keys/: a content
// script's bundle must carry no key, token or key-store code.
import type {
  Attachment,
  Conversation,
  Message,
  Participant,
  SourceSite,
  Warning,
} from '../export/types';

export type LiveSite = Exclude<SourceSite, 'whatsapp-export'>;

/**
 * A DOM anchor the adapter relies on, in the order it tries its forms. Listed in docs/SITES.md;
 * the popup's "Check this chat" reports, per anchor, whether (and by which form) it was found.
 */
export interface Anchor {
  /** Stable kebab-case name, e.g. 'message-row', 'pre-plain-text'. */
  name: string;
  /** What it is, for docs and bug reports. */
  description: string;
  /** CSS selectors (or attribute names for attribute anchors), current form first, older after. */
  forms: readonly string[];
  /** Without it nothing can be captured (a 'page changed' stop) vs. only some fields degrade. */
  required: boolean;
}

/** Everything a row shows about its time, as the page shows it; resolved in `finalize`. */
export interface RawTime {
  /** WhatsApp's data-pre-plain-text, whole: "[10:15, 26/11/2026] Maya: ". */
  prePlainText?: string;
  /** The time printed in the bubble ("10:15", "10:15 PM"). */
  visibleTime?: string;
  /** Unix seconds from a data attribute (Telegram K's data-timestamp, Telegram A's ids). */
  unix?: number;
  /** ISO 8601 from <time datetime> (Discord). */
  datetime?: string;
  /** A full date in a hover title (Telegram A). */
  title?: string;
}

/** An attachment as the row shows it; the worker fills sha256/path/size once bytes arrive. */
export interface CapturedAttachment extends Attachment {
  /**
   * Key of the media bytes streamed for this attachment (see MediaSource.mediaKey); absent when
   * no bytes will be fetched (status then says why).
   */
  mediaKey?: string;
}

/** A message row, parsed as far as the row alone allows. */
export interface CapturedMessage
  extends Omit<Message, 'timestamp' | 'attachments' | 'replyTo' | 'sender'> {
  time: RawTime;
  /** Absent when the row does not show it (grouped rows): finalize carries it forward. */
  sender?: Participant;
  /** The replied-to message's site id, when the quote reveals it; finalize maps it to a key. */
  replyToSiteId?: string;
  attachments?: CapturedAttachment[];
}

/** One item of the chat's ordered sequence, oldest first. `key` is stable across re-mounts. */
export type CapturedItem =
  | { type: 'message'; key: string; message: CapturedMessage }
  /** A day separator ("Today", "26 November 2026", "Monday"), which dates the rows below it. */
  | { type: 'day'; key: string; label: string };

/** Bytes to fetch while the row is mounted (blob: URLs are revoked when it unmounts). */
export interface MediaSource {
  mediaKey: string;
  url: string;
  name?: string;
  mime?: string;
}

export type RowResult =
  /**
   * Not part of the chat: unread divider, encryption notice, date chip copies, UI chrome. `key`: the
   * key the row had while it was emptied (a 'pending' reading of it was no missed message).
   */
  | { type: 'skip'; key?: string }
  /**
   * A row that is not filled in yet (lazy content): look again later. `optional`: an emptied row
   * that may turn out to be no item at all (WhatsApp's day chips, notices and dividers have no id,
   * so an emptied one shows neither what it is nor its key): brought into view and read like any
   * other, but not counted as a missed message when it never fills in.
   */
  | { type: 'pending'; key: string; optional?: true }
  /**
   * `pendingKey`: the key the row is read under while emptied, when it is not the item's own (a
   * WhatsApp notice without an id): once the item is read, that key is nothing to wait for.
   */
  | { type: 'item'; item: CapturedItem; media: MediaSource[]; pendingKey?: string }
  /** A row that should be a message but lacks a required anchor: the page changed. */
  | { type: 'broken'; anchor: string };

export interface ChatView {
  /** Site's id of the chat (JID, peer id, channel id); '' when the page names none (WhatsApp's bare data-ids). */
  readonly id: string;
  readonly title: string;
  readonly isGroup?: boolean;
  /**
   * Tells this chat apart from the others in the page even when `id` is '' (the engine pauses as
   * 'chat-switched' when it changes): `pageIdentity(id, title)`; '' when the page shows neither
   * (no evidence either way). Page-local, never exported.
   */
  readonly identity: string;
  /** Where the Encrypted export button goes. */
  readonly header: Element;
  /** The element that scrolls the message list. */
  readonly scroller: HTMLElement;
  /** Mounted rows, top (oldest) to bottom (newest). */
  rows(): Element[];
  parseRow(row: Element): RowResult;
  /** Older history is loading (a spinner is shown). */
  loading(): boolean;
  /** The very start of the chat is mounted (the site shows nothing older exists). */
  atStart(): boolean;
  /**
   * atStart() has no marker to go by and is inferred from the list staying still (Telegram): the
   * engine then gives the inference time (twice the time-outs) and records a 'start-inferred' problem.
   */
  readonly startInferred?: boolean;
  /** A control that loads older history when clicked (WhatsApp's "from your phone" notice). */
  historyGate(): HTMLElement | null;
  /** The page says older history cannot be loaded here; its words, for the stop reason. */
  historyUnavailable(): string | null;
}

/**
 * A chat's page-local identity: its site id when the page names one, else its title (two chats
 * open one after the other with the same title and no id cannot be told apart; the rows then must).
 */
export function pageIdentity(id: string, title: string): string {
  return id !== '' ? `id:${id}` : title !== '' ? `title:${title}` : '';
}

export interface FinalizeContext {
  /** IANA zone of the browser during capture (Intl), for local wall times. */
  timeZone: string;
  /** Whether the capture reached the start: decides if the first day separator is trustworthy. */
  reachedStart: boolean;
  /**
   * When the capture started (ISO instant). Day separators that name a day relative to today
   * ("Today", "Yesterday", "Monday") are counted back from it; without it they are dated only
   * through the messages under them.
   */
  capturedAt?: string;
}

export interface Finalized {
  messages: Message[];
  participants: Participant[];
  warnings: Warning[];
  /** How the page wrote dates, when it wrote them as text (WhatsApp). */
  dateOrder?: 'dmy' | 'mdy' | 'ymd';
  /** Whether message timestamps are local wall times (no offset). */
  timestampsAreLocal: boolean;
}

export interface SiteAdapter {
  readonly site: LiveSite;
  /** Human name for UI ("WhatsApp Web"). */
  readonly name: string;
  readonly anchors: readonly Anchor[];
  /** Whether this adapter handles the URL (Telegram K vs A share a host). */
  matches(url: URL): boolean;
  /** The open chat, or null when none is open (or its required anchors are missing). */
  openChat(doc: Document): ChatView | null;
  /**
   * Which anchors are present in the document now, with the form found (index into `forms`) or -1.
   * Counts only; never content.
   */
  probe(doc: Document): Record<string, number>;
  /** Whole ordered sequence (oldest first) → messages. Pure: runs in the worker. */
  finalize(items: readonly CapturedItem[], context: FinalizeContext): Finalized;
}

/** What the export's conversation section gets from a capture (title is plaintext: memory only). */
export type CapturedConversation = Pick<Conversation, 'title' | 'id' | 'isGroup'>;
