// Rough dates in the page, for the overlay's "back to 12 Mar 2024" and the optional "stop at this
// date". The export's real timestamps are decided in the worker by the adapter's finalize, with the
// whole chat in view; here a best reading of one row is enough.
import type { CapturedItem, RawTime } from './adapter';

/** Day-first or month-first when a written date fits both; from the page's language. */
function monthFirst(language: string): boolean {
  return /^en-(US|PH)|^en$/i.test(language);
}

/**
 * How to read a written date that fits both day-first and month-first: as the page's language
 * suggests ('guess', for the overlay), or as the later of the two days ('latest', for the history
 * range: a row that might be inside the chosen range never stops the capture, so a page whose
 * language misleads about the order can make it read on, never leave a gap).
 */
export type Reading = 'guess' | 'latest';

/** The calendar day a row shows, as YYYY-MM-DD, or null when the row alone does not tell. */
export function roughDay(time: RawTime, language = 'en-US', reading: Reading = 'guess'): string | null {
  if (typeof time.unix === 'number' && Number.isFinite(time.unix)) return isoDay(new Date(time.unix * 1000));
  if (time.datetime) {
    const ms = Date.parse(time.datetime);
    if (!Number.isNaN(ms)) return isoDay(new Date(ms));
  }
  if (time.prePlainText) {
    const day = writtenDay(time.prePlainText, language, reading);
    if (day) return day;
  }
  if (time.title) {
    const ms = Date.parse(time.title);
    if (!Number.isNaN(ms)) return isoDay(new Date(ms));
  }
  return null;
}

export function itemDay(item: CapturedItem, language?: string, reading: Reading = 'guess'): string | null {
  return item.type === 'message' ? roughDay(item.message.time, language, reading) : null;
}

/** "[10:15, 26/11/2026] Maya: " and its locale forms → the day, deciding the order as best it can. */
function writtenDay(text: string, language: string, reading: Reading): string | null {
  const m = /(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})/.exec(text);
  if (!m) return null;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let year: number, month: number, day: number;
  if (m[1]!.length === 4) [year, month, day] = [a, b, c];
  else {
    year = c < 100 ? 2000 + c : c;
    if (a > 12) [day, month] = [a, b];
    else if (b > 12) [month, day] = [a, b];
    else if (reading === 'latest') [month, day] = a >= b ? [a, b] : [b, a];
    else if (monthFirst(language)) [month, day] = [a, b];
    else [day, month] = [a, b];
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function isoDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
