import { WhatsAppImportError, type WhatsAppImportErrorKind } from '../../export/whatsapp-txt';
import { BackupKeyUnavailableError } from '../../import/backup-key';
import { errorText, type ErrorWords } from '../errors';
import type { MessageKey } from '../i18n';

const IMPORT_ERROR_WORDS: Record<WhatsAppImportErrorKind, MessageKey> = {
  'not-a-whatsapp-export': 'importErrorNotWhatsApp',
  'bad-zip': 'importErrorBadZip',
  'no-chat-file': 'importErrorNoChatFile',
  'ambiguous-chat-file': 'importErrorAmbiguous',
};

const importWords: ErrorWords = (error) => {
  if (error instanceof WhatsAppImportError) return IMPORT_ERROR_WORDS[error.kind];
  if (error instanceof BackupKeyUnavailableError) return 'importErrorNoKey';
  return undefined;
};

export function importErrorText(error: unknown): string {
  return errorText(error, [importWords]);
}
