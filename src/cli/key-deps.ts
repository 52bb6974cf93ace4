// The crypto modules the CLI's key sources use, adapted to CLI errors and CliKey.
import { KeyFileCorruptError, openKeyFile, WrongPasswordError } from '../crypto/keyfile';
import { KeyringCorruptError, KeyringWrongKeyError, openKeyring } from '../crypto/keyring';
import { CliError, ExitCode } from './exit-codes';
import type { CliKey, KeyDependencies } from './key-source';

async function openPasswordKeyFile(file: Uint8Array, password: string): Promise<CliKey[]> {
  try {
    const opened = await openKeyFile(file, password);
    return [{ seed: opened.seed, type: opened.type, origin: 'the password key file' }];
  } catch (e) {
    if (e instanceof WrongPasswordError) {
      throw new CliError(ExitCode.wrongPassword, 'the password does not open this key file', 'Passwords are used exactly as typed, including capitals and spaces.');
    }
    if (e instanceof KeyFileCorruptError) throw new CliError(ExitCode.badKeyInput, e.message);
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
      if (e instanceof KeyringCorruptError) throw new CliError(ExitCode.corrupted, e.message, 'Download the keyring again from the options page or Google Drive.');
      throw e;
    }
  }
  throw new CliError(ExitCode.wrongKey, 'the keyring is not sealed to the key given', '--keyring needs the current key (the one the keyring was last saved with).');
}

export const cliKeyDependencies: KeyDependencies = {
  openKeyFile: openPasswordKeyFile,
  openKeyring: openKeyringWith,
};
