// chatseal convert EXPORT.txt|EXPORT.zip: the chatseal/1 document the extension's parser makes,
// on standard output. Attachments stay as the parser leaves them (a backup records their bytes).
import type { ParsedOptions } from '../args';
import { readExport, reportParse } from '../whatsapp';

export async function runConvert(file: string, options: ParsedOptions): Promise<void> {
  const parsed = await readExport(file, options);
  reportParse(parsed, options);
  process.stdout.write(`${JSON.stringify(parsed.doc, null, 2)}\n`);
}
