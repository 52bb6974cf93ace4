// Setup with a password: the worker makes the key and keeps it only as a standard age passphrase
// file (scrypt 2^18), which takes a couple of seconds; the page says so while it works.
import { useState } from 'preact/hooks';
import type { KeyType } from '../../crypto/keys';
import type { KeySecret, PasswordSetupResult, RotateResult } from '../../messaging/protocol';
import { callWorker } from '../../messaging/client';
import { Notice } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { EMPTY_PASSWORD, NewPasswordFields, newPasswordProblem, type NewPassword } from '../password-fields';
import { checkFailureText } from './CheckKey';

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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    const problem = await newPasswordProblem(value);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      const result = await submitPassword(value, props.keyType, props.rotateFrom);
      if (result.ok) {
        props.onDone();
        return;
      }
      setError(checkFailureText(result));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="password-setup-heading">
      <h2 id="password-setup-heading">{t('passwordSetupHeading')}</h2>
      <p>{t('passwordSetupOffline')}</p>
      <form onSubmit={submit}>
        <NewPasswordFields value={value} onChange={setValue} disabled={busy} />
        {error && <Notice kind="error">{error}</Notice>}
        <div aria-live="polite">{busy && <p role="status">{t('passwordSetupWorking')}</p>}</div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('turnOnBackups')}
          </button>
          <button type="button" onClick={props.onBack} disabled={busy}>
            {t('back')}
          </button>
        </div>
      </form>
    </section>
  );
}
