// chatseal encrypt EXPORT -o BACKUP.age: the import page's job from a terminal. Parses the export,
// stores each media file of a .zip, then the chat, with the extension's BackupWriter; the
// ciphertext streams into a temporary file that becomes BACKUP.age only when complete.
import { lstat } from 'node:fs/promises';
import { BackupWriter, type BackupKey } from '../../backup/writer';
import { deriveKeyId, deriveMacKey, seedToRecipient, type KeyType } from '../../crypto/keys';
import { feedImport } from '../../import/feed';
import type { ParsedOptions } from '../args';
import { CliError, ExitCode } from '../exit-codes';
import { ioError, writeStreamAtomically } from '../files';
import { cliKeyDependencies } from '../key-deps';
import { readKeys, type CliKey } from '../key-source';
import { nodePrimitives } from '../native-crypto';
import { VERSION } from '../version';
import { readExport, reportParse } from '../whatsapp';

/** The extension's default type for new keys; digits alone do not say which type a key is. */
const DEFAULT_KEY_TYPE: KeyType = 'pq';

async function backupKeyFor(key: CliKey): Promise<BackupKey> {
  const type = key.type ?? DEFAULT_KEY_TYPE;
  return {
    recipient: await seedToRecipient(key.seed, type),
    keyId: await deriveKeyId(key.seed),
    macKey: await deriveMacKey(key.seed),
  };
}

async function assertAbsent(path: string): Promise<void> {
  try {
    await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw ioError(e, path, 'check');
  }
  throw new CliError(ExitCode.io, `${path} already exists`, 'Choose another name, or remove it first.');
}

export async function runEncrypt(file: string, options: ParsedOptions): Promise<void> {
  const output = options.output!;
  await assertAbsent(output);
  const parsed = await readExport(file, options);
  reportParse(parsed, options);
  const keys = await readKeys(options, cliKeyDependencies);
  if (keys.length !== 1) {
    throw new CliError(ExitCode.usage, `encrypt makes a backup for one key, and ${keys.length} were given`, 'Give only the current key (no keyring, one identity).');
  }
  const key = await backupKeyFor(keys[0]!);
  const writer = await BackupWriter.create(key, { appVersion: VERSION }, { primitives: nodePrimitives });
  const abortOn = async (e: unknown): Promise<never> => {
    await writer.abort(e).catch(() => undefined);
    throw e;
  };
  const writing = writeStreamAtomically(output, writer.ciphertext).catch(abortOn);
  const feeding = feedImport(writer, parsed.file, parsed.doc).catch(abortOn);
  const [, size] = await Promise.all([feeding, writing]);
  const type = keys[0]!.type ?? DEFAULT_KEY_TYPE;
  process.stdout.write(
    `Backup written to ${output} (${size} bytes): ${parsed.doc.messages.length} messages, ${parsed.file.media.length} media files, key id ${key.keyId} (${type === 'pq' ? 'post-quantum' : 'classic'}).\n`,
  );
}
