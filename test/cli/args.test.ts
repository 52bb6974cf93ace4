import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args';
import { CliError, ExitCode } from '../../src/cli/exit-codes';

function usageFailure(argv: string[]): CliError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe(ExitCode.usage);
    return e as CliError;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('gives help for no arguments, help, --help and COMMAND --help', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help', topic: undefined });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help', topic: undefined });
    expect(parseCommandLine(['help', 'decrypt'])).toEqual({ kind: 'help', topic: 'decrypt' });
    expect(parseCommandLine(['verify', '--help'])).toEqual({ kind: 'help', topic: 'verify' });
    expect(parseCommandLine(['-V'])).toEqual({ kind: 'version' });
  });

  it('parses each command with its file and options', () => {
    expect(parseCommandLine(['decrypt', 'b.age', '-o', 'out'])).toEqual({
      kind: 'command',
      command: 'decrypt',
      file: 'b.age',
      options: { output: 'out' },
    });
    const enc = parseCommandLine(['encrypt', 'chat.zip', '--me', 'Bob', '--output=x.age', '--key-file', 'k.txt', '--key-type', 'classic']);
    expect(enc).toEqual({
      kind: 'command',
      command: 'encrypt',
      file: 'chat.zip',
      options: { me: 'Bob', output: 'x.age', 'key-file': 'k.txt', 'key-type': 'classic' },
    });
    const verify = parseCommandLine(['verify', 'b.age', '--identity', 'a.txt', '--identity', 'b.txt', '--keyring', 'r.age']);
    expect(verify.kind === 'command' && verify.options.identity).toEqual(['a.txt', 'b.txt']);
  });

  it('refuses unknown commands and options, missing or extra files, and bad values', () => {
    expect(usageFailure(['frobnicate']).message).toContain('unknown command');
    expect(usageFailure(['help', 'frobnicate']).message).toContain('unknown command');
    expect(usageFailure(['--key', 'x']).message).toContain('unknown option');
    expect(usageFailure(['verify']).message).toContain('none given');
    expect(usageFailure(['verify', 'a.age', 'b.age']).message).toContain('expected one file');
    // An option a command does not take is refused, not ignored: inspect never reads a key.
    usageFailure(['inspect', 'a.age', '--key-file', 'k']);
    usageFailure(['verify', 'a.age', '--output', 'x']);
    expect(usageFailure(['decrypt', 'a.age']).message).toContain('-o is required');
    expect(usageFailure(['encrypt', 'a.txt']).message).toContain('-o is required');
    expect(usageFailure(['verify', 'a.age', '--key-type', 'rsa']).message).toContain('"pq" or "classic"');
    expect(usageFailure(['verify', 'a.age', '--password-file', 'p']).message).toContain('--key-file-age');
  });

  it('names an unknown or incomplete option in its own words, pointing at the command\'s help', () => {
    for (const [argv, message] of [
      [['verify', 'a.age', '--x'], 'unknown option --x; see chatseal help verify'],
      [['decrypt', 'a.age', '-o', 'out', '-q'], 'unknown option -q; see chatseal help decrypt'],
      [['convert', 'a.zip', '--key-file=k.txt'], 'unknown option --key-file; see chatseal help convert'],
      [['convert', 'a.zip', '--me'], '--me needs a value; see chatseal help convert'],
      [['convert', 'a.zip', '--me', '--locale', 'en-GB'], '--me needs a value; see chatseal help convert'],
      [['inspect', 'a.age', '--json=yes'], '--json takes no value; see chatseal help inspect'],
    ] as const) {
      const e = usageFailure([...argv]);
      expect(e.message).toBe(message);
      expect(e.message).not.toMatch(/positional|argument/);
      expect(e.hint).toBeUndefined();
    }
    // A value that starts with a dash is still possible, written with "=".
    const parsed = parseCommandLine(['convert', 'a.zip', '--me=-Zed-']);
    expect(parsed.kind === 'command' && parsed.options.me).toBe('-Zed-');
  });

  it('takes --verbose with every command', () => {
    for (const argv of [['verify', 'a.age'], ['decrypt', 'a.age', '-o', 'x'], ['inspect', 'a.age'], ['convert', 'a.txt'], ['encrypt', 'a.txt', '-o', 'b.age']]) {
      const parsed = parseCommandLine([...argv, '--verbose']);
      expect(parsed.kind === 'command' && parsed.options.verbose).toBe(true);
    }
  });

  it('has no option that takes a key or password on the command line', () => {
    usageFailure(['verify', 'a.age', '--key', '0123']);
    usageFailure(['verify', 'a.age', '--password', 'hunter2']);
  });
});
