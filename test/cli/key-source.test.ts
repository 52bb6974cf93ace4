import { describe, expect, it } from 'vitest';
import { seedToDigits, seedToIdentity } from '../../src/crypto/keys';
import { CliError, ExitCode } from '../../src/cli/exit-codes';
import { parseKeyText, passwordFromText } from '../../src/cli/key-source';

const seedA = Uint8Array.from({ length: 32 }, (_, i) => i);
const seedB = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

function failure(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error('expected a CliError');
}

describe('parseKeyText', () => {
  it('reads 64 digits in groups, with comments and line breaks, type unknown unless given', () => {
    const digits = seedToDigits(seedA);
    const grouped = `# my recovery kit\n${digits.slice(0, 32).match(/.{4}/g)!.join(' ')}\n${digits.slice(32).toUpperCase().match(/.{4}/g)!.join('-')}\n`;
    const [key] = parseKeyText(grouped, 'k.txt');
    expect(key!.seed).toEqual(seedA);
    expect(key!.type).toBeUndefined();
    expect(parseKeyText(digits, 'k.txt', 'classic')[0]!.type).toBe('classic');
  });

  it('reads an identity line with its type, and refuses a contradicting --key-type', () => {
    const [key] = parseKeyText(`# created: today\n${seedToIdentity(seedA, 'pq')}\n`, 'id.txt');
    expect(key).toMatchObject({ seed: seedA, type: 'pq' });
    expect(failure(() => parseKeyText(seedToIdentity(seedA, 'pq'), 'id.txt', 'classic')).code).toBe(ExitCode.usage);
  });

  it('reads every identity of an identity list, naming each line', () => {
    const text = `# keyring\n${seedToIdentity(seedA, 'classic')}\n\n# older\n${seedToIdentity(seedB, 'pq')}\n`;
    const keys = parseKeyText(text, 'keys.txt');
    expect(keys.map((k) => [k.type, k.origin])).toEqual([
      ['classic', 'line 2 of keys.txt'],
      ['pq', 'line 5 of keys.txt'],
    ]);
    expect(keys[1]!.seed).toEqual(seedB);
  });

  it('refuses bad key input with exit code 2 and the parser\'s reason', () => {
    const digits = seedToDigits(seedA);
    const short = failure(() => parseKeyText(digits.slice(0, 60), 'standard input'));
    expect(short.code).toBe(ExitCode.badKeyInput);
    expect(short.message).toContain('Found 60 digits');
    const alphabet = failure(() => parseKeyText(`${digits.slice(0, 10)}o${digits.slice(11)}`, 'the key typed'));
    expect(alphabet.code).toBe(ExitCode.badKeyInput);
    expect(alphabet.message).toContain('group 3');
    const identity = seedToIdentity(seedA, 'classic');
    const broken = identity.slice(0, 30) + (identity[30] === 'Q' ? 'P' : 'Q') + identity.slice(31);
    expect(failure(() => parseKeyText(broken, 'id.txt')).message).toContain('checksum');
    expect(failure(() => parseKeyText('  \n', 'standard input')).code).toBe(ExitCode.badKeyInput);
    const list = `${identity}\n${broken}\n`;
    expect(failure(() => parseKeyText(list, 'keys.txt')).message).toContain('line 2 of keys.txt');
  });
});

describe('passwordFromText', () => {
  it('drops only the final line break; spaces and inner breaks count', () => {
    expect(passwordFromText('correct horse \n')).toBe('correct horse ');
    expect(passwordFromText('pw\r\n')).toBe('pw');
    expect(passwordFromText(' pw\n\n')).toBe(' pw\n');
    expect(passwordFromText('pw')).toBe('pw');
  });
});
