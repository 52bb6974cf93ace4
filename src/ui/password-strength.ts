// The page's view of the password policy. src/crypto/password.ts (zxcvbn-ts and its dictionaries)
// is imported on first use, so pages that never ask for a password never load it. The policy's
// own English sentences are rebuilt here from its numbers, through i18n.
import type { PasswordCheck } from '../crypto/password';
import { t } from './i18n';

export interface Strength {
  acceptable: boolean;
  /** 0 (very weak) … 4 (strong), for the meter; never 4 for a refused password. */
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
  return toStrength(await policy.checkPassword(password, { generated }));
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

/** "about 3 days", localised; very long times are said in years ("1,000,000 years"), then "forever". */
export function describeGuessTime(seconds: number): string {
  if (seconds < 1) return t('durationInstant');
  if (seconds > 1e12 * YEAR) return t('durationForever');
  for (const [unit, size] of DURATION_UNITS) {
    if (seconds >= size) {
      const n = Math.round(seconds / size);
      return new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(n);
    }
  }
  return t('durationInstant');
}

export function toStrength(check: PasswordCheck): Strength {
  const level = Math.max(0, Math.min(4, check.score)) as Strength['level'];
  const time = describeGuessTime(check.crackSeconds);
  if (check.ok) {
    return {
      acceptable: true,
      level,
      text: check.basis === 'generated' ? t('passwordStrongGenerated') : t('passwordStrong', time),
    };
  }
  // zxcvbn's own warning ("This is a top-100 common password.") comes from its English pack.
  const parts = [t('passwordWeak', time), check.warning, t('passwordWeakAdvice')].filter(Boolean);
  return { acceptable: false, level: Math.min(level, 3) as Strength['level'], text: parts.join(' ') };
}
