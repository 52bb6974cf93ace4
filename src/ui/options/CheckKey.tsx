// "Check my key" / "Check my password": a practice unlock. A near miss on a 64-digit key says which
// group looks wrong.
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode } from '../../messaging/protocol';
import { BusyNote, Disclosure, FormActions, OutcomeNotice, useSubmit } from '../forms';
import { t } from '../i18n';
import { refusalText } from '../key-text';
import { SecretInput, secretProblem, toSecret } from './SecretInput';

export function CheckKey(props: { mode: KeyMode; onChecked: () => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const form = useSubmit();
  const isKey = props.mode === 'key';

  const submit = form.handle({
    check: () => secretProblem(props.mode, value, t('passwordEmpty')),
    run: async () => {
      const result = await callWorker('key.check', toSecret(props.mode, value));
      if (!result.ok) return refusalText(result);
      setValue('');
      props.onChecked();
      return { ok: true, text: isKey ? t('checkKeyOk') : t('checkPasswordOk') };
    },
  });

  const title = isKey ? t('checkMyKey') : t('checkMyPassword');
  return (
    <Disclosure label={title} open={open} onToggle={setOpen} class="check-key">
      <form onSubmit={submit} aria-label={title}>
        <p class="hint">{isKey ? t('checkKeyIntro') : t('checkPasswordIntro')}</p>
        <SecretInput
          mode={props.mode}
          label={isKey ? t('yourKeyLabel') : t('yourPasswordLabel')}
          value={value}
          onInput={setValue}
          disabled={form.busy}
        />
        <FormActions submit={t('check')} busy={form.busy} />
        <BusyNote busy={form.busy} text={t('checking')} />
        <OutcomeNotice outcome={form.outcome} />
      </form>
    </Disclosure>
  );
}
