// The page's view of the password policy. src/crypto/password.ts (zxcvbn-ts and its dictionaries)
// is imported on first use, so pages that never ask for a password never load it. The policy's
// own English sentences are rebuilt here from its numbers, through i18n.
import type { PasswordCheck } from '../crypto/password';
import { t } from './i18n';

export interface Strength {
  acceptable: boolean;
  /** 0 … 4, for the meter: 4 is accepted; a refused password gets 0–3 by its share of the 10^16. */
  level: 0 | 1 | 2 | 3 | 4;
  /** A sentence for under the meter: how long guessing would take, and why it is refused. */
  text: string;
}

type PasswordModule = typeof import('../crypto/password');
let loading: Promise<PasswordModule> | null = null;
function load(): Promise<PasswordModule> {
  loading ??= import('../crypto/password');
  return loading;
}

export async function evaluatePassword(password: string, generated: boolean): Promise<Strength> {
  const policy = await load();
  return toStrength(await policy.checkPassword(password, { generated }), policy);
}

const YEAR = 365.25 * 86400;
const DURATION_UNITS: readonly [Intl.NumberFormatOptions['unit'] & string, number][] = [
  ['year', YEAR],
  ['month', 30.44 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/**
 * "about 3 days", "less than a second", "longer than anyone will live": how long a guess count
 * holds out, localised; long times stay in years ("about 31,688 years") so they compare at a glance.
 */
export function describeGuessTime(seconds: number): string {
  if (seconds < 1) return t('durationInstant');
  if (seconds > 1e12 * YEAR) return t('durationForever');
  for (const [unit, size] of DURATION_UNITS) {
    if (seconds >= size) {
      const n = Math.round(seconds / size);
      const amount = new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(n);
      return t('durationAbout', amount);
    }
  }
  return t('durationInstant');
}

/** 10^16 written as people read powers: "10¹⁶". */
function powerOfTen(exponent: number): string {
  const superscript = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `10${String(exponent).replace(/\d/gu, (d) => superscript[Number(d)]!)}`;
}

/** The policy's numbers the sentences name (passed in: the policy module is loaded lazily). */
export interface StrengthPolicy {
  MIN_GUESSES_LOG10: number;
  MIN_CRACK_SECONDS: number;
}

export function toStrength(check: PasswordCheck, policy: StrengthPolicy): Strength {
  const time = describeGuessTime(check.crackSeconds);
  if (check.ok) {
    return {
      acceptable: true,
      level: 4,
      text: check.basis === 'generated' ? t('passwordStrongGenerated') : t('passwordStrong', time),
    };
  }
  // The meter shows progress towards the requirement, not zxcvbn's score (which calls 10^10 "very
  // strong"): a refused password never reaches the top, however close it is.
  const level = Math.max(0, Math.min(3, Math.floor((4 * check.guessesLog10) / policy.MIN_GUESSES_LOG10))) as Strength['level'];
  const refusal = t('passwordWeak', [powerOfTen(policy.MIN_GUESSES_LOG10), describeGuessTime(policy.MIN_CRACK_SECONDS), time]);
  // zxcvbn's own warning ("This is a top-100 common password.") comes from its English pack.
  const parts = [refusal, check.warning, t('passwordWeakAdvice')].filter(Boolean);
  return { acceptable: false, level, text: parts.join(' ') };
}
