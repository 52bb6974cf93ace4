import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ATTACKER_GUESSES_PER_SECOND,
  checkPassword,
  describeDuration,
  MIN_CRACK_SECONDS,
  MIN_GUESSES_LOG10,
  passphraseBits,
  passphraseWordList,
  suggestPassphrase,
} from '../../src/crypto/password';

describe('checkPassword (zxcvbn policy: 10^16 guesses)', () => {
  it('refuses a common password with zxcvbn feedback and the time to guess it', async () => {
    const r = await checkPassword('password');
    expect(r.ok).toBe(false);
    expect(r.basis).toBe('zxcvbn');
    expect(r.guessesLog10).toBeLessThan(2);
    expect(r.warning).toBe('This is a heavily used password.');
    expect(r.reason).toContain('This is a heavily used password.');
    expect(r.reason).toMatch(
      /^Too weak for a key file that could be stolen: ChatSeal requires a password that takes at least 10\^16 guesses to find \(about 317 years for a well-equipped attacker\); this one could be guessed in less than a second\. /,
    );
  });

  it('states the requirement and the estimate at one attacker rate: scrypt 2^18 on 10,000 GPUs', () => {
    expect(ATTACKER_GUESSES_PER_SECOND).toBe(1e6);
    expect(MIN_CRACK_SECONDS).toBe(1e10);
    expect(MIN_CRACK_SECONDS / (365.25 * 86400)).toBeCloseTo(316.9, 1);
  });

  it('refuses a classic "strong" password zxcvbn scores 4, saying how long it would last', async () => {
    const r = await checkPassword('Tr0ub4dor&3');
    expect(r.ok).toBe(false);
    expect(r.guessesLog10).toBeCloseTo(11, 0);
    expect(r.score).toBeLessThanOrEqual(3); // a refused password never fills the meter
    // 10^11 guesses at 10^6 a second: about a day, next to the 317 years the policy asks for.
    expect(r.crackSeconds).toBeCloseTo(10 ** r.guessesLog10 / 1e6, 0);
    expect(r.reason).toMatch(/\(about 317 years for a well-equipped attacker\); this one could be guessed in about \d+ (hours?|days?)\./);
    expect(r.suggestions?.length).toBeGreaterThan(0);
  });

  it('penalises words tied to this app', async () => {
    const plain = await checkPassword('zq7chatsealwhatsapp');
    const other = await checkPassword('zq7qmkthvlcrpwnbdxf');
    expect(plain.guessesLog10).toBeLessThan(other.guessesLog10);
  });

  it('accepts a random 20-character password; refuses many random 15-character ones', async () => {
    const ok = await checkPassword('gT5vN8qZ3wE1xK7mB2cJ');
    expect(ok).toMatchObject({ ok: true, basis: 'zxcvbn' });
    expect(ok.guessesLog10).toBeGreaterThanOrEqual(MIN_GUESSES_LOG10);
    expect(ok.reason).toBeUndefined();
    const short = await checkPassword('kX9mQ2vL7pR4wZ8');
    expect(short.ok).toBe(false);
    expect(short.guessesLog10).toBeLessThan(MIN_GUESSES_LOG10);
  });

  it('uses the password exactly as given (spaces count)', async () => {
    const a = await checkPassword('gT5vN8qZ3wE1xK7mB2cJ');
    const b = await checkPassword('  gT5vN8qZ3wE1xK7mB2cJ  ');
    expect(b.guessesLog10).toBeGreaterThanOrEqual(a.guessesLog10);
  });
});

describe('generated passphrases', () => {
  it('the word list is the 7,776-word diceware list, lowercase and unique', async () => {
    const list = await passphraseWordList();
    expect(list).toHaveLength(7776);
    expect(new Set(list).size).toBe(7776);
    for (const w of list) expect(w).toMatch(/^[a-z]{3,9}$/);
  });

  it('suggests 7 distinct-looking words by default, 6 on request, and refuses fewer', async () => {
    const list = new Set(await passphraseWordList());
    const p = await suggestPassphrase();
    const words = p.split('-');
    expect(words).toHaveLength(7);
    for (const w of words) expect(list.has(w)).toBe(true);
    expect((await suggestPassphrase(6)).split('-')).toHaveLength(6);
    await expect(suggestPassphrase(5)).rejects.toThrow(RangeError);
    await expect(suggestPassphrase(6.5)).rejects.toThrow(RangeError);
    const many = new Set(await Promise.all(Array.from({ length: 20 }, () => suggestPassphrase())));
    expect(many.size).toBe(20);
  });

  it('6 words carry >= 60 bits (about 77.5)', () => {
    expect(passphraseBits(6, 7776)).toBeCloseTo(77.55, 1);
    expect(passphraseBits(5, 7776)).toBeGreaterThan(60); // the 6-word floor is the design's, not the bit count's
  });

  it('a generated passphrase is accepted by its known entropy', async () => {
    const p = await suggestPassphrase(6);
    const r = await checkPassword(p, { generated: true });
    expect(r).toMatchObject({ ok: true, basis: 'generated', score: 4 });
    expect(r.guessesLog10).toBeCloseTo(6 * Math.log10(7776), 6);
  });

  it('the generated flag does not rescue text that is not a generated passphrase', async () => {
    for (const text of ['password', 'abacus-abdomen-abide-zoom-zoology', 'abacus-abdomen-abide-zoom-zoology-notaword', 'abacus abdomen abide zoom zoology abiding']) {
      const r = await checkPassword(text, { generated: true });
      expect(r.basis, text).toBe('zxcvbn');
    }
    expect((await checkPassword('password', { generated: true })).ok).toBe(false);
  });
});

describe('describeDuration', () => {
  it.each([
    [0.5, 'an instant'],
    [1, '1 second'],
    [59, '59 seconds'],
    [3600 * 5, '5 hours'],
    [86400 * 12, '12 days'],
    [86400 * 365.25 * 3, '3 years'],
    [1e12, '31,688 years'],
  ])('%d s -> %s', (s, text) => {
    expect(describeDuration(s)).toBe(text);
  });
});

describe('lazy loading', () => {
  it('password.ts imports zxcvbn-ts only dynamically (types aside)', () => {
    const src = readFileSync(new URL('../../src/crypto/password.ts', import.meta.url), 'utf8');
    const staticImports = src.match(/^import\s+(?!type\b)[^;]*from\s+'@zxcvbn-ts[^']*'/gm) ?? [];
    expect(staticImports).toEqual([]);
    expect(src).toContain("import('@zxcvbn-ts/core')");
  });
});
