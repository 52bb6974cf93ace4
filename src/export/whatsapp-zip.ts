// The .zip WhatsApp writes with "Export chat → Attach media": the chat as a text file (_chat.txt on
// iOS, "WhatsApp Chat with X.txt" on Android) next to the media files it names. The zip is read
// from a Blob (zip.ts): the directory from its tail, the chat text whole, and each media entry only
// when asked, as a stream, so a caller can put media into a backup without holding them in memory.
import type { ChatExport, Warning } from './types';
import { mimeForName } from './mime';
import { decodeExportText, titleFromFileName, WhatsAppImportError } from './whatsapp-txt';
import { readZipDirectory, readZipEntry, verifiedStoredBlob, ZipError, zipEntryStream, type ZipEntry } from './zip';

export interface ZipMediaEntry {
  /** File name inside the zip, without folders: what the chat's attachment markers name. */
  name: string;
  /** Uncompressed size as the zip records it. */
  size: number;
  /**
   * The entry's bytes, inflated as they are read. The stream errors (WhatsAppImportError 'bad-zip')
   * when they do not match the size and CRC-32 the zip records. Each call reads the entry again.
   */
  open(): ReadableStream<Uint8Array>;
  /** The whole entry in memory, checked the same way (small entries). */
  read(): Promise<Uint8Array>;
  /**
   * Present for an entry stored without compression: one read checks its size and CRC-32, then its
   * bytes are given as a slice of the zip's Blob (read again by whoever needs them, never copied).
   */
  storedBlob?: () => Promise<Blob>;
}

export interface WhatsAppZip {
  chatFileName: string;
  text: string;
  /** The chat file was not valid UTF-8 and was decoded with replacement characters. */
  lossy: boolean;
  media: ZipMediaEntry[];
}

/** The chat text is read whole; beyond this it is not a chat file (a string this long fails anyway). */
export const MAX_CHAT_FILE_SIZE = 256 * 1024 * 1024;

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
// macOS adds resource forks under __MACOSX/ when a user re-zips a folder; they are not media.
const isNoise = (path: string) => path.endsWith('/') || path.startsWith('__MACOSX/') || baseName(path).startsWith('._');

function badZip(e: unknown): unknown {
  return e instanceof ZipError ? new WhatsAppImportError('bad-zip', `This file is not a readable zip archive (${e.message}).`) : e;
}

/** zipEntryStream with its ZipError turned into the import's own error, as every caller expects. */
function mediaStream(blob: Blob, entry: ZipEntry): ReadableStream<Uint8Array> {
  const reader = zipEntryStream(blob, entry).getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(badZip(e));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

async function mapZipError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw badZip(e);
  }
}

const readEntry = (blob: Blob, entry: ZipEntry) => mapZipError(readZipEntry(blob, entry));

function mediaEntry(blob: Blob, entry: ZipEntry): ZipMediaEntry {
  return {
    name: baseName(entry.name),
    size: entry.size,
    open: () => mediaStream(blob, entry),
    read: () => readEntry(blob, entry),
    ...(entry.method === 0 && !entry.encrypted ? { storedBlob: () => mapZipError(verifiedStoredBlob(blob, entry)) } : {}),
  };
}

/** Which entry holds the chat: _chat.txt, then a WhatsApp-named .txt, then the only .txt. */
function findChatEntry(entries: ZipEntry[]): ZipEntry {
  const texts = entries.filter((e) => !isNoise(e.name) && /\.txt$/i.test(e.name));
  const tiers = [
    texts.filter((e) => baseName(e.name) === '_chat.txt'),
    texts.filter((e) => titleFromFileName(baseName(e.name)) !== undefined),
    texts,
  ];
  for (const tier of tiers) {
    if (tier.length === 1) return tier[0]!;
    if (tier.length > 1) {
      throw new WhatsAppImportError(
        'ambiguous-chat-file',
        `The zip holds several chat files (${tier.map((e) => e.name).join(', ')}); unpack it and pick one.`,
      );
    }
  }
  throw new WhatsAppImportError('no-chat-file', 'The zip holds no chat text file (_chat.txt or "WhatsApp Chat … .txt").');
}

/** Reads a WhatsApp export zip: its directory and chat text now, its media when each is opened. */
export async function readWhatsAppZip(source: Blob | Uint8Array): Promise<WhatsAppZip> {
  const blob = source instanceof Blob ? source : new Blob([source as Uint8Array<ArrayBuffer>]);
  let entries: ZipEntry[];
  try {
    entries = await readZipDirectory(blob);
  } catch (e) {
    throw badZip(e);
  }
  const chat = findChatEntry(entries);
  if (chat.size > MAX_CHAT_FILE_SIZE) {
    throw new WhatsAppImportError('bad-zip', `The chat file in the zip is ${chat.size} bytes, too large to be a chat export.`);
  }
  const { text, lossy } = decodeExportText(await readEntry(blob, chat));
  const media = entries.filter((e) => e !== chat && !isNoise(e.name)).map((e) => mediaEntry(blob, e));
  return { chatFileName: baseName(chat.name), text, lossy, media };
}

/** What the backup writer returned for one stored media file (MediaRef), plus its type. */
export interface StoredMedia {
  sha256: string;
  size: number;
  /** media/<sha256>.<ext> inside the backup. */
  path: string;
  mime?: string;
}

/** File names the chat's attachments point at, in order of first mention. */
export function referencedMediaNames(doc: ChatExport): string[] {
  const names = new Set<string>();
  for (const m of doc.messages) for (const a of m.attachments ?? []) if (a.name !== undefined) names.add(a.name);
  return [...names];
}

/**
 * Fills in the attachments whose files were stored in the backup (status 'captured', sha256, size,
 * path, MIME type). Pure: returns a new document. Named attachments without a stored file stay as
 * they were and are counted in a 'media-missing' warning; stored files no message names are counted
 * in 'media-unreferenced' (they are still in the backup's media/ folder).
 */
export function attachMedia(doc: ChatExport, stored: ReadonlyMap<string, StoredMedia>): ChatExport {
  const byName = new Map<string, StoredMedia>();
  for (const [name, media] of stored) byName.set(name.normalize('NFC'), media);
  const used = new Set<string>();
  let missing = 0;

  const messages = doc.messages.map((m) => {
    if (!m.attachments) return m;
    const attachments = m.attachments.map((a) => {
      if (a.name === undefined || a.status === 'omitted') return a;
      const key = a.name.normalize('NFC');
      const file = byName.get(key);
      if (!file) {
        missing++;
        return a;
      }
      used.add(key);
      const mime = file.mime ?? a.mime ?? mimeForName(a.name);
      return {
        ...a,
        ...(mime ? { mime } : {}),
        size: file.size,
        sha256: file.sha256,
        path: file.path,
        status: 'captured' as const,
      };
    });
    return { ...m, attachments };
  });

  const unreferenced = [...byName.keys()].filter((name) => !used.has(name)).length;
  const warnings: Warning[] = doc.capture.warnings.filter((w) => w.code !== 'media-missing' && w.code !== 'media-unreferenced');
  if (missing > 0) {
    warnings.push({
      code: 'media-missing',
      message: `${missing === 1 ? 'One attachment names a file' : `${missing} attachments name files`} that the export did not include.`,
      count: missing,
    });
  }
  if (unreferenced > 0) {
    warnings.push({
      code: 'media-unreferenced',
      message: `${unreferenced === 1 ? 'One media file in the export belongs' : `${unreferenced} media files in the export belong`} to no message; kept in the backup's media folder.`,
      count: unreferenced,
    });
  }
  return { ...doc, capture: { ...doc.capture, warnings }, messages };
}
