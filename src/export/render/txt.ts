// A chatseal/1 document as WhatsApp-style text lines: `2026-11-26, 10:15:03 - Alice: text`. The
// date is ISO (year first) so the file is unambiguous in every locale, and the markers are the
// ones WhatsApp writes, so parseWhatsAppExport reads the file back to the same messages (time,
// sender, kind, text, edited, attachment names). Replies, reactions and forwarding have no
// WhatsApp text form and are left out, as WhatsApp's own export leaves them out.
import type { Attachment, ChatExport, Message } from '../types';

export interface TxtOptions {
  /**
   * For documents whose times carry an offset (timestampsAreLocal false): the IANA zone to show
   * them in. Without it, the wall-clock digits are written as they are in the document.
   */
  timeZone?: string;
}

const OMITTED_WORDS: Partial<Record<NonNullable<Attachment['mediaType']>, string>> = {
  image: 'image omitted',
  video: 'video omitted',
  gif: 'GIF omitted',
  audio: 'audio omitted',
  voice: 'audio omitted',
  sticker: 'sticker omitted',
  contact: 'Contact card omitted',
};

export function renderTxt(doc: ChatExport, opts: TxtOptions = {}): string {
  const out: string[] = [];
  for (const m of doc.messages) {
    const head = `${formatWhen(m.timestamp.value, m.timestamp.precision, opts.timeZone)} - `;
    if (m.kind === 'system') {
      out.push(head + (m.text ?? ''));
      continue;
    }
    const who = `${head}${senderName(m)}: `;
    const [first, ...others] = m.attachments ?? [];
    let body: string;
    if (m.kind === 'deleted') body = m.direction === 'out' ? 'You deleted this message' : 'This message was deleted';
    else if (first) body = attachmentLine(first) + (m.text !== undefined ? `\n${m.text}` : '');
    else body = m.text ?? '';
    if (m.edited) body += ' <This message was edited>';
    out.push(who + body);
    // WhatsApp writes one line per file of an album; so do we.
    for (const a of others) out.push(who + attachmentLine(a));
  }
  return out.map((line) => line + '\n').join('');
}

function senderName(m: Message): string {
  if (m.sender) return m.sender.name;
  return m.direction === 'out' ? 'You' : 'Unknown';
}

function attachmentLine(a: Attachment): string {
  if (a.name !== undefined) {
    return a.status === 'omitted' && a.mediaType === 'document' ? `${a.name} document omitted` : `${a.name} (file attached)`;
  }
  return (a.mediaType && OMITTED_WORDS[a.mediaType]) ?? '<Media omitted>';
}

const VALUE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `2026-11-26, 10:15:03`, `2026-11-26, 10:15` or `2026-11-26`, by precision. */
export function formatWhen(value: string, precision: string, timeZone?: string): string {
  const m = VALUE.exec(value);
  if (!m) return value;
  let [, date, hm, sec, offset] = m;
  if (offset !== undefined && timeZone !== undefined && hm !== undefined) {
    [date, hm, sec] = inZone(new Date(value), timeZone);
  }
  if (precision === 'day' || hm === undefined) return date!;
  return precision === 'second' ? `${date}, ${hm}${sec ?? ':00'}` : `${date}, ${hm}`;
}

function inZone(instant: Date, timeZone: string): [string, string, string] {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return [`${get('year')}-${get('month')}-${get('day')}`, `${get('hour')}:${get('minute')}`, `:${get('second')}`];
}
