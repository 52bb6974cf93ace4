// Day-or-month-first, decided once for a whole chat from every date it writes as digits (a day
// above 12 settles it; otherwise time order, then the locale). Shared by the WhatsApp export
// importer and the WhatsApp Web capture, which both see dates like "03/04/2026". Pure (type imports
// only), so a content script can carry it.
import type { Warning } from './types';

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

/** A date's three digit groups in the order written ("26/11/2026" -> a 26, b 11, c 2026). */
export interface DateParts {
  a: string;
  b: string;
  c: string;
}

export interface DateDecision {
  order: DateOrder;
  warning?: Warning;
}

const ORDER_WORDS: Record<DateOrder, string> = { dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year-month-day' };

/** Decides day/month order from every header in the file, the locale only as a last resort. */
export function decideDateOrder(headers: ReadonlyArray<DateParts>, locale: string): DateDecision {
  const triples = headers.filter((h) => h.a.length !== 4);
  if (triples.length === 0) return { order: 'ymd' };
  const firstOver12 = triples.filter((h) => Number(h.a) > 12).length;
  const secondOver12 = triples.filter((h) => Number(h.b) > 12).length;
  if (firstOver12 > 0 && secondOver12 === 0) return { order: 'dmy' };
  if (secondOver12 > 0 && firstOver12 === 0) return { order: 'mdy' };
  if (firstOver12 > 0 && secondOver12 > 0) {
    const order: DateOrder = firstOver12 >= secondOver12 ? 'dmy' : 'mdy';
    return {
      order,
      warning: {
        code: 'date-order-conflict',
        message:
          `Some dates only read as day/month and others only as month/day; ${ORDER_WORDS[order]} was used ` +
          'because more dates need it, and lines that do not fit it are listed as unparsed.',
      },
    };
  }
  // Every day is 12 or less. A chat file is in time order, so the reading under which dates
  // go backwards less often is the right one, when the two readings differ at all.
  const backwards = (order: 'dmy' | 'mdy') => {
    let count = 0;
    let previous = -1;
    for (const h of triples) {
      const [day, month] = order === 'dmy' ? [h.a, h.b] : [h.b, h.a];
      const ordinal = fullYear(h.c) * 10_000 + Number(month) * 100 + Number(day);
      if (ordinal < previous) count++;
      previous = ordinal;
    }
    return count;
  };
  const dmyBack = backwards('dmy');
  const mdyBack = backwards('mdy');
  if (dmyBack !== mdyBack) {
    const order: DateOrder = dmyBack < mdyBack ? 'dmy' : 'mdy';
    return {
      order,
      warning: {
        code: 'date-order-inferred',
        message:
          `No day in the file is above 12; dates were read as ${ORDER_WORDS[order]} because the other ` +
          'order would put messages out of time order.',
      },
    };
  }
  const order = localeDateOrder(locale);
  return {
    order,
    warning: {
      code: 'date-order-from-locale',
      message:
        `No day in the file is above 12, so dates read both as day/month and as month/day; ` +
        `they were read as ${ORDER_WORDS[order]}, the order of the locale ${locale}.`,
    },
  };
}

/** Whether a locale writes the day or the month first (year-first locales write the month first). */
export function localeDateOrder(locale: string): 'dmy' | 'mdy' {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' })
      .formatToParts(new Date(Date.UTC(2026, 10, 26)));
  } catch {
    return 'mdy'; // an invalid tag: fall back to en-US, like the default
  }
  const day = parts.findIndex((p) => p.type === 'day');
  const month = parts.findIndex((p) => p.type === 'month');
  return day < month ? 'dmy' : 'mdy';
}

export function fullYear(digits: string): number {
  return digits.length === 2 ? 2000 + Number(digits) : Number(digits);
}

