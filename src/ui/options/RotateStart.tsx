// Rotate key, first half: prove you hold the current key or password (a practice check, so a typo
// is caught before anything is made). The page keeps what was typed only until the new key's setup
// hands it to the worker, which checks it again and keeps the old key in the new keyring.
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode, KeySecret } from '../../messaging/protocol';
import { BusyNote, Disclosure, FormActions, OutcomeNotice, useSubmit } from '../forms';
import { t } from '../i18n';
import { refusalText } from '../key-text';
import { SecretInput, secretProblem, toSecret } from './SecretInput';

export function RotateStart(props: { mode: KeyMode; onProved: (current: KeySecret) => void; initiallyOpen?: boolean }) {
  const [open, setOpen] = useState(props.initiallyOpen ?? false);
  const [value, setValue] = useState('');
  const form = useSubmit();
  const isKey = props.mode === 'key';

  const submit = form.handle({
    check: () => secretProblem(props.mode, value, t('currentPasswordEmpty')),
    run: async () => {
      const current = toSecret(props.mode, value);
      const result = await callWorker('key.check', current);
      if (!result.ok) return refusalText(result);
      setValue('');
      props.onProved(current);
    },
  });

  return (
    <Disclosure label={t('rotateKey')} open={open} onToggle={setOpen} class="rotate">
      <form onSubmit={submit} aria-label={t('rotateKey')}>
        <p>{t('rotateIntro')}</p>
        <SecretInput
          mode={props.mode}
          label={isKey ? t('currentKeyLabel') : t('currentPasswordLabel')}
          value={value}
          onInput={setValue}
          disabled={form.busy}
        />
        <OutcomeNotice outcome={form.outcome} />
        <FormActions submit={t('continue')} busy={form.busy} />
        <BusyNote busy={form.busy} text={t('checking')} />
      </form>
    </Disclosure>
  );
}
