// Unit tests run against WXT's fake browser, which has no i18n. This gives it one: getMessage reads
// public/_locales/en/messages.json and substitutes the way Chromium does, so components under test
// show the real English words and src/ui/i18n.ts needs no test-only branch.
import { fakeBrowser } from 'wxt/testing/fake-browser';
import englishMessages from '../../public/_locales/en/messages.json';

export interface MessageEntry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

const messages: Record<string, MessageEntry> = englishMessages;

/**
 * chrome.i18n's rules. Loading the file turns `$name$` (any case) into its placeholder's content (a
 * `$name$` without one stays: the messages.json test refuses those). Each call then applies
 * Chromium's base::ReplaceStringPlaceholders to the whole text: `$1`…`$9` become the
 * substitutions (missing ones nothing), a run of n+1 `$` becomes n `$`, and `$` before any other
 * character is dropped with that character.
 */
export function formatMessage(entry: MessageEntry, substitutions: readonly string[]): string {
  const loaded = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/gu, (match, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? placeholder.content : match;
  });
  let out = '';
  for (let i = 0; i < loaded.length; i++) {
    if (loaded[i] !== '$') {
      out += loaded[i];
      continue;
    }
    const next = loaded[++i];
    if (next === undefined) break;
    if (next === '$') {
      while (loaded[i] === '$') {
        out += '$';
        i++;
      }
      i--;
    } else if (next >= '1' && next <= '9') {
      out += substitutions[Number(next) - 1] ?? '';
    }
  }
  return out;
}

/** browser.i18n.getMessage: '' for an unknown name, like the browser. */
export function getMessage(name: string, substitutions?: string | readonly string[]): string {
  const entry = Object.hasOwn(messages, name) ? messages[name] : undefined;
  if (!entry) return '';
  const subs = substitutions === undefined ? [] : typeof substitutions === 'string' ? [substitutions] : substitutions;
  return formatMessage(entry, subs.map(String));
}

(fakeBrowser.i18n as { getMessage: typeof getMessage }).getMessage = getMessage;
