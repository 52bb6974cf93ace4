// Turn off: deletes the local keys after a clear warning and typing DELETE.
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode } from '../../messaging/protocol';
import { Disclosure, Field, FormActions, OutcomeNotice, useSubmit } from '../forms';
import { t } from '../i18n';

const CONFIRM_WORD = 'DELETE';

export function TurnOff(props: { mode: KeyMode; onTurnedOff: () => void }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const form = useSubmit();

  const submit = form.handle({
    check: () => (typed === CONFIRM_WORD ? null : t('turnOffTypeDelete')),
    run: async () => {
      await callWorker('key.turnOff', { confirm: CONFIRM_WORD });
      props.onTurnedOff();
    },
  });

  return (
    <Disclosure label={t('turnOff')} open={open} onToggle={setOpen} class="turn-off">
      <form onSubmit={submit} aria-label={t('turnOff')}>
        <div class="notice warning">
          <p>
            <strong>{t('turnOffWarning')}</strong>
          </p>
          <p>{props.mode === 'key' ? t('turnOffWarningKey') : t('turnOffWarningPassword')}</p>
        </div>
        <Field label={t('turnOffConfirmLabel')}>
          {({ id }) => (
            <input
              id={id}
              type="text"
              autocomplete="off"
              spellcheck={false}
              value={typed}
              disabled={form.busy}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          )}
        </Field>
        <OutcomeNotice outcome={form.outcome} />
        <FormActions submit={t('turnOffButton')} danger busy={form.busy} disabled={typed !== CONFIRM_WORD} />
      </form>
    </Disclosure>
  );
}
