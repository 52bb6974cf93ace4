// Command-line parsing: which command, its one positional file, and its options (node:util
// parseArgs, strict, so a mistyped option is a usage error rather than silently ignored).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, ExitCode, usageError } from './exit-codes';

export type CommandName = 'decrypt' | 'verify' | 'inspect' | 'convert' | 'encrypt';
export const COMMANDS: readonly CommandName[] = ['decrypt', 'verify', 'inspect', 'convert', 'encrypt'];

type Options = NonNullable<ParseArgsConfig['options']>;

const KEY_OPTIONS = {
  'key-file': { type: 'string' },
  identity: { type: 'string', multiple: true },
  'password-file': { type: 'string' },
  'key-file-age': { type: 'string' },
  keyring: { type: 'string' },
  'key-type': { type: 'string' },
} as const satisfies Options;

const COMMON = { help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' } } as const satisfies Options;

const OPTIONS = {
  decrypt: { ...COMMON, ...KEY_OPTIONS, output: { type: 'string', short: 'o' } },
  verify: { ...COMMON, ...KEY_OPTIONS, json: { type: 'boolean' } },
  inspect: { ...COMMON, json: { type: 'boolean' } },
  convert: { ...COMMON, me: { type: 'string' }, locale: { type: 'string' } },
  encrypt: { ...COMMON, ...KEY_OPTIONS, output: { type: 'string', short: 'o' }, me: { type: 'string' }, locale: { type: 'string' } },
} as const satisfies Record<CommandName, Options>;

/** Everything a command may read; options a command does not take are never set. */
export interface ParsedOptions {
  help?: boolean;
  /** Print the technical detail behind a failure too. */
  verbose?: boolean;
  json?: boolean;
  output?: string;
  me?: string;
  locale?: string;
  'key-file'?: string;
  identity?: string[];
  'password-file'?: string;
  'key-file-age'?: string;
  keyring?: string;
  'key-type'?: string;
}

export type Parsed =
  | { kind: 'help'; topic?: CommandName }
  | { kind: 'version' }
  | { kind: 'command'; command: CommandName; file: string; options: ParsedOptions };

export function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && (COMMANDS as readonly string[]).includes(name);
}

/**
 * Refuses options the command does not take, string options without a value and boolean ones with
 * one, in our own words (parseArgs' messages talk about positional arguments after "--"). Decided
 * from parseArgs' tokens, not from its error text.
 */
function checkOptions(command: CommandName, args: readonly string[]): void {
  const config: Options = OPTIONS[command];
  const see = `see chatseal help ${command}`;
  const { tokens } = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = config[token.name];
    if (spec === undefined) throw new CliError(ExitCode.usage, `unknown option ${token.rawName}; ${see}`);
    if (spec.type === 'boolean' && token.value !== undefined) {
      throw new CliError(ExitCode.usage, `${token.rawName} takes no value; ${see}`);
    }
    if (spec.type === 'string' && (token.value === undefined || (token.inlineValue === false && token.value.startsWith('-')))) {
      throw new CliError(ExitCode.usage, `${token.rawName} needs a value; ${see}`);
    }
  }
}

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) throw usageError(`unknown command "${topic}"`);
    return { kind: 'help', topic };
  }
  if (first === '--version' || first === '-V') return { kind: 'version' };
  if (!isCommand(first)) {
    throw usageError(first.startsWith('-') ? `unknown option "${first}" (a command comes first)` : `unknown command "${first}"`);
  }
  checkOptions(first, rest);
  let values: ParsedOptions;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...rest], options: OPTIONS[first], allowPositionals: true, strict: true }) as {
      values: ParsedOptions;
      positionals: string[];
    });
  } catch {
    // checkOptions refuses everything strict parsing does; this is a safety net, in our words.
    throw new CliError(ExitCode.usage, `${first}: the options could not be read; see chatseal help ${first}`);
  }
  if (values.help === true) return { kind: 'help', topic: first };
  if (positionals.length !== 1) {
    throw usageError(
      positionals.length === 0 ? `${first}: which file? (none given)` : `${first}: expected one file, got ${positionals.length}`,
      `Run "chatseal help ${first}" for usage.`,
    );
  }
  const keyType = values['key-type'];
  if (keyType !== undefined && keyType !== 'pq' && keyType !== 'classic') {
    throw usageError(`${first}: --key-type is "pq" or "classic", not "${keyType}"`);
  }
  if ((first === 'decrypt' || first === 'encrypt') && (values.output === undefined || values.output === '')) {
    throw usageError(`${first}: -o is required (${first === 'decrypt' ? 'the folder to write the chat to' : 'the backup file to write'})`, `Run "chatseal help ${first}" for usage.`);
  }
  if (values['password-file'] !== undefined && values['key-file-age'] === undefined) {
    throw usageError(`${first}: --password-file opens a key file: give it with --key-file-age`);
  }
  return { kind: 'command', command: first, file: positionals[0]!, options: values };
}
