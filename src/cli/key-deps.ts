// The crypto modules the CLI's key sources use, adapted to CLI errors and CliKey.
import { KeyFileCorruptError, openKeyFile, WrongPasswordError } from '../crypto/keyfile';
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

export const cliKeyDependencies: KeyDependencies = {
  openKeyFile: openPasswordKeyFile,
};
