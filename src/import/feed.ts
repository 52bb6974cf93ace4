// Feeding a parsed WhatsApp export into a BackupWriter: each media file of a .zip, then the chat
// with its attachments pointing at the stored entries. Shared by the import page (pipeline.ts)
// and the CLI's encrypt, so it imports nothing of the browser (no messaging, no IndexedDB). The
// CLI's convert describes the same media without a writer (describeImportMedia), so its document
// is the one a backup holds.
import { nobleSha256, type Sha256Factory } from '../age/primitives';
import { MEDIA_EXT, type BackupWriter, type MediaInput, type MediaRef } from '../backup/writer';
import { toHex } from '../crypto/bytes';
import { extensionOf } from '../export/mime';
import type { ChatExport } from '../export/types';
import { attachMedia, type StoredMedia, type ZipMediaEntry } from '../export/whatsapp-zip';

/** The name's extension when the backup format allows it (1-10 letters or digits), else "bin". */
export function mediaExtension(name: string): string {
  const ext = extensionOf(name);
  return MEDIA_EXT.test(ext) ? ext : 'bin';
}

/**
 * Media up to this size are inflated into memory, one at a time, and hashed natively in one call
 * (WebCrypto: about ten times the pure-JS SHA-256 the writer streams with, which dominates the
 * import's time otherwise). Most WhatsApp media are smaller. Larger ones are never held whole: a
 * stored entry goes to the writer as a slice of the zip's Blob (read to check its CRC, then hashed
 * once by the writer), a deflated one as a stream factory (inflated and hashed twice).
 */
export const MEDIA_IN_MEMORY = 16 * 1024 * 1024;

async function mediaInput(entry: ZipMediaEntry): Promise<MediaInput> {
  if (entry.size <= MEDIA_IN_MEMORY) return entry.read();
  if (entry.storedBlob !== undefined) return entry.storedBlob();
  return () => entry.open();
}

/** The chat as the backup holds it: attachments filled in from what was stored. */
export function withStoredMedia(doc: ChatExport, stored: ReadonlyMap<string, StoredMedia>): ChatExport {
  return stored.size > 0 ? attachMedia(doc, stored) : doc;
}

/**
 * Adds every media entry, then finishes the backup with `doc` (attachments filled in). The zip
 * stays in its Blob: one entry is read at a time, written, then dropped. A failure rejects; the
 * caller aborts the writer. `onMedia` follows progress.
 */
export async function feedImport(
  writer: BackupWriter,
  file: { media: readonly ZipMediaEntry[] },
  doc: ChatExport,
  onMedia?: (entry: ZipMediaEntry, ref: MediaRef) => void,
): Promise<void> {
  const stored = new Map<string, StoredMedia>();
  for (const entry of file.media) {
    const ref = await writer.addMedia(await mediaInput(entry), mediaExtension(entry.name));
    stored.set(entry.name, { sha256: ref.sha256, size: ref.size, path: ref.path });
    onMedia?.(entry, ref);
  }
  await writer.finish(withStoredMedia(doc, stored));
}

/**
 * What feedImport would store for each media entry, without a backup: each entry hashed once, and
 * named as the writer names media (media/<sha256>.<ext>, docs/FORMAT.md).
 */
export async function describeImportMedia(
  file: { media: readonly ZipMediaEntry[] },
  sha256: Sha256Factory = nobleSha256,
): Promise<Map<string, StoredMedia>> {
  const stored = new Map<string, StoredMedia>();
  for (const entry of file.media) {
    const hash = sha256();
    let size = 0;
    const reader = entry.open().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      size += value.length;
    }
    const digest = toHex(hash.digest());
    stored.set(entry.name, { sha256: digest, size, path: `media/${digest}.${mediaExtension(entry.name)}` });
  }
  return stored;
}
