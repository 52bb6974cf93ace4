// The one way UI code reads user-facing text: t(messageKey, substitutions), from browser.i18n
// (public/_locales/<lang>/messages.json). Unit tests give WXT's fake browser the same English file
// (test/setup/i18n.ts), so this module has no test-only path.
import { browser } from 'wxt/browser';
import type englishMessages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof englishMessages;

export function t(key: MessageKey, substitutions?: string | readonly string[]): string {
  const subs = substitutions === undefined ? [] : typeof substitutions === 'string' ? [substitutions] : substitutions;
  const text = browser.i18n.getMessage(key, [...subs]);
  // A missing key yields ''; showing the key makes the gap visible instead of a blank control.
  return text || key;
}

/**
 * A message with a count, in the plural form the language needs: `<base>_one`, `<base>_other`
 * (English), and whichever of _zero, _two, _few, _many a translation adds, chosen by
 * Intl.PluralRules. The count is the first substitution, formatted; `more` follow it.
 */
export function tCount(base: CountedMessage, count: number, more: readonly string[] = []): string {
  const category = pluralRules.select(count);
  const subs = [formatNumber(count), ...more];
  const specific = `${base}_${category}` as MessageKey;
  const text = browser.i18n.getMessage(specific, subs);
  return text || t(`${base}_other` as MessageKey, subs);
}

export type CountedMessage = { [K in MessageKey]: K extends `${infer B}_other` ? B : never }[MessageKey];

const pluralRules = new Intl.PluralRules(undefined);

// Dates and numbers follow the browser's language through Intl (undefined = the default locale).
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const numberFormat = new Intl.NumberFormat(undefined);

export function formatDate(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(date.getTime()) ? String(iso) : dateFormat.format(date);
}

export function formatDateTime(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(date.getTime()) ? String(iso) : dateTimeFormat.format(date);
}

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

/** Sizes in the units people read (kB, MB, GB; decimal, as file managers show them). */
export function formatBytes(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: units[unit],
    // "206 bytes" but "2.1 MB": the short form of byte ("byte") reads like a mistake.
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
