// WhatsApp Web writes times and dates as text in the page's language: data-pre-plain-text
// ("[10:54 PM, 12/9/2025] Alice: "), the time in a bubble ("10:54 PM", "13:57", "8:05 p. m."), and
// day chips ("12/9/2025", "Today", "Monday"). This module reads those strings; which of day and
// month comes first is decided for the whole chat elsewhere (finalize), because a single date such
// as 03/04/2026 cannot tell.
import type { DateOrder, DateParts } from '../../export/date-order';
import { fullYear } from '../../export/date-order';

/** Spaces WhatsApp (and ICU) put around times: ordinary, no-break, narrow no-break. */
const SP = '[\\s\\u00a0\\u202f]';
const MERIDIEM_WORDS = '午前|午後|오전|오후|上午|下午';
const TIME_RE = new RegExp(
  `^(?:(?<merPre>${MERIDIEM_WORDS})${SP}*)?(?<hour>\\d{1,2})[:.h](?<minute>\\d{2})` +
    `(?:${SP}*(?<merPost>[AaPp]\\.?${SP}?[Mm]\\.?|${MERIDIEM_WORDS}))?$`,
);
const DATE_RE = /^(?<a>\d{1,4})(?<sep>[./-])(?<b>\d{1,2})\k<sep>(?<c>\d{1,4})\.?$/;
// "[time, date] Sender: ". The sender may itself contain ": ", so it runs to the last one.
const PPT_RE = /^\[(?<first>[^\],]+),[\s\u00a0\u202f]*(?<second>[^\]]+)\][\s\u00a0\u202f]?(?<sender>.*?):[\s\u00a0\u202f]*$/s;

export interface ClockTime {
  hour: number;
  minute: number;
}

export interface PrePlainText {
  time: ClockTime;
  date: DateParts;
  sender: string;
}

const norm = (text: string) => text.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();

/** "10:54 PM", "13:57", "8:05 p. m.", "下午1:52" -> 24-hour clock; undefined when it is no time. */
export function parseClock(text: string): ClockTime | undefined {
  const g = TIME_RE.exec(norm(text))?.groups;
  if (!g) return undefined;
  let hour = Number(g.hour);
  const minute = Number(g.minute);
  const meridiem = g.merPre ?? g.merPost;
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    const pm = /^[Pp]|午後|오후|下午/.test(meridiem);
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

/** A date written with digits ("12/9/2025", "22.3.2026", "2026/3/22"), not yet ordered. */
export function parseDateParts(text: string): DateParts | undefined {
  const g = DATE_RE.exec(norm(text))?.groups;
  return g ? { a: g.a!, b: g.b!, c: g.c! } : undefined;
}

/** Reads a whole data-pre-plain-text value; undefined when it is not one. */
export function parsePrePlainText(value: string): PrePlainText | undefined {
  const g = PPT_RE.exec(value.replace(/^[\u200e\u200f]+/, ''))?.groups;
  if (!g) return undefined;
  // The web app writes the time first; accept the date first too (as the phone's export does).
  for (const [t, d] of [
    [g.first!, g.second!],
    [g.second!, g.first!],
  ] as const) {
    const time = parseClock(t);
    const date = parseDateParts(d);
    if (time && date) return { time, date, sender: norm(g.sender!) };
  }
  return undefined;
}

/** ISO calendar date for parts in a decided order, or undefined when no such day exists. */
export function isoDate(parts: DateParts, order: DateOrder): string | undefined {
  const lineOrder: DateOrder = parts.a.length === 4 ? 'ymd' : order === 'ymd' ? 'dmy' : order;
  const [y, m, d] =
    lineOrder === 'ymd' ? [parts.a, parts.b, parts.c] : lineOrder === 'dmy' ? [parts.c, parts.b, parts.a] : [parts.c, parts.a, parts.b];
  if (y.length !== 2 && y.length !== 4) return undefined;
  const year = fullYear(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

export const pad = (n: number) => String(n).padStart(2, '0');

export function isoMinute(date: string, time: ClockTime): string {
  return `${date}T${pad(time.hour)}:${pad(time.minute)}`;
}

// Day chips that name a day relative to today, in the languages the capture knows. WhatsApp
// shows them for the last week; older days get a date.
const TODAY = new Set(['today', 'hoje', 'heute', 'hoy', "aujourd'hui", 'oggi', 'vandaag']);
const YESTERDAY = new Set(['yesterday', 'ontem', 'gestern', 'ayer', 'hier', 'ieri', 'gisteren']);
const WEEKDAYS: ReadonlyArray<readonly string[]> = [
  ['sunday', 'domingo', 'sonntag', 'dimanche', 'domenica', 'zondag'],
  ['monday', 'segunda-feira', 'montag', 'lunes', 'lundi', 'lunedì', 'maandag'],
  ['tuesday', 'terça-feira', 'dienstag', 'martes', 'mardi', 'martedì', 'dinsdag'],
  ['wednesday', 'quarta-feira', 'mittwoch', 'miércoles', 'mercredi', 'mercoledì', 'woensdag'],
  ['thursday', 'quinta-feira', 'donnerstag', 'jueves', 'jeudi', 'giovedì', 'donderdag'],
  ['friday', 'sexta-feira', 'freitag', 'viernes', 'vendredi', 'venerdì', 'vrijdag'],
  ['saturday', 'sábado', 'samstag', 'samedi', 'sabato', 'zaterdag'],
];

export type DayLabel =
  | { kind: 'date'; parts: DateParts }
  | { kind: 'today' }
  | { kind: 'yesterday' }
  | { kind: 'weekday'; weekday: number };

/** What a day chip's words say, or undefined when they are no day (a notice, a divider). */
export function parseDayLabel(label: string): DayLabel | undefined {
  const text = norm(label);
  const parts = parseDateParts(text);
  if (parts) return { kind: 'date', parts };
  const word = text.toLocaleLowerCase('und').replace(/\s+/g, ' ');
  if (TODAY.has(word)) return { kind: 'today' };
  if (YESTERDAY.has(word)) return { kind: 'yesterday' };
  const weekday = WEEKDAYS.findIndex((names) => names.includes(word));
  if (weekday >= 0) return { kind: 'weekday', weekday };
  return undefined;
}

/** The local calendar date of an instant in a zone ("2026-11-26"). */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `date` moved by whole days (calendar arithmetic, no zone). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** A relative chip's date, counted back from `today` (weekdays: within the last week). */
export function resolveRelative(label: Exclude<DayLabel, { kind: 'date' }>, today: string): string {
  if (label.kind === 'today') return today;
  if (label.kind === 'yesterday') return addDays(today, -1);
  for (let back = 2; back <= 7; back++) {
    const day = addDays(today, -back);
    if (weekdayOf(day) === label.weekday) return day;
  }
  return addDays(today, -7);
}
