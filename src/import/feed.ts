// Feeding a parsed WhatsApp export into a BackupWriter: each media file of a .zip, then the chat
// with its attachments pointing at the stored entries. Shared by the import page (pipeline.ts)
// and the CLI's encrypt, so it imports nothing of the browser (no messaging, no IndexedDB).
import { MEDIA_EXT, type BackupWriter, type MediaRef } from '../backup/writer';
import { extensionOf } from '../export/mime';
import type { ChatExport } from '../export/types';
import { attachMedia, type StoredMedia, type ZipMediaEntry } from '../export/whatsapp-zip';

/** The name's extension when the backup format allows it (1-10 letters or digits), else "bin". */
export function mediaExtension(name: string): string {
  const ext = extensionOf(name);
  return MEDIA_EXT.test(ext) ? ext : 'bin';
}

/**
 * Adds every media entry, then finishes the backup with `doc` (attachments filled in). The zip
 * stays compressed in memory: one entry is inflated at a time, written, then dropped. A failure
 * rejects; the caller aborts the writer. `onMedia` follows progress.
 */
export async function feedImport(
  writer: BackupWriter,
  file: { media: readonly ZipMediaEntry[] },
  doc: ChatExport,
  onMedia?: (entry: ZipMediaEntry, ref: MediaRef) => void,
): Promise<void> {
  const stored = new Map<string, StoredMedia>();
  for (const entry of file.media) {
    const ref = await writer.addMedia(entry.read(), mediaExtension(entry.name));
    stored.set(entry.name, { sha256: ref.sha256, size: ref.size, path: ref.path });
    onMedia?.(entry, ref);
  }
  await writer.finish(stored.size > 0 ? attachMedia(doc, stored) : doc);
}
