import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import messages from '../../public/_locales/en/messages.json';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { formatBytes, t, tCount } from '../../src/ui/i18n';
import { formatMessage, getMessage } from '../setup/i18n';

type Entry = { message: string; placeholders?: Record<string, { content: string }> };
const all = messages as Record<string, Entry>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('t()', () => {
  it('reads the real English messages in tests', () => {
    expect(t('methodKey')).toBe('Use a 64-digit key (recommended)');
    expect(t('setupLoseWarning')).toBe(
      'If you lose your 64-digit key or password, nobody — not ChatSeal, not Google — can restore your backups.',
    );
  });

  it('applies placeholders in the order the browser does', () => {
    expect(t('confirmLegend', ['3', '11'])).toBe('Type groups 3 and 11 to confirm you saved it');
    expect(t('groupLabel', '7')).toBe('Group 7');
  });

  it('reads through browser.i18n (the test setup gives the fake browser the English file)', () => {
    expect(fakeBrowser.i18n.getMessage).toBe(getMessage);
    expect(getMessage('groupLabel', ['7'])).toBe('Group 7');
    expect(getMessage('groupLabel', '7')).toBe('Group 7');
    expect(getMessage('noSuchMessage')).toBe('');
    expect(getMessage('constructor')).toBe('');
  });

  it('formats like chrome.i18n: named placeholders (any case), then $1…$9 anywhere, and $$', () => {
    const entry = { message: 'Pay $AMOUNT$$$ to $Who$ (also $1)', placeholders: { amount: { content: '$1' }, who: { content: '$2' } } };
    expect(formatMessage(entry, ['5', 'Ana'])).toBe('Pay 5$ to Ana (also 5)');
    // An undeclared $NAME$ is mangled, as Chromium would mangle it (the messages.json test below
    // refuses undeclared placeholders).
    expect(formatMessage({ message: 'Hi $NAME$' }, ['x'])).toBe('Hi AME');
    expect(formatMessage({ message: 'a $$$ b $3 c $x d $' }, ['1'])).toBe('a $$ b  c  d ');
  });

  it('shows the key itself for a message that is missing, rather than nothing', () => {
    expect(t('noSuchMessage' as never)).toBe('noSuchMessage');
  });

  it('picks the plural form by Intl.PluralRules', () => {
    expect(tCount('importMessageCount', 1)).toBe('1 message');
    expect(tCount('importMessageCount', 1200)).toBe('1,200 messages');
    expect(tCount('importMediaFiles', 2, ['206 bytes'])).toBe('2 files (206 bytes)');
  });

  it('formats sizes with Intl', () => {
    expect(formatBytes(206)).toBe('206 bytes');
    expect(formatBytes(2_100_000)).toMatch(/^2\.1\s?MB$/);
  });
});

describe('messages.json', () => {
  it('has every key the UI asks for', () => {
    const used = new Set<string>();
    for (const file of [...sourceFiles('src/ui'), ...sourceFiles('src/import'), ...sourceFiles('entrypoints')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([A-Za-z0-9]+)'/g)) used.add(m[1]!);
      // Counted messages need at least the _one and _other forms English uses.
      for (const m of text.matchAll(/\btCount\('([A-Za-z0-9]+)'/g)) used.add(`${m[1]}_one`).add(`${m[1]}_other`);
      // Keys held in lookup tables ('kitTypePq', 'warnMeUnknown', …; counted ones by their base)
      for (const m of text.matchAll(/:\s*'((?:kit|warn)[A-Z][A-Za-z0-9]+)'/g)) {
        if (m[1]! in all) used.add(m[1]!);
        else used.add(`${m[1]}_one`).add(`${m[1]}_other`);
      }
    }
    expect(used.size).toBeGreaterThan(150);
    const missing = [...used].filter((k) => !(k in all));
    expect(missing).toEqual([]);
  });

  it('declares exactly the placeholders each message uses, numbered from $1', () => {
    for (const [key, entry] of Object.entries(all)) {
      const named = [...entry.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)].map((m) => m[1]!.toLowerCase());
      expect(new Set(named), key).toEqual(new Set(Object.keys(entry.placeholders ?? {})));
      const contents = Object.values(entry.placeholders ?? {}).map((p) => p.content).sort();
      expect(contents, key).toEqual(contents.map((_c, i) => `$${i + 1}`));
    }
  });

  it('keeps "age", "recipient" and "identity" off the main path (Advanced and the recovery kit only)', () => {
    const expertOnly = new Set(['recipientLabel', 'recipientHint', 'keyTypePqHint', 'keyTypeClassic', 'keyTypeClassicHint']);
    const offenders = Object.entries(all)
      .filter(([key]) => !key.startsWith('kit') && !expertOnly.has(key))
      .filter(([, entry]) => /\bage\b|recipient|identit/i.test(entry.message))
      .map(([key]) => key);
    expect(offenders).toEqual([]);
  });
});
