// "Check my key" / "Check my password": a practice unlock; success restarts the reminder.
import type { KeyMode } from '../../messaging/protocol';
import { t } from '../i18n';
import { ProveSecret } from './ProveSecret';

export function CheckKey(props: { mode: KeyMode; onChecked: () => void }) {
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
      onProved={() => {
        props.onChecked();
        return { ok: true, text: isKey ? t('checkKeyOk') : t('checkPasswordOk') };
      }}
    />
  );
}
