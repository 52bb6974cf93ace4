// A new password with a live strength meter, a passphrase generator and a confirmation field.
// The strength policy itself (zxcvbn-ts, 10^16 guesses) lives in src/crypto/password.ts and is
// loaded lazily, since its dictionaries are large; the worker applies the same policy again.
import { useEffect, useId, useState } from 'preact/hooks';
import { useDebounced } from './components';
import { Field } from './forms';
import { t } from './i18n';
import { callWorker } from '../messaging/client';
import { evaluatePassword, type Strength } from './password-strength';

export interface NewPassword {
  password: string;
  confirm: string;
  /** True while the field holds exactly a passphrase ChatSeal suggested. */
  generated: boolean;
}

export const EMPTY_PASSWORD: NewPassword = { password: '', confirm: '', generated: false };

/**
 * Why a new password cannot be used yet, or null. Re-evaluates, so it never trusts a stale meter.
 * A weak one is refused in a few words: the reason is the meter's sentence, shown once, there.
 */
export async function newPasswordProblem(value: NewPassword): Promise<string | null> {
  if (value.password.length === 0) return t('passwordEmpty');
  const strength = await evaluatePassword(value.password, value.generated);
  if (!strength.acceptable) return t('passwordRefusedWeak');
  if (value.confirm !== value.password) return t('passwordMismatch');
  return null;
}

export function NewPasswordFields(props: {
  value: NewPassword;
  onChange: (value: NewPassword) => void;
  passwordLabel?: string;
  disabled?: boolean;
}) {
  const { value, onChange } = props;
  const meterId = useId();
  const [show, setShow] = useState(false);
  const [strength, setStrength] = useState<Strength | null>(null);
  const [suggestError, setSuggestError] = useState<string | null>(null);
  const settled = useDebounced(value.password, 250);

  useEffect(() => {
    let current = true;
    if (settled.length === 0) {
      setStrength(null);
      return;
    }
    void evaluatePassword(settled, value.generated).then((s) => {
      if (current) setStrength(s);
    });
    return () => {
      current = false;
    };
  }, [settled, value.generated]);

  async function suggest() {
    setSuggestError(null);
    try {
      // The worker makes it, so the worker knows it was generated when it judges it again.
      const { passphrase } = await callWorker('password.suggest', {});
      setShow(true);
      onChange({ password: passphrase, confirm: '', generated: true });
    } catch {
      setSuggestError(t('passwordSuggestFailed'));
    }
  }

  const stale = settled !== value.password;
  return (
    <div class="new-password">
      <Field label={props.passwordLabel ?? t('passwordLabel')}>
        {({ id }) => (
          <>
            <input
              id={id}
              type={revealType(show)}
              class={value.generated ? 'mono' : undefined}
              autocomplete="new-password"
              spellcheck={false}
              value={value.password}
              disabled={props.disabled}
              aria-describedby={meterId}
              onInput={(e) =>
                // Any edit makes it the user's own password, judged by the estimate, not as generated.
                onChange({ ...value, password: e.currentTarget.value, generated: false })
              }
            />
            <label class="choice">
              <input type="checkbox" checked={show} onChange={(e) => setShow(e.currentTarget.checked)} />
              {t('passwordShow')}
            </label>
          </>
        )}
      </Field>
      <div id={meterId} class="strength" aria-live="polite">
        {strength && !stale && (
          <>
            {/* Red below 2, amber for 2–3 (refused), green only at 4 (accepted). */}
            <meter aria-label={t('passwordStrengthLabel')} min={0} max={4} low={2} high={3.5} optimum={4} value={strength.level} />
            <p class={strength.acceptable ? undefined : 'error-text'}>{strength.text}</p>
          </>
        )}
      </div>
      <div class="actions">
        <button type="button" onClick={suggest} disabled={props.disabled}>
          {t('passwordSuggest')}
        </button>
      </div>
      {suggestError && (
        <p role="alert" class="error-text">
          {suggestError}
        </p>
      )}
      {value.generated && <p class="hint">{t('passwordGeneratedHint')}</p>}
      <Field label={t('passwordConfirmLabel')}>
        {({ id }) => (
          <input
            id={id}
            type={revealType(show)}
            autocomplete="new-password"
            spellcheck={false}
            value={value.confirm}
            disabled={props.disabled}
            onInput={(e) => onChange({ ...value, confirm: e.currentTarget.value })}
          />
        )}
      </Field>
    </div>
  );
}

// Preact's input typings tie attributes to a literal `type`; a field that switches between shown
// and hidden is either, so it is typed as the text variant (the attributes used are valid for both).
function revealType(show: boolean): 'text' {
  return (show ? 'text' : 'password') as 'text';
}
