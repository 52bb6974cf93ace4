// The import page's (and the CLI's) way in: the file the user picked, .txt or .zip, becomes the chat
// text plus the media beside it, and then a chatseal/1 document. Two steps, so the page can ask
// "which one is you?" (listParticipants on `text`) between them. The file is a Blob (a picked File,
// or fs.openAsBlob in the CLI): a zip is never loaded whole (whatsapp-zip.ts), and its SHA-256 for
// source.file is computed as it streams past.
import { nobleSha256, type Sha256Factory } from '../age/primitives';
import { sha256Hex, toHex } from '../crypto/bytes';
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

export interface OpenFileOptions {
  /** Incremental SHA-256 for a zip's file hash (default @noble/hashes; the CLI passes node:crypto's). */
  sha256?: Sha256Factory;
  /** 0…1 in whole percents while a zip is hashed (the long part of opening a large export). */
  onProgress?: (fraction: number) => void;
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && b[3] === b[2] + 1;

async function hashBlob(blob: Blob, factory: Sha256Factory, onProgress?: (fraction: number) => void): Promise<string> {
  const hash = factory();
  const reader = (blob.stream() as ReadableStream<Uint8Array>).getReader();
  let seen = 0;
  let reported = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    seen += value.length;
    // Whole percents only: a large file is thousands of chunks, and each report may redraw a page.
    const percent = Math.floor((seen / blob.size) * 100);
    if (onProgress !== undefined && percent !== reported) {
      reported = percent;
      onProgress(percent / 100);
    }
  }
  return toHex(hash.digest());
}

export async function openWhatsAppFile(source: Blob | Uint8Array, fileName: string, options: OpenFileOptions = {}): Promise<WhatsAppFile> {
  const blob = source instanceof Blob ? source : new Blob([source as Uint8Array<ArrayBuffer>]);
  if (isZip(new Uint8Array(await blob.slice(0, 4).arrayBuffer()))) {
    const zip = await readWhatsAppZip(blob);
    const sha256 = await hashBlob(blob, options.sha256 ?? nobleSha256, options.onProgress);
    return { fileName, size: blob.size, sha256, kind: 'zip', ...zip };
  }
  // A chat text is read whole anyway; WebCrypto hashes it natively in one call.
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(await blob.arrayBuffer());
  const { text, lossy } = decodeExportText(bytes);
  return { fileName, size: bytes.length, sha256: await sha256Hex(bytes), kind: 'txt', chatFileName: fileName, text, lossy, media: [] };
}

/** A date order the user picked for a file whose dates fit both (every day 12 or less). */
export type ChosenDateOrder = 'dmy' | 'mdy';

export type ImportOptions = Omit<WhatsAppParseOptions, 'fileName' | 'file'> & {
  /**
   * Overrides the locale for day/month order, only where the locale would decide (every day 12
   * or less, and time order does not tell); the file's own evidence always wins. The warning then
   * says the user chose ('date-order-chosen' instead of 'date-order-from-locale').
   */
  dateOrder?: ChosenDateOrder;
};

// The parser takes the order from a locale where the file cannot decide; these two write dates
// day-first and month-first respectively.
const LOCALE_FOR_ORDER: Record<ChosenDateOrder, string> = { dmy: 'en-GB', mdy: 'en-US' };
const ORDER_WORDS: Record<ChosenDateOrder, string> = { dmy: 'day/month/year', mdy: 'month/day/year' };

function chosenOrderWarning(order: ChosenDateOrder): Warning {
  return {
    code: 'date-order-chosen',
    message:
      'No day in the file is above 12, so dates read both as day/month and as month/day; ' +
      `they were read as ${ORDER_WORDS[order]}, as chosen when the file was imported.`,
  };
}

/**
 * Parses an opened file. Attachments stay 'not-loaded' until the caller has stored the media
 * (see attachMedia in whatsapp-zip.ts).
 */
export function importWhatsAppFile(file: WhatsAppFile, opts: ImportOptions = {}): ChatExport {
  const { dateOrder, ...parseOptions } = opts;
  const parsed = parseWhatsAppExport(file.text, {
    ...parseOptions,
    ...(dateOrder !== undefined ? { locale: LOCALE_FOR_ORDER[dateOrder] } : {}),
    fileName: file.fileName,
    file: { size: file.size, sha256: file.sha256 },
  });
  const doc =
    dateOrder !== undefined && parsed.capture.warnings.some((w) => w.code === 'date-order-from-locale')
      ? {
          ...parsed,
          capture: {
            ...parsed.capture,
            warnings: parsed.capture.warnings.map((w) => (w.code === 'date-order-from-locale' ? chosenOrderWarning(dateOrder) : w)),
          },
        }
      : parsed;
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
