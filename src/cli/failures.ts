// Turns what the modules throw into one CLI message and exit code. Backup failures map by their
// kind (docs/FORMAT.md's table), never by message text.
import { BackupError, type TypoHint } from '../backup/errors';
import { WhatsAppImportError } from '../export/whatsapp-txt';
import type { CommandName } from './args';
import { CliError, ExitCode } from './exit-codes';
import { ioError } from './files';

function typoSentence(typo: TypoHint): string {
  const where = typo.groups.length > 1 ? `Groups ${typo.groups.join(' and ')}` : `Group ${typo.group}`;
  const what = typo.kind === 'swap' ? 'two neighbouring digits look swapped' : 'one digit looks mistyped';
  return `${where} of the key ${typo.groups.length > 1 ? 'look' : 'looks'} wrong (${what}, at digit ${typo.position}): check it against your recovery kit.`;
}

export function backupFailure(e: BackupError, command?: CommandName): CliError {
  const untouched = command === 'decrypt' ? ' Nothing was written.' : '';
  switch (e.kind) {
    case 'not-a-backup':
      return new CliError(ExitCode.notABackup, `this is not a ChatSeal backup (${e.detail})`, `Check that you picked a ChatSeal .age file.${untouched}`);
    case 'wrong-key': {
      const named = e.extra.keyId ? ` (the backup was made with key id ${e.extra.keyId})` : '';
      const hint = e.typo !== undefined ? typoSentence(e.typo) : 'Try the key or password you used when this backup was made, or add --keyring.';
      return new CliError(ExitCode.wrongKey, `this backup was made with a different key${named}`, hint + untouched);
    }
    case 'corrupted':
      return new CliError(ExitCode.corrupted, `the backup is damaged or was altered (${e.detail})`, `Download or copy it again.${untouched}`);
    case 'truncated':
      return new CliError(ExitCode.truncated, `the backup is cut short (${e.detail})`, `The file may not have finished downloading or copying.${untouched}`);
    case 'mac-failed':
      return new CliError(
        ExitCode.macFailed,
        `the backup's signature does not match your key (${e.detail})`,
        `It was not made by ChatSeal with this key, or its contents were replaced.${untouched}`,
      );
  }
}

export function describeFailure(e: unknown, command?: CommandName): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof BackupError) return backupFailure(e, command);
  if (e instanceof WhatsAppImportError) {
    return new CliError(ExitCode.badExport, e.message, 'Pick the .txt or .zip that WhatsApp\'s "Export chat" made.');
  }
  const errno = e as NodeJS.ErrnoException;
  if (typeof errno?.code === 'string' && typeof errno.syscall === 'string') return ioError(e, errno.path ?? '', errno.syscall);
  return new CliError(ExitCode.internal, `unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}
