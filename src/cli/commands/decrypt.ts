// chatseal decrypt BACKUP.age -o FOLDER: authenticate everything, unpack into a private temporary
// folder next to FOLDER, and move into FOLDER only when the whole backup checked out. Entries are
// streamed to their files (chat.json through gunzip), so memory does not grow with their size.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openBackupStreaming } from '../../backup/reader';
import type { ParsedOptions } from '../args';
import { CliError, ExitCode } from '../exit-codes';
import { assertReadableFile, conflicts, destinationState, entryFile, fileSource, ioError, moveIntoPlace, removeTempDir, withTempDirNextTo } from '../files';
import { cliKeyDependencies } from '../key-deps';
import { readKeys } from '../key-source';
import { nodePrimitives } from '../native-crypto';
import { printSummary } from '../summary';

/** What FOLDER receives; checked for conflicts before any work. */
export const DECRYPT_OUTPUTS = ['chat.json', 'media', 'manifest.json'] as const;

const MEDIA_NAME = /^media\/[0-9a-f]{64}(\.[0-9a-z]{1,16})?$/u;

/**
 * Where one released tar entry goes, or null to leave it out. Names were authenticated by the
 * reader; the pattern check is a second, local guard that nothing escapes the folder.
 */
export function outputNameFor(entryName: string): string | null {
  if (entryName === 'chat.json.gz') return 'chat.json';
  if (entryName === 'manifest.json') return 'manifest.json';
  if (entryName === 'manifest.mac' || entryName === 'padding') return null;
  if (MEDIA_NAME.test(entryName)) return entryName;
  throw new CliError(ExitCode.corrupted, `the backup holds an entry with an unexpected name: ${JSON.stringify(entryName)}`);
}

export async function runDecrypt(file: string, options: ParsedOptions): Promise<void> {
  const dest = options.output!;
  await assertReadableFile(file);
  const state = await destinationState(dest);
  if (state === 'not-a-folder') throw new CliError(ExitCode.io, `${dest} exists and is not a folder`);
  if (state === 'non-empty') {
    const taken = await conflicts(dest, DECRYPT_OUTPUTS);
    if (taken.length > 0) {
      throw new CliError(ExitCode.io, `${dest} already holds ${taken.join(', ')}`, 'Choose an empty or new folder; nothing was written.');
    }
  }
  const keys = await readKeys(options, cliKeyDependencies);
  const { dir, result: verified } = await withTempDirNextTo(dest, async (tmp) => {
    let mediaDir = false;
    return openBackupStreaming(
      fileSource(file),
      keys,
      async ({ name }) => {
        const out = outputNameFor(name);
        if (out === null) return null;
        if (out.startsWith('media/') && !mediaDir) {
          try {
            await mkdir(join(tmp, 'media'), { mode: 0o700 });
          } catch (e) {
            throw ioError(e, join(tmp, 'media'), 'create');
          }
          mediaDir = true;
        }
        return entryFile(join(tmp, out), { gunzip: name === 'chat.json.gz' });
      },
      { primitives: nodePrimitives },
    );
  });
  try {
    await moveIntoPlace(dir, dest);
  } catch (e) {
    await removeTempDir(dir);
    throw e;
  }
  printSummary(verified, { json: false, heading: `Backup verified and written to ${dest}: chat.json, manifest.json${verified.manifest.entries.some((e) => e.name.startsWith('media/')) ? ', media/' : ''}.` });
}
