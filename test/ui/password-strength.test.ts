import { describe, expect, it } from 'vitest';
import { MIN_CRACK_SECONDS, MIN_GUESSES_LOG10, secondsToGuess, type PasswordCheck } from '../../src/crypto/password';
import { describeGuessTime, toStrength } from '../../src/ui/password-strength';

const policy = { MIN_GUESSES_LOG10, MIN_CRACK_SECONDS };
const refused = (guessesLog10: number, warning?: string): PasswordCheck => ({
  ok: false,
  guessesLog10,
  score: 3,
  crackSeconds: secondsToGuess(guessesLog10),
  basis: 'zxcvbn',
  ...(warning ? { warning } : {}),
});

describe('describeGuessTime', () => {
  it('says roughly how long, in years for long times', () => {
    expect(describeGuessTime(0.2)).toBe('less than a second');
    expect(describeGuessTime(90)).toBe('about 2 minutes');
    expect(describeGuessTime(86400 * 40)).toBe('about 1 month');
    expect(describeGuessTime(MIN_CRACK_SECONDS)).toBe('about 317 years');
    expect(describeGuessTime(1e30)).toBe('longer than anyone will live');
  });
});

describe('toStrength', () => {
  it('states the requirement and this password’s estimate together', () => {
    const s = toStrength(refused(11, 'This is similar to a commonly used password.'), policy);
    expect(s.acceptable).toBe(false);
    expect(s.text).toBe(
      'Too weak for a key file that could be stolen. ChatSeal requires a password that takes at least 10¹⁶ guesses to find ' +
        '(about 317 years for a well-equipped attacker). This one could be guessed in about 1 day. ' +
        'This is similar to a commonly used password. Add more words, or use a suggested passphrase.',
    );
  });

  it('fills the meter by the share of the requirement; only an accepted password reaches the top', () => {
    expect([0, 3, 4, 8, 12, 15.9].map((g) => toStrength(refused(g), policy).level)).toEqual([0, 0, 1, 2, 3, 3]);
    const accepted: PasswordCheck = { ok: true, guessesLog10: 16.2, score: 4, crackSeconds: secondsToGuess(16.2), basis: 'zxcvbn' };
    expect(toStrength(accepted, policy)).toEqual({
      acceptable: true,
      level: 4,
      text: 'Strong enough: guessing it would take a well-equipped attacker about 502 years.',
    });
    expect(toStrength({ ...accepted, basis: 'generated' }, policy).text).toBe('Strong enough: a passphrase of random words.');
  });
});
