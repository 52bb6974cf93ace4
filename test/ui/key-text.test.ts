import { describe, expect, it } from 'vitest';
import { describeRefusal, describeTypo, keyTextProblem, refusalText } from '../../src/ui/key-text';

describe('keyTextProblem', () => {
  it('accepts a key in any form and refuses the rest with details', () => {
    expect(keyTextProblem('0123 4567 89AB cdef '.repeat(4))).toBeNull();
    expect(keyTextProblem('0'.repeat(63))).toBe('That is 63 digits; a key has 64.');
    expect(keyTextProblem(`${'0'.repeat(10)}o${'0'.repeat(53)}`)).toMatch(/^“o” in group 3 cannot be part of a key/);
  });
});

describe('refusalText', () => {
  it('words each refusal the worker sends', () => {
    expect(refusalText({ reason: 'wrong-password' })).toBe('That is not your password.');
    expect(refusalText({ reason: 'wrong-key' })).toBe('That is not your key.');
    expect(refusalText({ reason: 'wrong-key', typo: { groups: [7], kind: 'digit' } })).toBe(
      'That is not your key. Group 7 looks wrong: one digit there seems mistyped.',
    );
    expect(refusalText({ reason: 'old-key' })).toMatch(/one of your older keys/);
    expect(refusalText({ reason: 'not-password-mode' })).toBe('Your backups are protected by a 64-digit key, not a password.');
    expect(refusalText({ reason: 'weak' })).toBe('This password is too weak. Add more words, or use a suggested passphrase.');
    // "empty" from the worker is a password's: key text is checked in the page first.
    expect(refusalText({ reason: 'empty' })).toBe('Type a password.');
    for (const reason of ['key-file-damaged', 'keyring-damaged'] as const) expect(refusalText({ reason }).length).toBeGreaterThan(20);
    expect(refusalText({ reason: 'length' })).toBe(describeRefusal('length'));
    expect(refusalText({ reason: 'alphabet' })).toBe(describeRefusal('alphabet'));
    expect(refusalText({ reason: 'checksum' })).toBe(describeRefusal('checksum'));
  });

  it('names one or two groups for a typo', () => {
    expect(describeTypo({ groups: [3], kind: 'swap' })).toMatch(/Group 3/);
    expect(describeTypo({ groups: [3, 4], kind: 'swap' })).toMatch(/Groups 3 and 4/);
  });
});
