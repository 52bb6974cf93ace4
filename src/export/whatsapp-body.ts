// What the text after a WhatsApp export line's header means: a system notice, a deleted message,
// an attachment marker, a call, a location, a poll, or plain text. English forms are complete;
// other languages are covered where the marker is short and well known (attachment markers, the
// deleted placeholder). Anything not recognised stays plain text, so nothing a person wrote is
// reinterpreted by accident.
import type { Attachment, MediaType, MessageKind } from './types';
import { mimeForName } from './mime';

/** Bidirectional formatting characters phones put around names, numbers and markers. */
export const BIDI_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LEADING_MARKS = /^[\u200e\u200f\u202a-\u202e\u2066-\u2069]+/;

export function stripMarks(text: string): string {
  return text.replace(BIDI_MARKS, '');
}

export function stripLeadingMarks(text: string): string {
  return text.replace(LEADING_MARKS, '');
}

// An actor in a system notice: any run of characters that does not contain ": ", so that an
// authored line such as "Bob: you added Carol" can never look like the notice "X added Y".
const A = '((?:(?!: ).)+?)';
const Q_OPEN = '["\u201c]';
const Q_CLOSE = '["\u201d]';

interface SystemPattern {
  re: RegExp;
  /** The notice only happens in groups. */
  group?: boolean;
  /** Capture group holding the group's (new) name. */
  title?: number;
  /** Words no person writes as a message, so they mark a notice even after "Name: ". */
  standalone?: boolean;
}

const SYSTEM_PATTERNS: SystemPattern[] = [
  { re: /^Messages and calls are end-to-end encrypted\./, standalone: true },
  { re: /^Messages to this (?:group|chat and calls) are now secured with end-to-end encryption\./, standalone: true },
  { re: new RegExp(`^${A} created (?:the )?group ${Q_OPEN}(.+)${Q_CLOSE}$`), group: true, title: 2 },
  { re: new RegExp(`^${A} created this group$`), group: true },
  { re: new RegExp(`^${A} changed the (?:subject|group name) (?:from ${Q_OPEN}.*${Q_CLOSE} )?to ${Q_OPEN}(.*)${Q_CLOSE}$`), group: true, title: 2 },
  { re: new RegExp(`^${A} added ${A}$`), group: true },
  { re: new RegExp(`^${A} removed ${A}$`), group: true },
  { re: new RegExp(`^${A} left$`), group: true },
  { re: new RegExp(`^${A} joined using this group['\u2019]s invite link$`), group: true },
  { re: new RegExp(`^${A} (?:changed|deleted) this group['\u2019]s icon$`), group: true },
  { re: new RegExp(`^${A} (?:changed|deleted) the group description$`), group: true },
  { re: new RegExp(`^${A} changed (?:this group['\u2019]s|the group) settings`), group: true },
  { re: new RegExp(`^(?:You['\u2019]re|${A} is) now an admin$`), group: true },
  { re: new RegExp(`^Your security code with ${A} changed\\.`) },
  { re: new RegExp(`^${A}['\u2019]s security code changed\\.`) },
  { re: new RegExp(`^${A} changed their phone number`) },
  { re: new RegExp(`^${A} changed to ${A}$`) },
  { re: new RegExp(`^${A} turned (?:on|off) disappearing messages\\.`) },
  { re: /^Disappearing messages were turned (?:on|off)\./ },
  { re: /^This (?:chat is with a business account|business (?:uses|is now using))/ },
  { re: new RegExp(`^${A} pinned a message$`) },
  { re: /^You (?:un)?blocked this contact\./ },
];

export interface SystemMatch {
  group: boolean;
  title?: string;
  standalone?: boolean;
}

/** Recognises an English system notice; `text` must already be free of leading marks. */
export function matchSystemNotice(text: string): SystemMatch | undefined {
  for (const p of SYSTEM_PATTERNS) {
    const m = p.re.exec(text);
    if (!m) continue;
    const title = p.title !== undefined ? m[p.title] : undefined;
    return { group: p.group === true, ...(title ? { title } : {}), ...(p.standalone ? { standalone: true } : {}) };
  }
  return undefined;
}

const DELETED = new Set([
  'This message was deleted',
  'You deleted this message',
  'Diese Nachricht wurde gelöscht',
  'Du hast diese Nachricht gelöscht',
  'Se eliminó este mensaje',
  'Eliminaste este mensaje',
  'Ce message a été supprimé',
  'Vous avez supprimé ce message',
  'Mensagem apagada',
  'Você apagou esta mensagem',
  'Questo messaggio è stato eliminato',
  'Hai eliminato questo messaggio',
]);

const EDITED_SUFFIX = /[\s\u200e\u200f]*<This message was edited>$/;

const IOS_ATTACHED = /^<(?:attached|Anhang|adjunto|pi[eè]ce jointe|anexo|allegato|bijlage):\s?([^<>]+)>$/;
const ANDROID_ATTACHED =
  /^(.+?\.[A-Za-z0-9]{1,10})(?:\s\u2022[^()]*)?\s\((?:file attached|Datei angehängt|archivo adjunto|fichier joint|arquivo anexado|file allegato|bestand bijgevoegd)\)$/;
const ANDROID_OMITTED = /^<(?:Media omitted|Medien ausgeschlossen|Medien weggelassen|Multimedia omitido|Médias omis|Mídia oculta|Media omessi|Media weggelaten)>$/;
const IOS_OMITTED = /^(image|video|audio|sticker|GIF|Contact card) omitted$/;
const IOS_DOCUMENT_OMITTED = /^(.+?)(?:\s\u2022.*)?\s+document omitted$/;
const CALL = /^(?:Missed (?:group )?(?:voice|video) call|(?:Voice|Video) call)\b/;
const LOCATION = /^(?:location|Location): (https?:\/\/\S+)$/;
const POLL = /^POLL:$/;

const OMITTED_TYPES: Record<string, MediaType> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  sticker: 'sticker',
  GIF: 'gif',
  'Contact card': 'contact',
};

export interface Content {
  kind: MessageKind;
  text?: string;
  edited?: boolean;
  attachments?: Attachment[];
  links?: string[];
}

/**
 * Classifies an authored message's content. `first` is the rest of the header line (leading marks
 * already removed), `more` the continuation lines.
 */
export function classifyContent(first: string, more: string[]): Content {
  let edited = false;
  let body = [first, ...more].join('\n');
  if (EDITED_SUFFIX.test(body)) {
    edited = true;
    body = body.replace(EDITED_SUFFIX, '');
  }
  const withEdited = <T extends Content>(c: T): T => (edited ? { ...c, edited } : c);

  if (more.length === 0 && DELETED.has(first.replace(/\.$/, ''))) return withEdited({ kind: 'deleted' });

  const [head = '', ...rest] = body.split('\n');
  const caption = rest.length > 0 ? rest.join('\n') : undefined;
  const attachment = attachmentMarker(head);
  if (attachment) {
    const kind: MessageKind =
      attachment.mediaType === 'sticker' ? 'sticker' : attachment.mediaType === 'contact' ? 'contact' : 'media';
    return withEdited(withText({ kind, attachments: [attachment] }, caption));
  }
  if (CALL.test(body)) return withEdited(withText({ kind: 'call' }, body));
  const location = LOCATION.exec(body);
  if (location) return withEdited({ kind: 'location', text: body, links: [location[1]!] });
  if (POLL.test(head) && rest.length > 0) return withEdited(withText({ kind: 'poll' }, body));
  return withEdited(withText({ kind: 'text' }, body));
}

function withText(c: Content, text: string | undefined): Content {
  if (text === undefined) return c;
  const links = findLinks(text);
  return { ...c, text, ...(links.length > 0 ? { links } : {}) };
}

/** Whether a line is one of the markers that stand for an attachment. */
export function attachmentMarker(line: string): Attachment | undefined {
  const ios = IOS_ATTACHED.exec(line);
  const android = ios ? null : ANDROID_ATTACHED.exec(line);
  const name = (ios ?? android)?.[1]?.trim();
  if (name) return namedAttachment(name);
  if (ANDROID_OMITTED.test(line)) return { status: 'omitted' };
  const omitted = IOS_OMITTED.exec(line);
  if (omitted) return { mediaType: OMITTED_TYPES[omitted[1]!]!, status: 'omitted' };
  const doc = IOS_DOCUMENT_OMITTED.exec(line);
  if (doc) return { name: doc[1]!.trim(), mediaType: 'document', status: 'omitted' };
  return undefined;
}

function namedAttachment(name: string): Attachment {
  const mime = mimeForName(name);
  return { name, mediaType: mediaTypeForName(name, mime), ...(mime ? { mime } : {}), status: 'not-loaded' };
}

/** WhatsApp names media by kind (IMG-…, PTT-…, 00000042-PHOTO-…); the extension decides the rest. */
export function mediaTypeForName(name: string, mime = mimeForName(name)): MediaType {
  const upper = name.toUpperCase();
  if (/^STK-|-STICKER-/.test(upper)) return 'sticker';
  if (/^PTT-/.test(upper) || mime === 'audio/ogg') return 'voice';
  if (/-GIF-/.test(upper)) return 'gif';
  if (mime === 'text/vcard') return 'contact';
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('video/')) return 'video';
  if (mime?.startsWith('audio/')) return 'audio';
  if (/^DOC-/.test(upper) || (mime !== undefined && mime.startsWith('application/'))) return 'document';
  return 'other';
}

const URL_RE = /\bhttps?:\/\/[^\s<>"]+/g;

/** http(s) links in a text, without the punctuation that usually ends the sentence around them. */
export function findLinks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    for (;;) {
      const last = url.at(-1);
      if (last !== undefined && '.,;:!?\'"'.includes(last)) url = url.slice(0, -1);
      else if (last === ')' && !url.includes('(')) url = url.slice(0, -1);
      else break;
    }
    if (/^https?:\/\/./.test(url) && !out.includes(url)) out.push(url);
  }
  return out;
}

const RTL_STRONG = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const STRONG = /\p{L}/u;

/** 'rtl' when the first strongly directional letter is right-to-left, else undefined (auto). */
export function rtlIfFirstStrong(text: string): 'rtl' | undefined {
  const m = STRONG.exec(text);
  return m && RTL_STRONG.test(m[0]) ? 'rtl' : undefined;
}
