import type { KeyMode } from '../../messaging/protocol';
import { formatKeyId, Step } from '../components';
import { t } from '../i18n';
import { KeyFileButton } from './KeyFileButton';

/** The end of every setup: backups are on, with what to do next. */
export function BackupsOn(props: { mode: KeyMode; keyId: string; rotated: boolean; onContinue: () => void }) {
  return (
    <Step heading={t('backupsOnHeading')}>
      <p role="status">{props.rotated ? t('backupsOnRotated', formatKeyId(props.keyId)) : t('backupsOnText', formatKeyId(props.keyId))}</p>
      <p>{t('backupsOnLater')}</p>
      {props.mode === 'password' && (
        <>
          <p>{t('keyFileExplain')}</p>
          <KeyFileButton />
        </>
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={props.onContinue}>
          {t('done')}
        </button>
      </div>
    </Step>
  );
}
