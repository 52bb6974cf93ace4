import { WorkerError } from '../messaging/errors';
import { t } from './i18n';

/** A sentence for a failed worker call: known codes get their own words, others say what to do. */
export function errorText(error: unknown): string {
  if (error instanceof WorkerError) {
    switch (error.code) {
      case 'no-key':
        return t('errorNoKey');
      case 'no-pending-key':
        return t('errorNoPendingKey');
      case 'key-exists':
        return t('errorKeyExists');
      case 'unreachable':
      case 'no-response':
        return t('errorUnreachable');
    }
  }
  const detail = error instanceof Error ? error.message : String(error);
  return t('errorGeneric', detail);
}
