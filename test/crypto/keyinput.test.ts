import { describe, expect, it, vi } from 'vitest';
import { parseKeyInput } from '../../src/crypto/keyinput';
import { groupDigits, seedToDigits, seedToIdentity } from '../../src/crypto/keys';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const DIGITS = seedToDigits(SEED); // 000102…1f
const GROUPS = groupDigits(DIGITS);

function expectSeed(text: string, type?: 'pq' | 'classic') {
  const r = parseKeyInput(text);
  expect(r).toEqual(type ? { ok: true, seed: SEED, type } : { ok: true, seed: SEED });
}

describe('accepted forms', () => {
  it.each([
    ['plain lowercase', DIGITS],
    ['upper case', DIGITS.toUpperCase()],
    ['mixed case', DIGITS.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c))],
    ['groups with spaces', GROUPS.join(' ')],
    ['groups with dashes', GROUPS.join('-')],
    ['four lines of four groups, CRLF', [0, 4, 8, 12].map((i) => GROUPS.slice(i, i + 4).join(' ')).join('\r\n')],
    ['LF and tabs', GROUPS.join('\t').replace(/\t(?=[^\t]*\t[^\t]*$)/, '\n')],
    ['NBSP and narrow NBSP', GROUPS.join('\u00a0').replace('\u00a0', '\u202f')],
    ['en dash, em dash, minus', GROUPS.join('\u2013').replace('\u2013', '\u2014').replace('\u2013', '\u2212')],
    ['zero-width spaces from a PDF', GROUPS.join('\u200b')],
    ['leading and trailing space', `  ${DIGITS}\n\n`],
    ['full-width digits', DIGITS.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))],
  ])('%s', (_name, text) => expectSeed(text));

  it.each(['classic', 'pq'] as const)('%s age identity, with type', (type) => {
    const id = seedToIdentity(SEED, type);
    expectSeed(id, type);
    expectSeed(id.toLowerCase(), type);
    expectSeed(` ${id.slice(0, 30)}\r\n${id.slice(30)} `, type);
  });

  it('an age identity file with comments', () => {
    const file = `# created: 2026-01-01T00:00:00Z\n# public key: age1xyz\n${seedToIdentity(SEED, 'classic')}\n`;
    expectSeed(file, 'classic');
  });
});

describe('refused forms', () => {
  it.each(['', '   ', '\r\n\t', '- - -', '# only a comment'])('empty: %j', (text) => {
    const r = parseKeyInput(text);
    expect(r).toMatchObject({ ok: false, reason: 'empty' });
  });

  it.each([
    [DIGITS.slice(0, 63), 63],
    [DIGITS.slice(0, 60), 60],
    [DIGITS + '0', 65],
    [DIGITS + DIGITS, 128],
  ])('length: %s', (text, found) => {
    const r = parseKeyInput(text);
    expect(r).toMatchObject({ ok: false, reason: 'length', found, expected: 64 });
    if (!r.ok) expect(r.detail).toContain(`Found ${found} digits; a key has 64`);
  });

  it('alphabet: names the first bad character and its group', () => {
    // letter O for a zero in group 3 (digits 9..12)
    const text = GROUPS.map((g, i) => (i === 2 ? 'O' + g.slice(1) : g)).join(' ');
    const r = parseKeyInput(text);
    expect(r).toMatchObject({ ok: false, reason: 'alphabet', char: 'O', group: 3, position: 9 });
    if (!r.ok) expect(r.detail).toContain('"O" (in group 3)');
  });

  it('alphabet is reported even when the length is also wrong', () => {
    const r = parseKeyInput('abcz');
    expect(r).toMatchObject({ ok: false, reason: 'alphabet', char: 'z', group: 1, position: 4 });
  });

  it('alphabet: a non-ASCII character is named whole', () => {
    const r = parseKeyInput('00😀' + DIGITS.slice(3));
    expect(r).toMatchObject({ ok: false, reason: 'alphabet', char: '😀', group: 1, position: 3 });
  });

  it('a recipient is not a key', () => {
    const r = parseKeyInput('age1s37q6tph2g60xe0xvz24rparwddq7asn69sf6wn2fkx98t42tg3qvgcz2x');
    expect(r).toMatchObject({ ok: false, reason: 'alphabet', hint: 'recipient' });
  });

  it.each(['classic', 'pq'] as const)('%s identity with one changed character: checksum', (type) => {
    const id = seedToIdentity(SEED, type);
    const i = id.length - 20;
    const bad = id.slice(0, i) + (id[i] === 'Q' ? 'P' : 'Q') + id.slice(i + 1);
    expect(parseKeyInput(bad)).toMatchObject({ ok: false, reason: 'checksum' });
  });

  it.each(['classic', 'pq'] as const)('%s identity with a character missing or swapped: checksum', (type) => {
    const id = seedToIdentity(SEED, type);
    expect(parseKeyInput(id.slice(0, 40) + id.slice(41))).toMatchObject({ ok: false, reason: 'checksum' });
    const j = id.search(/[A-Z0-9]{2}(?=[A-Z0-9]*$)/);
    expect(j).toBeGreaterThan(0);
    // find two distinct neighbours in the data part and swap them
    let k = id.indexOf('1') + 1;
    while (id[k] === id[k + 1]) k++;
    const swapped = id.slice(0, k) + id[k + 1] + id[k] + id.slice(k + 2);
    expect(parseKeyInput(swapped)).toMatchObject({ ok: false, reason: 'checksum' });
  });

  it('identity with a character outside Bech32: alphabet, not checksum', () => {
    const id = seedToIdentity(SEED, 'classic');
    const bad = id.slice(0, 20) + 'B' + id.slice(21); // b is not in Bech32's alphabet
    expect(parseKeyInput(bad)).toMatchObject({ ok: false, reason: 'alphabet', char: 'B', position: 5, group: 2 });
  });

  it('does no cryptographic work', () => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
    parseKeyInput(DIGITS);
    parseKeyInput(DIGITS.slice(1));
    parseKeyInput('zz');
    parseKeyInput(seedToIdentity(SEED, 'pq'));
    expect(digest).not.toHaveBeenCalled();
    expect(importKey).not.toHaveBeenCalled();
    expect(deriveBits).not.toHaveBeenCalled();
  });
});
