// chatseal convert EXPORT.txt|EXPORT.zip: the chatseal/1 document the extension's parser makes,
// on standard output. For a .zip, each media file is hashed and its attachments are filled in as a
// backup stores them (media/<sha256>.<ext>), so convert prints the document `encrypt` embeds.
import { describeImportMedia, withStoredMedia } from '../../import/feed';
import type { ParsedOptions } from '../args';
import { nodeSha256 } from '../native-crypto';
import { readExport, reportParse } from '../whatsapp';

export async function runConvert(file: string, options: ParsedOptions): Promise<void> {
  const parsed = await readExport(file, options);
  reportParse(parsed, options);
  const doc = withStoredMedia(parsed.doc, await describeImportMedia(parsed.file, nodeSha256));
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
