// Turn off: deletes the local keys after a clear warning and typing DELETE.
import { useId, useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { KeyMode } from '../../messaging/protocol';
import { Notice } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';

const CONFIRM_WORD = 'DELETE';

export function TurnOff(props: { mode: KeyMode; onTurnedOff: () => void }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function submit(event: Event) {
    event.preventDefault();
    if (typed !== CONFIRM_WORD) {
      setError(t('turnOffTypeDelete'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await callWorker('key.turnOff', { confirm: CONFIRM_WORD });
      props.onTurnedOff();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="turn-off">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('turnOff')}
      </button>
      {open && (
        <form onSubmit={submit} aria-label={t('turnOff')}>
          <div class="notice warning">
            <p>
              <strong>{t('turnOffWarning')}</strong>
            </p>
            <p>{props.mode === 'key' ? t('turnOffWarningKey') : t('turnOffWarningPassword')}</p>
          </div>
          <div class="field">
            <label for={id}>{t('turnOffConfirmLabel')}</label>
            <input
              id={id}
              type="text"
              autocomplete="off"
              spellcheck={false}
              value={typed}
              disabled={busy}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          </div>
          {error && <Notice kind="error">{error}</Notice>}
          <div class="actions">
            <button type="submit" class="danger" disabled={busy || typed !== CONFIRM_WORD}>
              {t('turnOffButton')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
