// What the import page shows before encrypting: counts and dates from the parsed chat, read only
// in page memory.
import type { ChatExport, Warning } from '../export/types';
import { importWhatsAppFile, type ChosenDateOrder, type WhatsAppFile } from '../export/whatsapp-import';
import { referencedMediaNames } from '../export/whatsapp-zip';

export interface ImportSummary {
  title: string;
  messages: number;
  /** Timestamp values (local, no zone) of the first and last message, or null for an empty chat. */
  first: string | null;
  last: string | null;
  participants: string[];
  /** Files beside the chat in the zip (0 for a .txt). */
  mediaFiles: number;
  mediaBytes: number;
  /** Attachments the chat text names (by file name). */
  mediaNamed: number;
  /** Of those, the ones a .zip does not hold (a .txt's are all "not included", a warning of its own). */
  mediaMissing: number;
  unreadableLines: number;
  warnings: Warning[];
  /**
   * Set when every day in the file is 12 or less and nothing in it tells the order, so the user
   * should choose: the order used now, whether the user chose it (else the browser's locale did),
   * and the first and last message date under each reading, to judge by.
   */
  dateOrder: DateOrderChoice | null;
}

export interface DateOrderChoice {
  order: ChosenDateOrder;
  chosen: boolean;
  ranges: Record<ChosenDateOrder, { first: string | null; last: string | null }>;
}

// Facts every WhatsApp export shares, which the summary says in its own words instead.
const NOT_WORTH_A_WARNING = new Set(['timestamps-local', 'unparsed-lines']);
// What the date order choice says itself.
const DATE_ORDER_OPEN = new Set(['date-order-from-locale', 'date-order-chosen']);

function range(doc: ChatExport): { first: string | null; last: string | null } {
  return { first: doc.messages[0]?.timestamp.value ?? null, last: doc.messages.at(-1)?.timestamp.value ?? null };
}

/** Both readings of a file whose dates fit either order; null when the file itself decides. */
function dateOrderChoice(file: WhatsAppFile, doc: ChatExport): DateOrderChoice | null {
  const open = doc.capture.warnings.find((w) => DATE_ORDER_OPEN.has(w.code));
  const order = doc.capture.dateOrder;
  if (open === undefined || (order !== 'dmy' && order !== 'mdy')) return null;
  // Only a file with every day at most 12 gets here: short chats, so parsing twice more is cheap.
  return {
    order,
    chosen: open.code === 'date-order-chosen',
    ranges: { dmy: range(importWhatsAppFile(file, { dateOrder: 'dmy' })), mdy: range(importWhatsAppFile(file, { dateOrder: 'mdy' })) },
  };
}

export function summarizeImport(file: WhatsAppFile, doc: ChatExport): ImportSummary {
  const stamps = doc.messages.map((m) => m.timestamp.value);
  const named = referencedMediaNames(doc);
  const inZip = new Set(file.media.map((m) => m.name.normalize('NFC')));
  const mediaMissing = file.kind === 'zip' ? named.filter((n) => !inZip.has(n.normalize('NFC'))).length : 0;
  // The backup writer records this as a 'media-missing' warning once the media are stored; say it
  // here too, so the user can pick a better file before encrypting.
  const dateOrder = dateOrderChoice(file, doc);
  const warnings = doc.capture.warnings.filter((w) => !NOT_WORTH_A_WARNING.has(w.code) && !(dateOrder !== null && DATE_ORDER_OPEN.has(w.code)));
  if (mediaMissing > 0 && !warnings.some((w) => w.code === 'media-missing')) {
    warnings.push({ code: 'media-missing', message: `${mediaMissing} attachments name files the export did not include.`, count: mediaMissing });
  }
  return {
    title: doc.conversation.title,
    messages: doc.messages.length,
    first: stamps[0] ?? null,
    last: stamps[stamps.length - 1] ?? null,
    participants: doc.conversation.participants.map((p) => p.name),
    mediaFiles: file.media.length,
    mediaBytes: file.media.reduce((sum, m) => sum + m.size, 0),
    mediaNamed: named.length,
    mediaMissing,
    unreadableLines: doc.capture.unparsedLines.length,
    warnings,
    dateOrder,
  };
}

/**
 * A local timestamp value (2026-11-26T10:15[:03]) as a Date in the browser's zone, for Intl
 * formatting. The export keeps times as written; showing them needs a Date, and reading the
 * value as local time shows exactly what was written.
 */
export function localTimestampToDate(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/u.exec(value);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  return new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}
