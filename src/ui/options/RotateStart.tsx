// Rotate key, first half: prove you hold the current key or password (a practice check, so a typo
// is caught before anything is made). The page keeps what was typed only until the new key's setup
// hands it to the worker, which checks it again and keeps the old key in the new keyring.
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode, KeySecret } from '../../messaging/protocol';
import { Notice } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { keyTextProblem } from '../key-text';
import { checkFailureText } from './CheckKey';
import { SecretInput, toSecret } from './SecretInput';

export function RotateStart(props: { mode: KeyMode; onProved: (current: KeySecret) => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isKey = props.mode === 'key';

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    const problem = isKey ? keyTextProblem(value) : value === '' ? t('currentPasswordEmpty') : null;
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      const current = toSecret(props.mode, value);
      const result = await callWorker('key.check', current);
      if (result.ok) {
        setValue('');
        props.onProved(current);
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
    <div class="rotate">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('rotateKey')}
      </button>
      {open && (
        <form onSubmit={submit} aria-label={t('rotateKey')}>
          <p>{t('rotateIntro')}</p>
          <SecretInput
            mode={props.mode}
            label={isKey ? t('currentKeyLabel') : t('currentPasswordLabel')}
            value={value}
            onInput={setValue}
            disabled={busy}
          />
          {error && <Notice kind="error">{error}</Notice>}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('continue')}
            </button>
          </div>
          {busy && <p role="status">{t('checking')}</p>}
        </form>
      )}
    </div>
  );
}
