// Rotate key, first half: prove you hold the current key or password (a practice check, so a typo
// is caught before anything is made). The page keeps what was typed only until the new key's setup
// hands it to the worker, which checks it again and keeps the old key in the new keyring.
import type { KeyMode, KeySecret } from '../../messaging/protocol';
import { t } from '../i18n';
import { ProveSecret } from './ProveSecret';

export function RotateStart(props: { mode: KeyMode; onProved: (current: KeySecret) => void; initiallyOpen?: boolean }) {
  const isKey = props.mode === 'key';
  return (
    <ProveSecret
      mode={props.mode}
      class="rotate"
      title={t('rotateKey')}
      intro={t('rotateIntro')}
      label={isKey ? t('currentKeyLabel') : t('currentPasswordLabel')}
      submit={t('continue')}
      emptyPassword={t('currentPasswordEmpty')}
      initiallyOpen={props.initiallyOpen}
      onProved={props.onProved}
    />
  );
}
