// Reads the text file the WhatsApp phone app writes with "Export chat" and turns it into a
// chatseal/1 document. Two line formats exist:
//   iOS      [26/11/2026, 10:15:03] Alice: text
//   Android  11/26/26, 10:15 AM - Alice: text
// with many local variations (date order, separators, 12/24-hour clocks, meridiem spellings, bidi
// marks). The date order is decided once for the whole file. A line that starts a new message
// begins with a header; every other line continues the message before it.
import { sha256 } from '@noble/hashes/sha2.js';
import { version as packageVersion } from '../../package.json';
import { toHex, utf8Decode, utf8Encode } from '../crypto/bytes';
import type { Attachment, ChatExport, Direction, Message, Participant, UnparsedLine, Warning } from './types';
import { SCHEMA_VERSION } from './types';
import {
  classifyContent,
  matchSystemNotice,
  rtlIfFirstStrong,
  stripLeadingMarks,
  stripMarks,
  type Content,
} from './whatsapp-body';
import { decideDateOrder, fullYear, type DateOrder } from './date-order';

export { decideDateOrder, localeDateOrder, type DateOrder } from './date-order';

export interface WhatsAppParseOptions {
  /** The participant who is the user: their messages get direction 'out'. */
  me?: string;
  /** Decides day/month order when the file itself cannot; default navigator.language, then en-US. */
  locale?: string;
  /** Name of the file the user picked (.txt or .zip); gives the chat's title when WhatsApp named it. */
  fileName?: string;
  /** Size and SHA-256 of that file, recorded in source.file. */
  file?: { size: number; sha256: string };
  now?: () => Date;
  /** IANA zone the phone was in, when the caller knows it; recorded, never applied to the times. */
  timeZone?: string | null;
  /** Recorded as capture.tool.version; default this package's version. */
  appVersion?: string;
}

export type WhatsAppImportErrorKind = 'not-a-whatsapp-export' | 'bad-zip' | 'no-chat-file' | 'ambiguous-chat-file';

export class WhatsAppImportError extends Error {
  override readonly name = 'WhatsAppImportError';
  constructor(
    readonly kind: WhatsAppImportErrorKind,
    message: string,
  ) {
    super(message);
  }
}

type Style = 'ios' | 'android';

interface Header {
  style: Style;
  a: string;
  b: string;
  c: string;
  hour?: string;
  minute?: string;
  second?: string;
  meridiem?: string;
  body: string;
}

const MERIDIEM_WORDS = '午前|午後|오전|오후|上午|下午';
const TIME =
  `(?:(?<merPre>${MERIDIEM_WORDS})\\s*)?(?<hour>\\d{1,2})[:.](?<minute>\\d{2})(?:[:.](?<second>\\d{2}))?` +
  `(?:\\s*(?<merPost>[AaPp]\\.?\\s?[Mm]\\.?|${MERIDIEM_WORDS}))?`;
const DATE = '(?<a>\\d{1,4})(?<sep>[./-])(?<b>\\d{1,2})\\k<sep>(?<c>\\d{1,4})\\.?';
const IOS_HEADER = new RegExp(`^\\[${DATE},?\\s+${TIME}\\]\\s?(?<body>.*)$`);
const ANDROID_HEADER = new RegExp(`^${DATE},?\\s+${TIME}\\s+[-\\u2013]\\s(?<body>.*)$`);
// ChatSeal's own TXT (render/txt.ts) writes day-precision messages with an ISO date and no time.
const DATE_ONLY_HEADER = /^(?<a>\d{4})-(?<b>\d{2})-(?<c>\d{2}) [-\u2013] (?<body>.*)$/;
// Starts like a header (a date, then a time) without being one we can read.
const LOOKS_LIKE_HEADER = new RegExp(`^\\[?\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}\\.?,?\\s+(?:(?:${MERIDIEM_WORDS})\\s*)?\\d{1,2}[:.]\\d`);
const LINE_START_MARKS = /^[\u200e\u200f\ufeff]+/;

function matchHeader(line: string): Header | undefined {
  const text = line.replace(LINE_START_MARKS, '');
  const dateOnly = DATE_ONLY_HEADER.exec(text)?.groups;
  if (dateOnly) return { style: 'android', a: dateOnly.a!, b: dateOnly.b!, c: dateOnly.c!, body: dateOnly.body! };
  for (const [style, re] of [['ios', IOS_HEADER], ['android', ANDROID_HEADER]] as const) {
    const g = re.exec(text)?.groups;
    if (!g) continue;
    const meridiem = g.merPre ?? g.merPost;
    return {
      style,
      a: g.a!,
      b: g.b!,
      c: g.c!,
      hour: g.hour!,
      minute: g.minute!,
      ...(g.second !== undefined ? { second: g.second } : {}),
      ...(meridiem !== undefined ? { meridiem } : {}),
      body: g.body!,
    };
  }
  return undefined;
}

/** UTF-8 as WhatsApp writes it; invalid bytes become U+FFFD rather than failing the import. */
export function decodeExportText(bytes: Uint8Array): { text: string; lossy: boolean } {
  let text: string;
  let lossy = false;
  try {
    text = utf8Decode(bytes);
  } catch {
    text = new TextDecoder('utf-8').decode(bytes);
    lossy = true;
  }
  return { text: text.replace(/^\ufeff/, ''), lossy };
}

// ---- dates (order decided in date-order.ts) ---------------------------------------------------

const pad = (n: number) => String(n).padStart(2, '0');

/** The header's moment as ISO text, or undefined when its digits name no real date or time. */
function headerTimestamp(h: Header, order: DateOrder): { value: string; precision: 'second' | 'minute' | 'day' } | undefined {
  const lineOrder: DateOrder = h.a.length === 4 ? 'ymd' : order === 'ymd' ? 'dmy' : order;
  const [y, m, d] = lineOrder === 'ymd' ? [h.a, h.b, h.c] : lineOrder === 'dmy' ? [h.c, h.b, h.a] : [h.c, h.a, h.b];
  if (y.length !== 2 && y.length !== 4) return undefined;
  const year = fullYear(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const date = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  if (h.hour === undefined) return { value: date, precision: 'day' };
  let hour = Number(h.hour);
  const minute = Number(h.minute);
  if (h.meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    const pm = /^[Pp]|午後|오후|下午/.test(h.meridiem);
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  if (h.second === undefined) return { value: `${date}T${pad(hour)}:${pad(minute)}`, precision: 'minute' };
  const second = Number(h.second);
  if (second > 59) return undefined;
  return { value: `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}`, precision: 'second' };
}

// ---- lines to raw messages ---------------------------------------------------------------------

interface RawMessage {
  header: Header;
  timestamp: { value: string; precision: 'second' | 'minute' | 'day' };
  more: string[];
  /** The message's lines as they are in the file (CR removed), for its key. */
  raw: string[];
}

interface Scan {
  platform: Style;
  dateOrder: DateOrder;
  dateWarning?: Warning;
  messages: RawMessage[];
  unparsed: Array<{ line: number; text: string; keptIn?: RawMessage }>;
}

function scan(text: string, localeOption: string | undefined): Scan {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop(); // the file's final newline ends a line, it does not start one
  const headers = lines.map(matchHeader);
  const counts = { ios: 0, android: 0 };
  for (const h of headers) if (h) counts[h.style]++;
  if (counts.ios + counts.android === 0) {
    throw new WhatsAppImportError('not-a-whatsapp-export', 'No line in this file looks like a WhatsApp export line.');
  }
  const platform: Style = counts.ios >= counts.android ? 'ios' : 'android';
  const locale = localeOption ?? defaultLocale();
  const decision = decideDateOrder(headers.filter((h): h is Header => h?.style === platform), locale);

  const messages: RawMessage[] = [];
  const unparsed: Scan['unparsed'] = [];
  // Lines after a header we could not read belong to that unreadable message, not to the one before.
  let current: RawMessage | undefined;
  let broken = false;
  lines.forEach((line, i) => {
    const h = headers[i];
    const timestamp = h && h.style === platform && h.body.trim() !== '' ? headerTimestamp(h, decision.order) : undefined;
    if (h && timestamp) {
      current = { header: h, timestamp, more: [], raw: [line] };
      messages.push(current);
      broken = false;
      return;
    }
    if (h) {
      // A whole header with impossible values, no text, or the other phone's format: its words are
      // a message of their own, so attaching them to the previous sender's message would misquote.
      unparsed.push({ line: i + 1, text: line });
      broken = true;
      return;
    }
    if (broken || !current) {
      if (broken || line.trim() !== '') unparsed.push({ line: i + 1, text: line });
      return;
    }
    // A continuation line. One that starts like a header (a damaged one, or someone's pasted
    // schedule) stays in place and is also reported, with the message that keeps it.
    current.more.push(line);
    current.raw.push(line);
    if (LOOKS_LIKE_HEADER.test(line.replace(LINE_START_MARKS, ''))) {
      unparsed.push({ line: i + 1, text: line, keptIn: current });
    }
  });
  return {
    platform,
    dateOrder: decision.order,
    ...(decision.warning ? { dateWarning: decision.warning } : {}),
    messages,
    unparsed,
  };
}

function defaultLocale(): string {
  const nav = (globalThis as { navigator?: { language?: string } }).navigator;
  return nav?.language || 'en-US';
}

// ---- raw messages to export messages -----------------------------------------------------------

type Reading =
  | { system: true; text: string; group: boolean; title?: string; titleHint?: string }
  | { system: false; sender: string; content: Content };

function read(m: RawMessage, platform: Style): Reading {
  const body = stripLeadingMarks(m.header.body);
  const systemText = () => [body, ...m.more].join('\n');
  const notice = matchSystemNotice(body);
  if (notice) {
    return { system: true, text: systemText(), group: notice.group, ...(notice.title ? { title: notice.title } : {}) };
  }

  const split = body.indexOf(': ');
  if (split <= 0) return { system: true, text: systemText(), group: false };
  const sender = stripMarks(body.slice(0, split)).trim();
  const rawContent = body.slice(split + 2);
  const first = stripLeadingMarks(rawContent);
  const content = classifyContent(first, m.more);

  // iOS writes notices as if the chat itself had said them ("Family: ‎Alice added Bob"), with a
  // left-to-right mark before the notice. A marked line that is no known marker is such a notice.
  const marked = first !== rawContent;
  const inner = matchSystemNotice(first);
  if ((platform === 'ios' && marked && content.kind === 'text') || inner?.standalone) {
    return {
      system: true,
      text: [first, ...m.more].join('\n'),
      group: inner?.group ?? false,
      ...(inner?.title ? { title: inner.title } : {}),
      ...(sender ? { titleHint: sender } : {}),
    };
  }
  if (sender === '') return { system: true, text: systemText(), group: false };
  return { system: false, sender, content };
}

function messageKey(raw: string[]): string {
  return 'wa-' + toHex(sha256(utf8Encode(raw.join('\n')))).slice(0, 12);
}

const FILE_TITLE = [
  /^WhatsApp Chat (?:with|-) (.+)$/,
  /^WhatsApp-Chat mit (.+)$/,
  /^Chat de WhatsApp con (.+)$/,
  /^Discussion WhatsApp avec (.+)$/,
  /^Conversa do WhatsApp com (.+)$/,
  /^Chat WhatsApp con (.+)$/,
  /^WhatsApp-chat met (.+)$/,
];

/** "WhatsApp Chat with Alice (1).txt" -> "Alice". */
export function titleFromFileName(fileName: string): string | undefined {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const stem = base.replace(/\.(txt|zip)$/i, '').replace(/\s\(\d+\)$/, '');
  for (const re of FILE_TITLE) {
    const m = re.exec(stem);
    if (m?.[1]) return m[1].trim();
  }
  return undefined;
}

export function parseWhatsAppExport(text: string, opts: WhatsAppParseOptions = {}): ChatExport {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const s = scan(text, opts.locale);
  const me = opts.me !== undefined ? stripMarks(opts.me).trim() || undefined : undefined;

  const messages: Message[] = [];
  const senders: string[] = [];
  const seenKeys = new Map<string, number>();
  let groupEvidence = false;
  let subjectTitle: string | undefined;
  let systemTitleHint: string | undefined;
  let omittedMedia = 0;

  const keys = new Map<RawMessage, string>();
  for (const raw of s.messages) {
    const reading = read(raw, s.platform);
    let key = messageKey(raw.raw);
    const seen = seenKeys.get(key) ?? 0;
    seenKeys.set(key, seen + 1);
    if (seen > 0) key = `${key}-${seen + 1}`;
    keys.set(raw, key);
    const timestamp = { ...raw.timestamp, source: 'export-line' as const };

    if (reading.system) {
      groupEvidence ||= reading.group;
      if (reading.title) subjectTitle = reading.title;
      systemTitleHint ??= reading.titleHint;
      messages.push(
        withDirection({ key, timestamp, direction: 'system', kind: 'system', text: reading.text }, reading.text),
      );
      continue;
    }
    if (!senders.includes(reading.sender)) senders.push(reading.sender);
    const direction: Direction = me === undefined ? 'unknown' : reading.sender === me ? 'out' : 'in';
    const { kind, text: body, edited, attachments, links } = reading.content;
    omittedMedia += (attachments ?? []).filter((a: Attachment) => a.status === 'omitted').length;
    const message: Message = {
      key,
      timestamp,
      direction,
      sender: { name: reading.sender },
      kind,
      ...(body !== undefined ? { text: body } : {}),
      ...(edited ? { edited } : {}),
      ...(links ? { links } : {}),
      ...(attachments ? { attachments } : {}),
    };
    messages.push(body !== undefined ? withDirection(message, body) : message);
  }

  const participants: Participant[] = senders.map((name) => (name === me ? { name, isMe: true } : { name }));
  const warnings: Warning[] = [
    {
      code: 'timestamps-local',
      message:
        'WhatsApp export files give the phone\u2019s local time without a time zone; times are kept as written' +
        (opts.timeZone ? ` (the phone was said to be in ${opts.timeZone}).` : '.'),
    },
  ];
  if (s.dateWarning) warnings.push(s.dateWarning);
  if (s.unparsed.length > 0) {
    warnings.push({
      code: 'unparsed-lines',
      message:
        s.unparsed.length === 1
          ? 'One line could not be read as a message; it is listed in capture.unparsedLines.'
          : `${s.unparsed.length} lines could not be read as messages; they are listed in capture.unparsedLines.`,
      count: s.unparsed.length,
    });
  }
  if (me === undefined) {
    warnings.push({ code: 'me-unknown', message: 'Nobody was chosen as "me", so who sent what to whom is unknown.' });
  } else if (!senders.includes(me)) {
    participants.push({ name: me, isMe: true });
    warnings.push({ code: 'me-not-found', message: `"${me}" sent no message in this file.` });
  }
  if (omittedMedia > 0) {
    warnings.push({
      code: 'media-omitted',
      message: `WhatsApp left ${omittedMedia === 1 ? 'one attachment' : `${omittedMedia} attachments`} out of the export ("<Media omitted>", "image omitted").`,
      count: omittedMedia,
    });
  }

  const others = senders.filter((n) => n !== me);
  const title =
    (opts.fileName ? titleFromFileName(opts.fileName) : undefined) ??
    subjectTitle ??
    systemTitleHint ??
    (me !== undefined && others.length === 1 ? others[0] : undefined) ??
    (senders.length > 0 ? senders.join(', ') : 'WhatsApp chat');
  const isGroup = groupEvidence || senders.length > 2 ? true : undefined;

  return {
    schema: SCHEMA_VERSION,
    source: {
      site: 'whatsapp-export',
      ...(opts.fileName
        ? { file: { name: opts.fileName, ...(opts.file ?? {}), platform: s.platform } }
        : {}),
    },
    conversation: { title, participants, ...(isGroup ? { isGroup } : {}) },
    capture: {
      startedAt,
      finishedAt: now().toISOString(),
      reachedStart: true,
      stopReason: 'end-of-file',
      timeZone: opts.timeZone ?? null,
      timestampsAreLocal: true,
      dateOrder: s.dateOrder,
      warnings,
      unparsedLines: s.unparsed.map(({ line, text, keptIn }): UnparsedLine =>
        keptIn ? { line, text, keptIn: keys.get(keptIn)! } : { line, text },
      ),
      tool: { name: 'chatseal', version: opts.appVersion ?? packageVersion },
    },
    messages,
  };
}

function withDirection<T extends Message>(m: T, text: string): T {
  const dir = rtlIfFirstStrong(text);
  return dir ? { ...m, textDirection: dir } : m;
}

export interface ParticipantSummary {
  name: string;
  /** Messages they wrote (system notices not counted). */
  messages: number;
}

/** Who wrote in this export, in order of their first message: for "which one is you?". */
export function listParticipants(text: string, opts: Pick<WhatsAppParseOptions, 'locale'> = {}): ParticipantSummary[] {
  const doc = parseWhatsAppExport(text, { ...opts, now: () => new Date(0) });
  const counts = new Map<string, number>();
  for (const m of doc.messages) if (m.sender) counts.set(m.sender.name, (counts.get(m.sender.name) ?? 0) + 1);
  return doc.conversation.participants.map((p) => ({ name: p.name, messages: counts.get(p.name) ?? 0 }));
}
