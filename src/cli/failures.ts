// Turns what the modules throw into one CLI message and exit code. Backup failures map by their
// kind (docs/FORMAT.md's table), never by message text. Messages are plain words; the technical
// finding behind them (which chunk, which check) goes in CliError.detail, shown with --verbose.
import { stat } from 'node:fs/promises';
import { BackupError, type TypoHint } from '../backup/errors';
import { WhatsAppImportError } from '../export/whatsapp-txt';
import type { CommandName } from './args';
import { CliError, ExitCode } from './exit-codes';
import { ioError } from './files';
import { wholeSizeAtLeast } from './truncation';

function typoSentence(typo: TypoHint): string {
  const where = typo.groups.length > 1 ? `Groups ${typo.groups.join(' and ')}` : `Group ${typo.group}`;
  const what = typo.kind === 'swap' ? 'two neighbouring digits look swapped' : 'one digit looks mistyped';
  return `${where} of the key ${typo.groups.length > 1 ? 'look' : 'looks'} wrong (${what}, at digit ${typo.position}): check it against your recovery kit.`;
}

const bytes = (n: number) => `${new Intl.NumberFormat('en').format(n)} bytes`;

/** What the command was working on, for facts a message can add (how much of a file is there). */
export interface FailureContext {
  command?: CommandName;
  /** The backup the command read. */
  file?: string;
}

/** "it ends partway through, after N bytes (a whole backup is at least M)", as far as it can be known. */
async function cutShortSentence(file: string | undefined): Promise<string> {
  if (file === undefined) return 'it ends partway through';
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return 'it ends partway through';
  }
  const atLeast = await wholeSizeAtLeast(file, size);
  return atLeast === undefined
    ? `it ends partway through its header, after ${bytes(size)}`
    : `it ends partway through, after ${bytes(size)}; a whole backup would be at least ${bytes(atLeast)}`;
}

export async function backupFailure(e: BackupError, context: FailureContext = {}): Promise<CliError> {
  const untouched = context.command === 'decrypt' ? ' Nothing was written.' : '';
  switch (e.kind) {
    case 'not-a-backup':
      return new CliError(ExitCode.notABackup, 'this is not a ChatSeal backup', `Check that you picked a ChatSeal .age file.${untouched}`, e.detail);
    case 'wrong-key': {
      const named = e.extra.keyId ? ` (the backup was made with key id ${e.extra.keyId})` : '';
      const hint = e.typo !== undefined ? typoSentence(e.typo) : 'Try the key or password you used when this backup was made, or add --keyring.';
      return new CliError(ExitCode.wrongKey, `this backup was made with a different key${named}`, hint + untouched, e.detail);
    }
    case 'corrupted':
      return new CliError(ExitCode.corrupted, 'the backup is damaged or was altered', `Download or copy it again.${untouched}`, e.detail);
    case 'truncated':
      return new CliError(
        ExitCode.truncated,
        `the backup is cut short: ${await cutShortSentence(context.file)}`,
        `The file may not have finished downloading or copying.${untouched}`,
        e.detail,
      );
    case 'mac-failed':
      return new CliError(
        ExitCode.macFailed,
        "the backup's signature does not match your key",
        `It was not made by ChatSeal with this key, or its contents were replaced.${untouched}`,
        e.detail,
      );
  }
}

/** A file that changed or vanished while it was read (a Blob of it refuses to read on). */
function isNotReadable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'NotReadableError';
}

export async function describeFailure(e: unknown, context: FailureContext = {}): Promise<CliError> {
  if (e instanceof CliError) return e;
  if (e instanceof BackupError) return backupFailure(e, context);
  if (e instanceof WhatsAppImportError) {
    return new CliError(ExitCode.badExport, e.message, 'Pick the .txt or .zip that WhatsApp\'s "Export chat" made.');
  }
  if (isNotReadable(e)) {
    return new CliError(ExitCode.io, `cannot read ${context.file ?? 'the file'}: it changed or was removed while it was read`, undefined, (e as Error).message);
  }
  const errno = e as NodeJS.ErrnoException;
  if (typeof errno?.code === 'string' && typeof errno.syscall === 'string') return ioError(e, errno.path ?? '', errno.syscall);
  return new CliError(ExitCode.internal, `unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}
