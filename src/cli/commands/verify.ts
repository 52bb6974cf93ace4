// chatseal verify BACKUP.age: the authentication pass alone; writes nothing.
import { verifyBackup } from '../../backup/reader';
import type { ParsedOptions } from '../args';
import { assertReadableFile, fileSource } from '../files';
import { cliKeyDependencies } from '../key-deps';
import { readKeys } from '../key-source';
import { nodePrimitives } from '../native-crypto';
import { printSummary } from '../summary';

export async function runVerify(file: string, options: ParsedOptions): Promise<void> {
  await assertReadableFile(file);
  const keys = await readKeys(options, cliKeyDependencies);
  const verified = await verifyBackup(fileSource(file), keys, { primitives: nodePrimitives });
  printSummary(verified, {
    json: options.json === true,
    heading: 'Backup verified: every byte, the signature made with your key and every entry check out.',
  });
}
