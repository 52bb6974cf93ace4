// The crypto modules the CLI's key sources use, adapted to CLI errors and CliKey.
import { ByteReader } from '../age/bytereader';
import { AgeError } from '../age/errors';
import { bytesSource } from '../age/gate';
import { readHeader } from '../age/header';
import { NONCE_SIZE, TAG_SIZE } from '../age/stream';
import { KeyFileCorruptError, keyFilePlaintext, openKeyFile, WrongPasswordError } from '../crypto/keyfile';
import { KeyringCorruptError, KeyringWrongKeyError, openKeyring } from '../crypto/keyring';
import { seedToIdentity } from '../crypto/keys';
import { CliError, ExitCode } from './exit-codes';
import type { CliKey, KeyDependencies } from './key-source';

const AGAIN = 'Download the key file again from ChatSeal’s options page (“Download key file”), or use another copy of it.';

/** Plaintext lengths of the key files ChatSeal writes: one identity line per key type, fixed-width comments. */
const KEY_FILE_PLAINTEXT_LENGTHS = (['classic', 'pq'] as const).map(
  (type) => keyFilePlaintext(seedToIdentity(new Uint8Array(32), type), '0'.repeat(16), new Date(0).toISOString()).length,
);

type KeyFileShape = 'not-age' | 'header-cut' | 'header-damaged' | { payload: number };

/** What the file's own bytes show, by our header parser: no library message is read. */
async function keyFileShape(file: Uint8Array): Promise<KeyFileShape> {
  try {
    const header = await readHeader(new ByteReader(bytesSource(file)()));
    return { payload: file.length - header.bytes.length };
  } catch (e) {
    if (!(e instanceof AgeError)) throw e;
    return e.kind === 'truncated' ? 'header-cut' : e.kind === 'not-age' ? 'not-age' : 'header-damaged';
  }
}

const cutShort = (detail: string) => new CliError(ExitCode.truncated, 'the key file is cut short: it ends partway through', AGAIN, detail);
const damaged = (detail: string) => new CliError(ExitCode.corrupted, 'the key file is damaged', AGAIN, detail);

/**
 * A key file that did not open with a right password, or did not parse: cut short (exit 6) when
 * its length is one no ChatSeal key file can have and shorter than theirs, damaged (exit 5) when
 * it was altered, and not a key file at all (exit 2) when it is something else.
 */
export async function keyFileFailure(e: KeyFileCorruptError, file: Uint8Array): Promise<CliError> {
  const shape = await keyFileShape(file);
  const detail = `${e.kind}: ${e.message}`;
  if (shape === 'header-cut') return cutShort(detail);
  if (shape === 'not-age') {
    return new CliError(
      ExitCode.badKeyInput,
      'the file given with --key-file-age is not a ChatSeal key file',
      '--key-file-age takes the key file from ChatSeal’s options page (“Download key file”); for 64 digits use --key-file.',
      detail,
    );
  }
  if (shape === 'header-damaged') return damaged(detail);
  switch (e.kind) {
    case 'not-password-file':
      return new CliError(
        ExitCode.badKeyInput,
        'the file given with --key-file-age is not protected by a password, so it is not a ChatSeal key file',
        'A backup goes in the BACKUP place; --key-file-age takes the key file from ChatSeal’s options page.',
        detail,
      );
    case 'contents':
      return new CliError(ExitCode.badKeyInput, 'the password opens this file, but it holds no ChatSeal key', AGAIN, detail);
    case 'damaged': {
      // The password unwrapped the file key, so the header is whole; the payload's length tells a
      // cut (shorter than any key file) from an alteration.
      const plaintext = shape.payload - NONCE_SIZE - TAG_SIZE;
      const longest = Math.max(...KEY_FILE_PLAINTEXT_LENGTHS);
      return plaintext < longest && !KEY_FILE_PLAINTEXT_LENGTHS.includes(plaintext) ? cutShort(detail) : damaged(detail);
    }
    case 'not-age':
    case 'bad-stanza':
    case 'work-factor':
      return damaged(detail);
  }
}

async function openPasswordKeyFile(file: Uint8Array, password: string): Promise<CliKey[]> {
  try {
    const opened = await openKeyFile(file, password);
    return [{ seed: opened.seed, type: opened.type, origin: 'the password key file' }];
  } catch (e) {
    if (e instanceof WrongPasswordError) {
      throw new CliError(ExitCode.wrongPassword, 'the password does not open this key file', 'Passwords are used exactly as typed, including capitals and spaces.');
    }
    if (e instanceof KeyFileCorruptError) throw await keyFileFailure(e, file);
    throw e;
  }
}

/** Tries each given key on the keyring; the first that opens it contributes the older keys. */
async function openKeyringWith(file: Uint8Array, keys: CliKey[]): Promise<CliKey[]> {
  for (const key of keys) {
    try {
      const entries = await openKeyring(file, key.type === undefined ? { seed: key.seed } : { seed: key.seed, type: key.type });
      return entries.map((e) => ({ seed: e.seed, type: e.type, origin: `the keyring (key id ${e.keyId})` }));
    } catch (e) {
      if (e instanceof KeyringWrongKeyError) continue;
      if (e instanceof KeyringCorruptError) {
        throw new CliError(ExitCode.corrupted, 'the keyring is damaged', 'Download the keyring again from the options page or Google Drive.', e.message);
      }
      throw e;
    }
  }
  throw new CliError(ExitCode.wrongKey, 'the keyring is not sealed to the key given', '--keyring needs the current key (the one the keyring was last saved with).');
}

export const cliKeyDependencies: KeyDependencies = {
  openKeyFile: openPasswordKeyFile,
  openKeyring: openKeyringWith,
};
