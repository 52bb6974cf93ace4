import { describe, expect, it } from 'vitest';
import { WhatsAppImportError } from '../../../src/export/whatsapp-txt';
import { BackupKeyUnavailableError } from '../../../src/import/backup-key';
import { WorkerError } from '../../../src/messaging/errors';
import { errorText } from '../../../src/ui/errors';
import { importErrorText } from '../../../src/ui/import/import-errors';
import { t } from '../../../src/ui/i18n';

describe('importErrorText', () => {
  it('words each kind of unreadable export', () => {
    expect(importErrorText(new WhatsAppImportError('not-a-whatsapp-export', 'x'))).toBe(t('importErrorNotWhatsApp'));
    expect(importErrorText(new WhatsAppImportError('bad-zip', 'x'))).toBe(t('importErrorBadZip'));
    expect(importErrorText(new WhatsAppImportError('no-chat-file', 'x'))).toBe(t('importErrorNoChatFile'));
    expect(importErrorText(new WhatsAppImportError('ambiguous-chat-file', 'x'))).toBe(t('importErrorAmbiguous'));
    expect(new Set([t('importErrorNotWhatsApp'), t('importErrorBadZip'), t('importErrorNoChatFile'), t('importErrorAmbiguous')]).size).toBe(4);
  });

  it('says to set up a key when the MAC key cannot be read, and falls back to the general words', () => {
    expect(importErrorText(new BackupKeyUnavailableError('mac-key-missing', 'x'))).toBe(t('importErrorNoKey'));
    expect(importErrorText(new WorkerError('unreachable', 'x'))).toBe(errorText(new WorkerError('unreachable', 'x')));
    expect(importErrorText(new Error('quota'))).toBe('Something went wrong: quota. Nothing was changed; try again.');
  });
});
