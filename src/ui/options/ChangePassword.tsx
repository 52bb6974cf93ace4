// Change password: re-encrypts only the key file; the key itself, and every backup, stay the same.
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import { BusyNote, Disclosure, Field, FormActions, OutcomeNotice, useSubmit } from '../forms';
import { t } from '../i18n';
import { refusalText } from '../key-text';
import { EMPTY_PASSWORD, NewPasswordFields, newPasswordProblem } from '../password-fields';

export function ChangePassword() {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState(EMPTY_PASSWORD);
  const form = useSubmit();

  const submit = form.handle({
    check: async () => (current === '' ? t('currentPasswordEmpty') : newPasswordProblem(next)),
    run: async () => {
      const result = await callWorker('key.changePassword', {
        currentPassword: current,
        newPassword: next.password,
        generated: next.generated,
      });
      if (!result.ok) return refusalText(result);
      setCurrent('');
      setNext(EMPTY_PASSWORD);
      setOpen(false);
      return { ok: true, text: t('passwordChanged') };
    },
  });

  return (
    <>
      <Disclosure label={t('changePassword')} open={open} onToggle={setOpen} class="change-password">
        <form onSubmit={submit} aria-label={t('changePassword')}>
          <p class="hint">{t('changePasswordIntro')}</p>
          <Field label={t('currentPasswordLabel')}>
            {({ id }) => (
              <input
                id={id}
                type="password"
                autocomplete="current-password"
                value={current}
                disabled={form.busy}
                onInput={(e) => setCurrent(e.currentTarget.value)}
              />
            )}
          </Field>
          <NewPasswordFields value={next} onChange={setNext} passwordLabel={t('newPasswordLabel')} disabled={form.busy} />
          <FormActions submit={t('saveNewPassword')} busy={form.busy} />
          <BusyNote busy={form.busy} text={t('passwordSetupWorking')} />
        </form>
      </Disclosure>
      {/* Outside the form: a success closes it. */}
      <OutcomeNotice outcome={form.outcome} />
    </>
  );
}
