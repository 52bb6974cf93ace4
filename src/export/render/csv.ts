// A chatseal/1 document as CSV (RFC 4180: comma-separated, CRLF between records, fields with a
// comma, quote or line break quoted, quotes doubled). Chat text is untrusted, and spreadsheets run
// a cell that starts with = + - @ (or a tab or carriage return) as a formula, so such cells get a
// leading apostrophe, which spreadsheets show as plain text.
import type { Attachment, ChatExport, Message } from '../types';

export interface CsvOptions {
  /**
   * Start with a UTF-8 byte order mark (default true): without it, Excel reads UTF-8 as a legacy
   * code page and mangles emoji, Arabic, Hebrew and accents.
   */
  bom?: boolean;
}

export const CSV_COLUMNS = [
  'key',
  'timestamp',
  'precision',
  'direction',
  'sender',
  'kind',
  'text',
  'edited',
  'forwarded',
  'reply_to',
  'attachments',
  'media_paths',
  'links',
  'reactions',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function renderCsv(doc: ChatExport, opts: CsvOptions = {}): string {
  const rows = [CSV_COLUMNS.map(csvCell).join(',')];
  for (const m of doc.messages) rows.push(row(m).map(csvCell).join(','));
  return (opts.bom === false ? '' : '\ufeff') + rows.map((r) => `${r}\r\n`).join('');
}

function row(m: Message): string[] {
  const yes = (b: boolean | undefined) => (b ? 'yes' : '');
  const attachments = m.attachments ?? [];
  return [
    m.key,
    m.timestamp.value,
    m.timestamp.precision,
    m.direction,
    m.sender?.name ?? '',
    m.kind,
    m.text ?? '',
    yes(m.edited),
    m.forwardedFrom ?? yes(m.forwarded),
    m.replyTo ?? '',
    attachments.map(describe).join('; '),
    attachments.flatMap((a) => (a.path !== undefined ? [a.path] : [])).join('; '),
    (m.links ?? []).join(' '),
    (m.reactions ?? []).map((r) => `${r.emoji} ${r.count}`).join('; '),
  ];
}

function describe(a: Attachment): string {
  return `${a.name ?? a.mediaType ?? 'attachment'} (${a.status})`;
}
