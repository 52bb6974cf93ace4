// Change password: re-encrypts only the key file; the key itself, and every backup, stay the same.
import { useId, useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import { Notice } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { checkFailureText } from './CheckKey';
import { EMPTY_PASSWORD, NewPasswordFields, newPasswordProblem } from '../password-fields';

export function ChangePassword() {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState(EMPTY_PASSWORD);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const currentId = useId();

  async function submit(event: Event) {
    event.preventDefault();
    setOutcome(null);
    if (current === '') {
      setOutcome({ ok: false, text: t('currentPasswordEmpty') });
      return;
    }
    const problem = await newPasswordProblem(next);
    if (problem) {
      setOutcome({ ok: false, text: problem });
      return;
    }
    setBusy(true);
    try {
      const result = await callWorker('key.changePassword', {
        currentPassword: current,
        newPassword: next.password,
        generated: next.generated,
      });
      if (result.ok) {
        setCurrent('');
        setNext(EMPTY_PASSWORD);
        setOpen(false);
        setOutcome({ ok: true, text: t('passwordChanged') });
        return;
      }
      setOutcome({ ok: false, text: checkFailureText(result) });
    } catch (e) {
      setOutcome({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="change-password">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('changePassword')}
      </button>
      {open && (
        <form onSubmit={submit} aria-label={t('changePassword')}>
          <p class="hint">{t('changePasswordIntro')}</p>
          <div class="field">
            <label for={currentId}>{t('currentPasswordLabel')}</label>
            <input
              id={currentId}
              type="password"
              autocomplete="current-password"
              value={current}
              disabled={busy}
              onInput={(e) => setCurrent(e.currentTarget.value)}
            />
          </div>
          <NewPasswordFields value={next} onChange={setNext} passwordLabel={t('newPasswordLabel')} disabled={busy} />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('saveNewPassword')}
            </button>
          </div>
          {busy && <p role="status">{t('passwordSetupWorking')}</p>}
        </form>
      )}
      {outcome && <Notice kind={outcome.ok ? 'success' : 'error'}>{outcome.text}</Notice>}
    </div>
  );
}
