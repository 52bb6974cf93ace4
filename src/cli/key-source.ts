// Where the CLI gets keys from: a prompt, standard input, or files named by options. Never from
// the command line itself. Every source ends as a list of unlocked keys for the backup reader
// (several when an identity file or a keyring holds older keys).
import type { KeyType } from '../crypto/keys';
import { parseKeyInput, type KeyInputError } from '../crypto/keyinput';
import { utf8Decode } from '../crypto/bytes';
import type { ParsedOptions } from './args';
import { CliError, ExitCode } from './exit-codes';
import { readSmallFile } from './files';
import { promptSecret, readStdinText, stdinIsTerminal } from './terminal';

export interface CliKey {
  seed: Uint8Array;
  /** Known when the key came as an age identity or the user said --key-type. */
  type?: KeyType;
  /** Where it came from, for messages ("the key typed", "line 2 of keys.txt"). */
  origin: string;
}

const IDENTITY_LINE = /^\s*AGE-SECRET-KEY-/iu;

function keyInputFailure(origin: string, error: KeyInputError): CliError {
  const hint =
    error.reason === 'length' || error.reason === 'alphabet'
      ? 'A key is 64 digits (0–9, a–f) in 16 groups of 4, or its AGE-SECRET-KEY-… form.'
      : error.reason === 'empty'
        ? 'Type or paste your 64-digit key, or give it with --key-file.'
        : undefined;
  return new CliError(ExitCode.badKeyInput, `${origin} is not a usable key: ${error.detail}`, hint);
}

/**
 * Parses one key, or an identity list (several AGE-SECRET-KEY lines, as age-keygen output or a
 * keyring export holds). Refuses before any cryptographic work.
 */
export function parseKeyText(text: string, origin: string, keyType?: KeyType): CliKey[] {
  const lines = text.split(/\r\n|\r|\n/u);
  const identityLines = lines
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => IDENTITY_LINE.test(line));
  if (identityLines.length > 1) {
    return identityLines.map(({ line, number }) => {
      const parsed = parseKeyInput(line);
      if (!parsed.ok) throw keyInputFailure(`line ${number} of ${origin}`, parsed);
      return { seed: parsed.seed, type: parsed.type ?? keyType, origin: `line ${number} of ${origin}` };
    });
  }
  const parsed = parseKeyInput(text);
  if (!parsed.ok) throw keyInputFailure(origin, parsed);
  if (parsed.type !== undefined && keyType !== undefined && parsed.type !== keyType) {
    throw new CliError(ExitCode.usage, `${origin} is a ${parsed.type} key, but --key-type says ${keyType}`);
  }
  return [{ seed: parsed.seed, type: parsed.type ?? keyType, origin }];
}

/** True once a typed key looks whole: an identity line, 64 characters, or an empty line. */
function keyLooksComplete(lines: string[]): boolean {
  const last = lines[lines.length - 1] ?? '';
  if (last.trim() === '') return true;
  const compact = lines.join('').replace(/[\s\-]/gu, '');
  return IDENTITY_LINE.test(lines[0] ?? '') || compact.length >= 64;
}

async function typedOrPiped(question: string, multiline: boolean): Promise<{ text: string; origin: string }> {
  if (stdinIsTerminal()) {
    return { text: await promptSecret(question, multiline ? keyLooksComplete : undefined), origin: 'the key typed' };
  }
  return { text: await readStdinText(), origin: 'standard input' };
}

/** A password exactly as given: only the line break that ends a file or a typed line is dropped. */
export function passwordFromText(text: string): string {
  return text.replace(/\r?\n$/u, '');
}

export interface KeyDependencies {
  /** Opens a password-mode key file (age scrypt file of the identity); throws WrongPassword. */
  openKeyFile?: (file: Uint8Array, password: string) => Promise<CliKey[]>;
  /** Opens a keyring (age file sealed to one of `keys`) and returns the older keys in it. */
  openKeyring?: (file: Uint8Array, keys: CliKey[]) => Promise<CliKey[]>;
}

/**
 * Reads every key the options name. With no key option, asks at the terminal (or reads standard
 * input when it is not a terminal). `--keyring` adds the older keys sealed to the current one.
 */
export async function readKeys(options: ParsedOptions, deps: KeyDependencies): Promise<CliKey[]> {
  const keyType = options['key-type'] as KeyType | undefined;
  const keys: CliKey[] = [];
  const keyFile = options['key-file'];
  if (keyFile !== undefined) {
    keys.push(...parseKeyText(decodeText(await readSmallFile(keyFile, 'the key file'), keyFile), keyFile, keyType));
  }
  for (const path of options.identity ?? []) {
    keys.push(...parseKeyText(decodeText(await readSmallFile(path, 'the identity file'), path), path, keyType));
  }
  const keyFileAge = options['key-file-age'];
  if (keyFileAge !== undefined) {
    if (deps.openKeyFile === undefined) throw new CliError(ExitCode.usage, 'password key files are not supported by this build');
    const file = await readSmallFile(keyFileAge, 'the password key file');
    const passwordFile = options['password-file'];
    const password =
      passwordFile !== undefined
        ? passwordFromText(decodeText(await readSmallFile(passwordFile, 'the password file'), passwordFile))
        : passwordFromText((await typedOrPiped('Password: ', false)).text);
    if (password === '') throw new CliError(ExitCode.badKeyInput, 'no password was given');
    keys.push(...(await deps.openKeyFile(file, password)));
  }
  if (keys.length === 0) {
    const { text, origin } = await typedOrPiped('Your 64-digit key: ', true);
    keys.push(...parseKeyText(text, origin, keyType));
  }
  const keyring = options.keyring;
  if (keyring !== undefined) {
    if (deps.openKeyring === undefined) throw new CliError(ExitCode.usage, 'keyrings are not supported by this build');
    keys.push(...(await deps.openKeyring(await readSmallFile(keyring, 'the keyring'), keys)));
  }
  return keys;
}

function decodeText(bytes: Uint8Array, path: string): string {
  try {
    return utf8Decode(bytes);
  } catch {
    throw new CliError(ExitCode.badKeyInput, `${path} is not text (a key file holds the 64 digits or an AGE-SECRET-KEY line)`);
  }
}
