import { WhatsAppImportError } from '../../export/whatsapp-txt';
import { BackupKeyUnavailableError } from '../../import/backup-key';
import { errorText } from '../errors';
import { t } from '../i18n';

export function importErrorText(error: unknown): string {
  if (error instanceof WhatsAppImportError) {
    switch (error.kind) {
      case 'not-a-whatsapp-export':
        return t('importErrorNotWhatsApp');
      case 'bad-zip':
        return t('importErrorBadZip');
      case 'no-chat-file':
        return t('importErrorNoChatFile');
      case 'ambiguous-chat-file':
        return t('importErrorAmbiguous');
    }
  }
  if (error instanceof BackupKeyUnavailableError) return t('importErrorNoKey');
  return errorText(error);
}
