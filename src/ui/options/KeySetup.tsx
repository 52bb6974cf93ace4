// Setup with a 64-digit key: the worker makes the key and holds it until the user proves they saved
// it by typing two of its groups back. The page only shows what the worker returns, builds the
// recovery kit from it, and forgets it when the step is left.
import { useEffect, useId, useState } from 'preact/hooks';
import type { KeyType } from '../../crypto/keys';
import { callWorker } from '../../messaging/client';
import type { KeySecret, PendingKeyView } from '../../messaging/protocol';
import { formatKeyId, KeyGroups, Notice } from '../components';
import { printHtml, saveFile } from '../download';
import { t } from '../i18n';
import { buildRecoveryKit, recoveryKitFileName } from '../recovery-kit';
import { errorText } from '../errors';
import { checkFailureText } from './CheckKey';

/** A new key at setup, or, when rotating, the successor of the key the user proved they hold. */
async function makeKey(keyType: KeyType, rotateFrom: KeySecret | undefined): Promise<PendingKeyView | string> {
  if (!rotateFrom) return callWorker('key.beginSetup', { keyType });
  const result = await callWorker('key.rotate', { current: rotateFrom, mode: 'key', keyType });
  if (!result.ok) return checkFailureText(result);
  return result.pending ?? t('errorNoPendingKey');
}

export function KeySetup(props: { keyType: KeyType; rotateFrom?: KeySecret; onDone: (keyId: string) => void; onBack: () => void }) {
  const [pending, setPending] = useState<PendingKeyView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    makeKey(props.keyType, props.rotateFrom).then(
      (view) => {
        if (!current) return;
        if (typeof view === 'string') setError(view);
        else setPending(view);
      },
      (e: unknown) => current && setError(errorText(e)),
    );
    return () => {
      current = false;
    };
    // The key is made once per mount: a new key type means a new KeySetup.
  }, []);

  async function back() {
    // The worker drops the unconfirmed key; nothing of it survives leaving this step.
    await callWorker('key.cancelSetup', {}).catch(() => undefined);
    props.onBack();
  }

  if (error) {
    return (
      <section aria-labelledby="key-setup-heading">
        <h2 id="key-setup-heading">{t('keySetupHeading')}</h2>
        <Notice kind="error">{error}</Notice>
        <div class="actions">
          <button type="button" onClick={back}>
            {t('back')}
          </button>
        </div>
      </section>
    );
  }
  if (!pending) {
    return (
      <section aria-labelledby="key-setup-heading" aria-busy="true">
        <h2 id="key-setup-heading">{t('keySetupHeading')}</h2>
        <p role="status">{t('keySetupMaking')}</p>
      </section>
    );
  }
  return <ShowAndConfirm pending={pending} onDone={props.onDone} onBack={back} />;
}

function ShowAndConfirm(props: { pending: PendingKeyView; onDone: (keyId: string) => void; onBack: () => void }) {
  const { pending } = props;
  const [first, second] = pending.confirmGroups;
  const [answers, setAnswers] = useState<[string, string]>(['', '']);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstId = useId();
  const secondId = useId();

  async function copy() {
    setError(null);
    try {
      await navigator.clipboard.writeText(pending.groups.join(' '));
      setStatus(t('keyCopied'));
    } catch {
      setError(t('keyCopyFailed'));
    }
  }

  function downloadKit() {
    saveFile([buildRecoveryKit(pending)], recoveryKitFileName(pending.keyId), 'text/html');
    setStatus(t('kitDownloaded'));
  }

  function printKit() {
    printHtml(buildRecoveryKit(pending), t('kitTitle'));
  }

  async function confirm(event: Event) {
    event.preventDefault();
    setError(null);
    setStatus(null);
    setBusy(true);
    try {
      const result = await callWorker('key.confirmSetup', { answers: [answers[0], answers[1]] });
      if (result.ok) {
        props.onDone(pending.keyId);
        return;
      }
      const wrong = result.wrongGroups;
      setError(
        wrong.length >= 2
          ? t('confirmBothWrong', [String(first), String(second)])
          : t('confirmOneWrong', String(wrong[0] ?? first)),
      );
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="key-setup-heading">
      <h2 id="key-setup-heading">{t('keySetupHeading')}</h2>
      <p>{t('keySetupIntro')}</p>
      <KeyGroups groups={pending.groups} />
      <p>
        {t('keyIdLabel')}: <code>{formatKeyId(pending.keyId)}</code>
      </p>
      <div class="actions">
        <button type="button" onClick={copy}>
          {t('copy')}
        </button>
        <button type="button" onClick={downloadKit}>
          {t('downloadRecoveryKit')}
        </button>
        <button type="button" onClick={printKit}>
          {t('print')}
        </button>
      </div>
      <p class="hint">{t('keySetupKitOnlyNow')}</p>
      <div aria-live="polite">{status && <p>{status}</p>}</div>

      <form onSubmit={confirm}>
        <fieldset>
          <legend>{t('confirmLegend', [String(first), String(second)])}</legend>
          <div class="field">
            <label for={firstId}>{t('groupLabel', String(first))}</label>
            <input
              id={firstId}
              class="mono"
              type="text"
              inputMode="text"
              autocomplete="off"
              spellcheck={false}
              maxLength={12}
              value={answers[0]}
              onInput={(e) => setAnswers([e.currentTarget.value, answers[1]])}
            />
          </div>
          <div class="field">
            <label for={secondId}>{t('groupLabel', String(second))}</label>
            <input
              id={secondId}
              class="mono"
              type="text"
              autocomplete="off"
              spellcheck={false}
              maxLength={12}
              value={answers[1]}
              onInput={(e) => setAnswers([answers[0], e.currentTarget.value])}
            />
          </div>
        </fieldset>
        {error && <Notice kind="error">{error}</Notice>}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('confirmButton')}
          </button>
          <button type="button" onClick={props.onBack} disabled={busy}>
            {t('back')}
          </button>
        </div>
      </form>
    </section>
  );
}
