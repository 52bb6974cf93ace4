// A form that proves the user holds the current key or password (the worker's practice check):
// "Check my key" ends there, "Rotate key" goes on to make the next key. A near miss on a 64-digit
// key says which group looks wrong.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode, KeySecret } from '../../messaging/protocol';
import { BusyNote, Disclosure, FormActions, OutcomeNotice, useSubmit, type Outcome } from '../forms';
import { t } from '../i18n';
import { refusalText } from '../key-text';
import { SecretInput, secretProblem, toSecret } from './SecretInput';

export function ProveSecret(props: {
  mode: KeyMode;
  /** The button that opens the form, and the form's name. */
  title: string;
  intro: ComponentChildren;
  label: string;
  submit: string;
  /** What to say when no password was typed. */
  emptyPassword: string;
  class: string;
  initiallyOpen?: boolean;
  /** The secret checked out; an Outcome is shown under the form. */
  onProved: (secret: KeySecret) => Outcome | void;
}) {
  const [open, setOpen] = useState(props.initiallyOpen ?? false);
  const [value, setValue] = useState('');
  const form = useSubmit();

  const submit = form.handle({
    check: () => secretProblem(props.mode, value, props.emptyPassword),
    run: async () => {
      const secret = toSecret(props.mode, value);
      const result = await callWorker('key.check', secret);
      if (!result.ok) return refusalText(result);
      setValue('');
      return props.onProved(secret);
    },
  });

  return (
    <Disclosure label={props.title} open={open} onToggle={setOpen} class={props.class}>
      <form onSubmit={submit} aria-label={props.title}>
        <p class="hint">{props.intro}</p>
        <SecretInput mode={props.mode} label={props.label} value={value} onInput={setValue} disabled={form.busy} />
        <OutcomeNotice outcome={form.outcome} />
        <FormActions submit={props.submit} busy={form.busy} />
        <BusyNote busy={form.busy} text={t('checking')} />
      </form>
    </Disclosure>
  );
}
