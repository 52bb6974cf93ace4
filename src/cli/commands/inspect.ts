// chatseal inspect BACKUP.age: what the file shows without a key. Nothing here is authenticated.
import { inspectBackup } from '../../backup/reader';
import type { ParsedOptions } from '../args';
import { assertReadableFile, fileSource } from '../files';

export async function runInspect(file: string, options: ParsedOptions): Promise<void> {
  await assertReadableFile(file);
  const info = await inspectBackup(fileSource(file));
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  const rows: [string, string][] = [
    ['key id', info.keyId ?? '(none: not made by ChatSeal)'],
    ['file size', `${info.fileSize} bytes`],
    ['header size', `${info.headerSize} bytes`],
    ['payload size', `${info.payloadSize} bytes (plaintext)`],
    ['chunks', String(info.chunks)],
    ['stanza types', info.stanzaTypes.join(', ')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`Not checked: inspect reads the header and sizes only, without a key.\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
}
