// Password policy for password mode. The key file can be copied out of Drive or the profile and
// attacked offline, with no HSM to limit guesses as WhatsApp has, so a password must resist
// 10^16 guesses (zxcvbn-ts estimate). A passphrase we generated is judged by its known entropy
// instead, since zxcvbn ranks word-list words by their position in its list and so underrates them.
//
// zxcvbn-ts and its dictionaries are ~1.5 MB: they are imported on first use only, so the worker and
// pages that never check a password do not load them.
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

export const MIN_GUESSES_LOG10 = 16;
export const MIN_PASSPHRASE_WORDS = 6;
export const MIN_PASSPHRASE_BITS = 60;
export const DEFAULT_PASSPHRASE_WORDS = 7;
export const PASSPHRASE_SEPARATOR = '-';

/**
 * Guesses per second of the "well-equipped attacker" the refusal message names: someone holding a
 * stolen key file and renting or owning a GPU cluster. One guess is one scrypt at N = 2^18, r = 8,
 * p = 1 (256 MiB of memory-hard work; age's parameters for our key file). hashcat's Ethereum
 * wallet mode (15700) runs exactly that scrypt, and a current high-end GPU manages tens of those a
 * second; we round up to 100 per GPU and assume 10,000 GPUs: 10^6 guesses a second. At that rate
 * the 10^16 floor is about 317 years. This only turns guess counts into the times the messages
 * show; the policy itself is MIN_GUESSES_LOG10.
 */
export const ATTACKER_GUESSES_PER_SECOND = 1e6;

// Words people associate with this app are the first a targeted guesser tries.
const USER_INPUTS = ['chatseal', 'chat', 'seal', 'whatsapp', 'backup', 'backups', 'google', 'drive', 'password', 'key'];

export interface PasswordCheck {
  ok: boolean;
  guessesLog10: number;
  /** zxcvbn's 0–4 score (4 for an accepted generated passphrase), for the strength meter. */
  score: 0 | 1 | 2 | 3 | 4;
  /** Seconds to guess at ATTACKER_GUESSES_PER_SECOND (MIN_CRACK_SECONDS is the floor's). */
  crackSeconds: number;
  /** How it was judged: zxcvbn's estimate, or a generated passphrase's known entropy. */
  basis: 'zxcvbn' | 'generated';
  /** Present when refused: zxcvbn's feedback and the time to guess it, in plain English. */
  reason?: string;
  warning?: string;
  suggestions?: string[];
}

let factory: Promise<{ zxcvbn: ZxcvbnFactory; wordList: readonly string[] }> | undefined;

/** Loads zxcvbn-ts once. The passphrase word list comes from the same package (see below). */
function load(): Promise<{ zxcvbn: ZxcvbnFactory; wordList: readonly string[] }> {
  factory ??= (async () => {
    const [core, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const zxcvbn = new core.ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
      // Levenshtein matching (whole password near a dictionary word) made each check 3–5× slower
      // here (200–900 ms), too slow for a meter updated while typing, and the passwords it catches
      // are far below 10^16 anyway.
      useLevenshteinDistance: false,
    });
    // Word list: EFF's large diceware list as zxcvbn-ts ships it ('diceware-common', 7,776 words of
    // 3–9 lowercase letters, no duplicates). It is already a dependency (no second word list to
    // ship), it was made for this purpose (memorable, distinct words), and zxcvbn knows it, so the
    // strength meter treats a generated passphrase's words as the dictionary words they are.
    // 7,776 words = log2(7776) ≈ 12.9 bits a word: 6 words ≈ 77.5 bits, 7 words ≈ 90.5 bits.
    const wordList = common.dictionary['diceware-common'];
    return { zxcvbn, wordList };
  })();
  return factory;
}

export async function passphraseWordList(): Promise<readonly string[]> {
  return (await load()).wordList;
}

/** Known entropy of a passphrase of `words` words drawn uniformly, with repetition, from the list. */
export function passphraseBits(words: number, listSize: number): number {
  return words * Math.log2(listSize);
}

/** Uniform index in [0, n) from the platform CSPRNG, by rejection (no modulo bias). */
function randomIndex(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % n;
  }
}

/** A passphrase of `words` random words from the diceware list, joined by "-". */
export async function suggestPassphrase(words = DEFAULT_PASSPHRASE_WORDS): Promise<string> {
  const { wordList } = await load();
  if (!Number.isInteger(words) || passphraseBits(words, wordList.length) < MIN_PASSPHRASE_BITS || words < MIN_PASSPHRASE_WORDS) {
    throw new RangeError(`a suggested passphrase has at least ${MIN_PASSPHRASE_WORDS} words`);
  }
  return Array.from({ length: words }, () => wordList[randomIndex(wordList.length)]!).join(PASSPHRASE_SEPARATOR);
}

/**
 * Judges a password. `generated: true` says the caller offered it from suggestPassphrase; it is then
 * accepted by its known entropy if, and only if, it has exactly that shape (6+ list words joined by
 * "-", >= 60 bits). Anything else, or a flag on text that does not have that shape, is judged by
 * zxcvbn. (The flag cannot make a weak password pass: a user who picks six list words themselves
 * chooses from far fewer than 7,776^6, which is why the service only sets it for passphrases it
 * suggested itself.)
 */
export async function checkPassword(password: string, opts: { generated?: boolean } = {}): Promise<PasswordCheck> {
  const { zxcvbn, wordList } = await load();
  if (opts.generated) {
    const words = password.split(PASSPHRASE_SEPARATOR);
    const listed = new Set(wordList);
    const bits = passphraseBits(words.length, wordList.length);
    if (words.length >= MIN_PASSPHRASE_WORDS && bits >= MIN_PASSPHRASE_BITS && words.every((w) => listed.has(w))) {
      const guessesLog10 = bits * Math.log10(2);
      return { ok: true, guessesLog10, score: 4, crackSeconds: secondsToGuess(guessesLog10), basis: 'generated' };
    }
  }
  const result: ZxcvbnResult = zxcvbn.check(password, USER_INPUTS);
  const guessesLog10 = result.guessesLog10;
  const crackSeconds = secondsToGuess(guessesLog10);
  const score = result.score as PasswordCheck['score'];
  if (guessesLog10 >= MIN_GUESSES_LOG10) return { ok: true, guessesLog10, score, crackSeconds, basis: 'zxcvbn' };
  const warning = result.feedback.warning ?? undefined;
  const suggestions = result.feedback.suggestions.length
    ? result.feedback.suggestions
    : ['Add more words or characters, or use a suggested passphrase.'];
  const reason = [
    `Too weak for a key file that could be stolen: ChatSeal requires a password that takes at least ` +
      `10^${MIN_GUESSES_LOG10} guesses to find (${roughly(MIN_CRACK_SECONDS)} for a well-equipped attacker); ` +
      `this one could be guessed in ${roughly(crackSeconds)}.`,
    warning,
    ...suggestions,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    ok: false,
    guessesLog10,
    // The meter must not look full for a refused password: zxcvbn calls 10^10 "very strong" (4).
    score: Math.min(score, 3) as PasswordCheck['score'],
    crackSeconds,
    basis: 'zxcvbn',
    reason,
    ...(warning ? { warning } : {}),
    suggestions,
  };
}

/** Seconds to try 10^guessesLog10 guesses at ATTACKER_GUESSES_PER_SECOND. */
export function secondsToGuess(guessesLog10: number): number {
  return 10 ** guessesLog10 / ATTACKER_GUESSES_PER_SECOND;
}

/** How long the weakest acceptable password holds out: about 317 years. */
export const MIN_CRACK_SECONDS = secondsToGuess(MIN_GUESSES_LOG10);

const UNITS: readonly [string, number][] = [
  ['year', 365.25 * 86400],
  ['month', 30.44 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "about 3 days", "less than a second" (English). */
function roughly(seconds: number): string {
  return seconds < 1 ? 'less than a second' : `about ${describeDuration(seconds)}`;
}

/** "3 days", "an instant", "31,688 years" (English, in the units the pages use; they localise from crackSeconds). */
export function describeDuration(seconds: number): string {
  if (seconds < 1) return 'an instant';
  for (const [unit, size] of UNITS) {
    if (seconds >= size) {
      const n = Math.round(seconds / size);
      return `${n.toLocaleString('en-US')} ${n === 1 ? unit : `${unit}s`}`;
    }
  }
  return 'an instant';
}
