// "Check my key" / "Check my password": a practice unlock; success restarts the reminder.
import type { KeyMode } from '../../messaging/protocol';
import { t } from '../i18n';
import { ProveSecret } from './ProveSecret';

/** The check form's field, for a page opened to check the key (OPTIONS_CHECK_HASH). */
export const CHECK_FIELD_SELECTOR = '.check-key .disclosure-panel textarea, .check-key .disclosure-panel input';

export function CheckKey(props: { mode: KeyMode; onChecked: () => void; initiallyOpen?: boolean }) {
  const isKey = props.mode === 'key';
  return (
    <ProveSecret
      mode={props.mode}
      class="check-key"
      title={isKey ? t('checkMyKey') : t('checkMyPassword')}
      intro={isKey ? t('checkKeyIntro') : t('checkPasswordIntro')}
      label={isKey ? t('yourKeyLabel') : t('yourPasswordLabel')}
      submit={t('check')}
      emptyPassword={t('passwordEmpty')}
      initiallyOpen={props.initiallyOpen}
      onProved={() => {
        props.onChecked();
        return { ok: true, text: isKey ? t('checkKeyOk') : t('checkPasswordOk') };
      }}
    />
  );
}
