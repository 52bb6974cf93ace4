// An encrypted import goes to the outbox too, so it reaches Google Drive like a captured chat:
// hash the finished ciphertext, add it (the file name it gets is the outbox's own, dated and
// random), keep the chat's title in session memory only, and wake the worker's upload manager.
import { blobSha256 } from '../backup/blob-sha256';
import { Outbox, type OutboxItem } from '../backup/outbox';
import { rememberTitle } from '../backup/titles';
import type { ChatExport } from '../export/types';
import { callWorker } from '../messaging/client';
import { openChatSealDb } from '../store/db';
import type { EncryptedBackup } from './pipeline';

export async function queueForDrive(backup: EncryptedBackup, doc: ChatExport, outbox = new Outbox(() => openChatSealDb())): Promise<OutboxItem> {
  const item = await outbox.add({
    kind: 'backup',
    blob: backup.blob,
    sha256: await blobSha256(backup.blob),
    keyId: backup.keyId,
    createdAt: new Date().toISOString(),
    fileName: backup.fileName,
    complete: doc.capture.reachedStart,
    messageCount: doc.messages.length,
  });
  await rememberTitle(item.id, doc.conversation.title ?? '').catch(() => undefined);
  await callWorker('outbox.kick', {});
  return item;
}
