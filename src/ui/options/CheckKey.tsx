// "Check my key" / "Check my password": a practice unlock. A near miss on a 64-digit key says which
// group looks wrong.
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode, PasswordRefusal, SecretRefusal, TypoHelp } from '../../messaging/protocol';
import { Notice } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { describeRefusal, describeTypo, keyTextProblem } from '../key-text';
import { SecretInput, toSecret } from './SecretInput';

/** Why a typed key or password (or a new password) was not accepted, in words. */
export function checkFailureText(result: { reason: SecretRefusal | PasswordRefusal | 'keyring-damaged'; typo?: TypoHelp }): string {
  switch (result.reason) {
    case 'wrong-password':
      return t('checkWrongPassword');
    case 'wrong-key':
      return result.typo ? `${t('checkWrongKey')} ${describeTypo(result.typo)}` : t('checkWrongKey');
    case 'old-key':
      return t('checkOldKey');
    case 'not-password-mode':
      return t('errorNotPasswordMode');
    case 'key-file-damaged':
      return t('checkKeyFileDamaged');
    case 'keyring-damaged':
      return t('rotateKeyringDamaged');
    case 'weak':
      return t('passwordTooWeak');
    case 'empty':
      return t('passwordEmpty');
    default:
      return describeRefusal(result.reason);
  }
}

export function CheckKey(props: { mode: KeyMode; onChecked: () => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const isKey = props.mode === 'key';

  async function submit(event: Event) {
    event.preventDefault();
    setOutcome(null);
    if (isKey) {
      const problem = keyTextProblem(value);
      if (problem) {
        setOutcome({ ok: false, text: problem });
        return;
      }
    } else if (value === '') {
      setOutcome({ ok: false, text: t('passwordEmpty') });
      return;
    }
    setBusy(true);
    try {
      const result = await callWorker('key.check', toSecret(props.mode, value));
      if (result.ok) {
        setValue('');
        setOutcome({ ok: true, text: isKey ? t('checkKeyOk') : t('checkPasswordOk') });
        props.onChecked();
      } else {
        setOutcome({ ok: false, text: checkFailureText(result) });
      }
    } catch (e) {
      setOutcome({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  const title = isKey ? t('checkMyKey') : t('checkMyPassword');
  return (
    <div class="check-key">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {title}
      </button>
      {open && (
        <form onSubmit={submit} aria-label={title}>
          <p class="hint">{isKey ? t('checkKeyIntro') : t('checkPasswordIntro')}</p>
          <SecretInput
            mode={props.mode}
            label={isKey ? t('yourKeyLabel') : t('yourPasswordLabel')}
            value={value}
            onInput={setValue}
            disabled={busy}
          />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('check')}
            </button>
          </div>
          {busy && <p role="status">{t('checking')}</p>}
          {outcome && <Notice kind={outcome.ok ? 'success' : 'error'}>{outcome.text}</Notice>}
        </form>
      )}
    </div>
  );
}
