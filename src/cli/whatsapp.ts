// Reading a WhatsApp export for convert and encrypt, with the extension's own parser
// (src/export/whatsapp-import.ts), plus what the terminal should hear about it. The file is opened
// as a Blob (fs.openAsBlob), as the import page opens a picked File, so a large .zip is read in
// slices and never loaded whole.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { ChatExport } from '../export/types';
import { importWhatsAppFile, openWhatsAppFile, type WhatsAppFile } from '../export/whatsapp-import';
import { listParticipants } from '../export/whatsapp-txt';
import type { ParsedOptions } from './args';
import { assertReadableFile, ioError } from './files';
import { nodeSha256 } from './native-crypto';

export interface ParsedExport {
  file: WhatsAppFile;
  doc: ChatExport;
}

/** The locale deciding day/month order when the file cannot: --locale, else the environment's. */
function localeFor(options: ParsedOptions): string {
  return options.locale ?? Intl.DateTimeFormat().resolvedOptions().locale;
}

export async function readExport(path: string, options: ParsedOptions): Promise<ParsedExport> {
  await assertReadableFile(path);
  let blob: Blob;
  try {
    blob = await openAsBlob(path);
  } catch (e) {
    throw ioError(e, path, 'read');
  }
  const file = await openWhatsAppFile(blob, basename(path), { sha256: nodeSha256 });
  const locale = localeFor(options);
  const me = options.me;
  if (me !== undefined) {
    const names = listParticipants(file.text, { locale }).map((p) => p.name);
    if (!names.includes(me)) {
      process.stderr.write(`chatseal: warning: nobody called ${JSON.stringify(me)} wrote in this chat; participants: ${names.map((n) => JSON.stringify(n)).join(', ')}\n`);
    }
  }
  const doc = importWhatsAppFile(file, me === undefined ? { locale } : { me, locale });
  return { file, doc };
}

/** Tells the terminal about lines the parser could not read and about a missing --me. */
export function reportParse({ file, doc }: ParsedExport, options: ParsedOptions): void {
  const unparsed = doc.capture.unparsedLines;
  if (unparsed.length > 0) {
    process.stderr.write(`chatseal: ${unparsed.length === 1 ? '1 line' : `${unparsed.length} lines`} could not be read as messages (kept in capture.unparsedLines):\n`);
    for (const u of unparsed.slice(0, 10)) process.stderr.write(`  line ${u.line}: ${u.text}\n`);
    if (unparsed.length > 10) process.stderr.write(`  … and ${unparsed.length - 10} more\n`);
  }
  if (options.me === undefined) {
    const names = listParticipants(file.text, { locale: localeFor(options) }).map((p) => JSON.stringify(p.name));
    if (names.length > 0) process.stderr.write(`chatseal: no --me given, so no message is marked as sent by you; participants: ${names.join(', ')}\n`);
  }
}
