// Setup with a password: the worker makes the key and keeps it only as a standard age passphrase
// file (scrypt 2^18), which takes a couple of seconds; the page says so while it works.
import { useState } from 'preact/hooks';
import type { KeyType } from '../../crypto/keys';
import { callWorker } from '../../messaging/client';
import { Notice } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { EMPTY_PASSWORD, NewPasswordFields, newPasswordProblem } from '../password-fields';

export function PasswordSetup(props: { keyType: KeyType; onDone: () => void; onBack: () => void }) {
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
      const result = await callWorker('key.setupWithPassword', {
        password: value.password,
        keyType: props.keyType,
        generated: value.generated,
      });
      if (result.ok) {
        props.onDone();
        return;
      }
      setError(result.reason === 'empty' ? t('passwordEmpty') : t('passwordTooWeak'));
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
