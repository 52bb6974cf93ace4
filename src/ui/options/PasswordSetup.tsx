// Setup with a password: the worker makes the key and keeps it only as a standard age passphrase
// file (scrypt 2^18), which takes a couple of seconds; the page says so while it works.
import { useState } from 'preact/hooks';
import type { KeyType } from '../../crypto/keys';
import type { KeySecret, PasswordSetupResult, RotateResult } from '../../messaging/protocol';
import { callWorker } from '../../messaging/client';
import { BusyNote, FormActions, OutcomeNotice, useSubmit } from '../forms';
import { Step } from '../components';
import { t } from '../i18n';
import { refusalText } from '../key-text';
import { EMPTY_PASSWORD, NewPasswordFields, newPasswordProblem, type NewPassword } from '../password-fields';

function submitPassword(value: NewPassword, keyType: KeyType, rotateFrom: KeySecret | undefined): Promise<PasswordSetupResult | RotateResult> {
  if (!rotateFrom) {
    return callWorker('key.setupWithPassword', { password: value.password, keyType, generated: value.generated });
  }
  return callWorker('key.rotate', {
    current: rotateFrom,
    mode: 'password',
    keyType,
    newPassword: value.password,
    generated: value.generated,
  });
}

export function PasswordSetup(props: { keyType: KeyType; rotateFrom?: KeySecret; onDone: () => void; onBack: () => void }) {
  const [value, setValue] = useState(EMPTY_PASSWORD);
  const form = useSubmit();

  const submit = form.handle({
    check: () => newPasswordProblem(value),
    run: async () => {
      const result = await submitPassword(value, props.keyType, props.rotateFrom);
      if (!result.ok) return refusalText(result);
      props.onDone();
    },
  });

  return (
    <Step heading={t('passwordSetupHeading')}>
      <p>{t('passwordSetupOffline')}</p>
      <form onSubmit={submit}>
        <NewPasswordFields value={value} onChange={setValue} disabled={form.busy} />
        <OutcomeNotice outcome={form.outcome} />
        <BusyNote busy={form.busy} text={t('passwordSetupWorking')} />
        <FormActions submit={t('turnOnBackups')} busy={form.busy} onBack={props.onBack} />
      </form>
    </Step>
  );
}
