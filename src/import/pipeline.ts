// The import page's work, outside any component so tests drive it directly:
//   open (the picked File -> text + media) -> participants -> parse with "me" -> encrypt into one
//   .age Blob. The chat stays in this page's memory; the only thing that leaves it is the
//   ciphertext. Memory stays flat with the export's size: the zip is read from the File in slices,
//   one media entry at a time, and the ciphertext is folded into a Blob as it comes
//   (ciphertext-blob.ts).
import type { BackupKey } from '../backup/writer';
import { BackupWriter } from '../backup/writer';
import type { ChatExport } from '../export/types';
import { importWhatsAppFile, openWhatsAppFile, type ChosenDateOrder, type WhatsAppFile } from '../export/whatsapp-import';
import { listParticipants, type ParticipantSummary } from '../export/whatsapp-txt';
import { loadBackupKey } from './backup-key';
import { CiphertextBlob } from './ciphertext-blob';
import { feedImport } from './feed';
import { backupFileName } from './file-name';

export { mediaExtension } from './feed';

export interface OpenedImport {
  file: WhatsAppFile;
  participants: ParticipantSummary[];
}

export async function openImport(picked: Blob | Uint8Array, fileName: string, onProgress?: (fraction: number) => void): Promise<OpenedImport> {
  const file = await openWhatsAppFile(picked, fileName, onProgress ? { onProgress } : {});
  return { file, participants: listParticipants(file.text) };
}

/**
 * `me` null: the user chose "None of these" (directions stay unknown, with a warning).
 * `dateOrder`: the user's choice for a file whose dates fit both orders (see the summary's
 * `dateOrder`); without it the browser's locale decides there.
 */
export function parseImport(file: WhatsAppFile, me: string | null, dateOrder?: ChosenDateOrder): ChatExport {
  return importWhatsAppFile(file, { ...(me === null ? {} : { me }), ...(dateOrder === undefined ? {} : { dateOrder }) });
}

export interface EncryptedBackup {
  blob: Blob;
  fileName: string;
  /** Bytes of the .age file. */
  size: number;
  keyId: string;
}

export interface EncryptImportInput {
  file: WhatsAppFile;
  doc: ChatExport;
  appVersion: string;
  /** 0…1 as media and then the chat go into the backup. */
  onProgress?: (fraction: number) => void;
  loadKey?: () => Promise<BackupKey>;
  now?: () => Date;
  /** Receives the ciphertext (tests read its peak); default a fresh CiphertextBlob. */
  sink?: CiphertextBlob;
}

export async function encryptImport(input: EncryptImportInput): Promise<EncryptedBackup> {
  const { file, doc } = input;
  const key = await (input.loadKey ?? loadBackupKey)();
  const now = input.now ?? (() => new Date());
  const report = input.onProgress ?? (() => undefined);

  const writer = await BackupWriter.create(key, { appVersion: input.appVersion, createdAt: now().toISOString() });
  const sink = input.sink ?? new CiphertextBlob();

  // The writer's output must be read while it is written (it applies back-pressure), so the
  // ciphertext is collected concurrently with feeding the entries in.
  const collect = (async () => {
    const reader = writer.ciphertext.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      sink.push(value);
    }
  })();

  // Progress by plaintext fed in: media sizes, then the chat counted as one more media-sized step.
  const mediaTotal = file.media.reduce((sum, m) => sum + m.size, 0);
  const chatWeight = Math.max(1, Math.round(mediaTotal / Math.max(1, file.media.length)));
  const total = mediaTotal + chatWeight;
  let fed = 0;

  const feed = feedImport(writer, file, doc, (entry) => {
    fed += entry.size;
    report(fed / total);
  });

  try {
    await Promise.all([feed, collect]);
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
    await Promise.allSettled([feed, collect]);
    throw error;
  }
  report(1);
  return {
    blob: sink.finish(),
    fileName: backupFileName(now()),
    size: sink.size,
    keyId: key.keyId,
  };
}
