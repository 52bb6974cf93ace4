// The import page's (and the CLI's) way in: the bytes of the file the user picked, .txt or .zip,
// become the chat text plus the media beside it, and then a chatseal/1 document. Two steps, so the
// page can ask "which one is you?" (listParticipants on `text`) between them.
import { sha256Hex } from '../crypto/bytes';
import type { ChatExport, Warning } from './types';
import { decodeExportText, parseWhatsAppExport, type WhatsAppParseOptions } from './whatsapp-txt';
import { readWhatsAppZip, referencedMediaNames, type ZipMediaEntry } from './whatsapp-zip';

export interface WhatsAppFile {
  /** The picked file: its name, size and SHA-256 go into source.file. */
  fileName: string;
  size: number;
  sha256: string;
  kind: 'txt' | 'zip';
  /** The chat file's own name (the picked file, or the entry inside the zip). */
  chatFileName: string;
  text: string;
  lossy: boolean;
  /** Files beside the chat in a zip; empty for a .txt. */
  media: ZipMediaEntry[];
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && b[3] === b[2] + 1;

export async function openWhatsAppFile(bytes: Uint8Array, fileName: string): Promise<WhatsAppFile> {
  const sha256 = await sha256Hex(bytes);
  if (isZip(bytes)) {
    const zip = readWhatsAppZip(bytes);
    return { fileName, size: bytes.length, sha256, kind: 'zip', ...zip };
  }
  const { text, lossy } = decodeExportText(bytes);
  return { fileName, size: bytes.length, sha256, kind: 'txt', chatFileName: fileName, text, lossy, media: [] };
}

export type ImportOptions = Omit<WhatsAppParseOptions, 'fileName' | 'file'>;

/**
 * Parses an opened file. Attachments stay 'not-loaded' until the caller has stored the media
 * (see attachMedia in whatsapp-zip.ts).
 */
export function importWhatsAppFile(file: WhatsAppFile, opts: ImportOptions = {}): ChatExport {
  const doc = parseWhatsAppExport(file.text, {
    ...opts,
    fileName: file.fileName,
    file: { size: file.size, sha256: file.sha256 },
  });
  const extra: Warning[] = [];
  if (file.lossy) {
    extra.push({
      code: 'invalid-utf8',
      message: 'The chat file is not valid UTF-8; unreadable bytes were replaced with \uFFFD.',
    });
  }
  const named = referencedMediaNames(doc).length;
  if (file.kind === 'txt' && named > 0) {
    extra.push({
      code: 'media-not-included',
      message: `The chat names ${named === 1 ? 'one media file' : `${named} media files`} that a .txt file does not hold; pick the export's .zip to include media.`,
      count: named,
    });
  }
  if (extra.length === 0) return doc;
  return { ...doc, capture: { ...doc.capture, warnings: [...doc.capture.warnings, ...extra] } };
}
