// What a user types or pastes as a key, turned into a seed or a precise refusal. Every check here
// is cheap and happens before any cryptographic work (HKDF, scrypt, decryption), so a mistyped key
// is explained at once rather than after a slow failure.
import { hexValue } from './bytes';
import { DIGIT_COUNT, GROUP_SIZE, identityToSeed, InvalidIdentityError, type KeyType } from './keys';

export type KeyInputResult =
  | { ok: true; seed: Uint8Array; type?: KeyType }
  | KeyInputError;

export type KeyInputError =
  | { ok: false; reason: 'empty'; detail: string }
  /** `found` counts the key's characters after spaces, dashes and line breaks are removed. */
  | { ok: false; reason: 'length'; detail: string; found: number; expected: number }
  /**
   * `char` is the first character that cannot be in a key; `group` its 1-based group of 4 (counted
   * like the displayed key; for an age identity, the position in the identity's data part).
   * `hint: 'recipient'` when the text is a public recipient (age1…) rather than a key.
   */
  | { ok: false; reason: 'alphabet'; detail: string; char: string; position: number; group: number; hint?: 'recipient' }
  | { ok: false; reason: 'checksum'; detail: string };

// Separators people type or that text from PDFs, chat apps and word processors bring along:
// whitespace (including NBSP, narrow NBSP, ideographic space, line/paragraph separators), zero-width
// characters, and every dash-like character.
const SEPARATORS = /[\s\u200b-\u200d\u2060\ufeff\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/gu;

// Bech32's data alphabet (no 1, b, i, o).
const BECH32_ALPHABET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

const IDENTITY_FORMS: readonly { compact: string; canonical: string; type: KeyType }[] = [
  // Checked longest first: "AGESECRETKEY1" is not a prefix of the PQ form, but be explicit.
  { compact: 'AGESECRETKEYPQ1', canonical: 'AGE-SECRET-KEY-PQ-1', type: 'pq' },
  { compact: 'AGESECRETKEY1', canonical: 'AGE-SECRET-KEY-1', type: 'classic' },
];

/** Removes comment lines (as in an age identity file) and every separator; NFKC folds full-width forms. */
export function compactKeyText(text: string): string {
  const withoutComments = text
    .split(/\r\n|\r|\n|\u2028|\u2029/u)
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('');
  return withoutComments.normalize('NFKC').replace(SEPARATORS, '');
}

export function parseKeyInput(text: string): KeyInputResult {
  const compact = compactKeyText(text);
  if (compact.length === 0) return { ok: false, reason: 'empty', detail: 'No key was entered.' };

  const upper = compact.toUpperCase();
  for (const form of IDENTITY_FORMS) {
    if (upper.startsWith(form.compact)) return parseIdentity(upper.slice(form.compact.length), form);
  }

  if (/^AGE1/u.test(upper)) {
    return {
      ok: false,
      reason: 'alphabet',
      detail: 'This is a public recipient (age1…), which cannot open backups; enter the 64-digit key.',
      char: compact[1]!,
      position: 2,
      group: 1,
      hint: 'recipient',
    };
  }

  // Alphabet before length: a letter O typed for a zero is the likelier mistake, and naming it helps
  // more than a count.
  for (let i = 0; i < compact.length; i++) {
    if (hexValue(compact.charCodeAt(i)) < 0) {
      const char = String.fromCodePoint(compact.codePointAt(i)!);
      const group = Math.floor(i / GROUP_SIZE) + 1;
      return {
        ok: false,
        reason: 'alphabet',
        detail: `"${char}" (in group ${group}) cannot be part of a key: keys use only 0–9 and a–f.`,
        char,
        position: i + 1,
        group,
      };
    }
  }
  if (compact.length !== DIGIT_COUNT) {
    return {
      ok: false,
      reason: 'length',
      detail: `Found ${compact.length} digits; a key has ${DIGIT_COUNT}.`,
      found: compact.length,
      expected: DIGIT_COUNT,
    };
  }
  const seed = new Uint8Array(DIGIT_COUNT / 2);
  for (let i = 0; i < seed.length; i++) {
    seed[i] = (hexValue(compact.charCodeAt(2 * i)) << 4) | hexValue(compact.charCodeAt(2 * i + 1));
  }
  return { ok: true, seed };
}

function parseIdentity(data: string, form: { canonical: string; type: KeyType }): KeyInputResult {
  const lower = data.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    if (!BECH32_ALPHABET.includes(lower[i]!)) {
      const char = String.fromCodePoint(data.codePointAt(i)!);
      const group = Math.floor(i / GROUP_SIZE) + 1;
      return {
        ok: false,
        reason: 'alphabet',
        detail: `"${char}" (character ${i + 1} after ${form.canonical}) cannot be part of an age identity.`,
        char,
        position: i + 1,
        group,
      };
    }
  }
  try {
    const { seed, type } = identityToSeed(form.canonical + data);
    return { ok: true, seed, type };
  } catch (e) {
    if (!(e instanceof InvalidIdentityError)) throw e;
    // A character missing or added breaks the checksum as surely as a changed one; both mean
    // "this identity was not copied exactly", which is what the user needs to hear.
    return {
      ok: false,
      reason: 'checksum',
      detail: `This ${form.canonical}… key was not copied exactly (its checksum does not match). Check it character by character.`,
    };
  }
}
