// The e2e privacy test is only as good as its search: check the independent spellings against
// the app's key model and Debian's age-keygen, and that every planted spelling is found.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedToIdentity, seedToRecipient } from '../../src/crypto/keys';
import { findSecret, findText, hexToBytes, secretForms } from './secrets';

const SEED = hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const forms = secretForms(SEED);

describe('secretForms', () => {
  it('spells the identities as the key model does', () => {
    expect(forms.classicIdentity).toBe(seedToIdentity(SEED, 'classic'));
    expect(forms.pqIdentity).toBe(seedToIdentity(SEED, 'pq'));
    expect(forms.classicIdentity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(forms.pqIdentity.startsWith(`AGE-SECRET-KEY-PQ-1${forms.bech32Data}`)).toBe(true);
  });

  it('writes a classic identity that Debian age-keygen reads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatseal-secrets-'));
    try {
      fs.writeFileSync(path.join(dir, 'id.txt'), `${forms.classicIdentity}\n`);
      const recipient = execFileSync('age-keygen', ['-y', path.join(dir, 'id.txt')], { encoding: 'utf8' }).trim();
      expect(recipient).toBe(await seedToRecipient(SEED, 'classic'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('findSecret', () => {
  const clean = { recipient: 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq', n: 5, list: ['a', 'b'] };

  it('finds nothing in data without the secret', () => {
    expect(findSecret(clean, forms)).toEqual([]);
    expect(findSecret({ $type: 'bytes', kind: 'Uint8Array', b64: Buffer.from(SEED.slice(1)).toString('base64') }, forms)).toEqual([]);
  });

  const grouped = forms.hex.match(/.{4}/g)!;
  const cases: [string, unknown][] = [
    ['raw bytes at an offset', { x: { $type: 'bytes', kind: 'Uint8Array', b64: Buffer.concat([Buffer.from([7, 7, 7]), SEED]).toString('base64') } }],
    ['a bare Uint8Array', [new Uint8Array([1, ...SEED, 2])]],
    ['lowercase hex', { k: forms.hex }],
    ['uppercase hex', { k: forms.hex.toUpperCase() }],
    ['hex in groups with spaces', { k: grouped.join(' ') }],
    ['hex in groups with dashes, upper case', { k: grouped.join('-').toUpperCase() }],
    ['hex across lines', { k: `${grouped.slice(0, 8).join(' ')}\n${grouped.slice(8).join(' ')}` }],
    ['classic identity', { k: `# created\n${forms.classicIdentity}\n` }],
    ['classic identity, lower case', { k: forms.classicIdentity.toLowerCase() }],
    ['post-quantum identity', { k: forms.pqIdentity }],
    ['Bech32 data without a prefix', { k: forms.bech32Data }],
    ['standard base64', { k: forms.base64Forms[0] }],
    ['base64url inside a longer blob', { k: Buffer.concat([Buffer.from([1]), SEED, Buffer.from([2, 3])]).toString('base64url') }],
    ['hex ASCII inside bytes', { $type: 'bytes', kind: 'ArrayBuffer', b64: Buffer.from(`x${forms.hex}y`).toString('base64') }],
    ['Latin-1 string of the bytes', { k: String.fromCharCode(...SEED) }],
    ['an object key', { [forms.hex]: true }],
  ];
  it.each(cases)('finds %s', (_name, value) => {
    expect(findSecret(value, forms).length).toBeGreaterThan(0);
  });
});

describe('findText', () => {
  it('finds chat text in strings and inside binary values, and nothing else', () => {
    const line = 'Confirmation: LX7Q2P';
    const bytes = { $type: 'bytes', kind: 'Uint8Array', b64: Buffer.from(`..${line}..`).toString('base64') };
    expect(findText({ a: `x ${line}` }, [line]).map((f) => f.at)).toEqual(['$.a']);
    expect(findText([bytes], [line]).map((f) => f.at)).toEqual(['$[0]']);
    expect(findText({ a: 'Confirmation: LX7Q2' }, [line])).toEqual([]);
  });
});
