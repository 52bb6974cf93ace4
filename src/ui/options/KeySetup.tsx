// Setup with a 64-digit key: the worker makes the key and holds it until the user proves they saved
// it by typing two of its groups back. The page only shows what the worker returns, builds the
// recovery kit from it, and forgets it when the step is left.
//
// The worker keeps a shown key across page reloads (and worker restarts). A reloaded page shows
// that same key and the same two groups again: the first key may already be written down or in a
// downloaded recovery kit, so silently replacing it would leave the user holding a useless key.
import { useEffect, useState } from 'preact/hooks';
import type { KeyType } from '../../crypto/keys';
import { callWorker } from '../../messaging/client';
import type { KeySecret, PendingKeyView } from '../../messaging/protocol';
import { formatKeyId, KeyGroups, Notice, Step, useStepFocus } from '../components';
import { printHtml, saveFile } from '../download';
import { errorText } from '../errors';
import { Field, FormActions, OutcomeNotice, useSubmit } from '../forms';
import { t } from '../i18n';
import { refusalText } from '../key-text';
import { buildRecoveryKit, recoveryKitFileName } from '../recovery-kit';

/** A new key at setup, or, when rotating, the successor of the key the user proved they hold. */
async function makeKey(keyType: KeyType, rotateFrom: KeySecret | undefined): Promise<PendingKeyView | string> {
  if (!rotateFrom) return callWorker('key.beginSetup', { keyType });
  const result = await callWorker('key.rotate', { current: rotateFrom, mode: 'key', keyType });
  if (!result.ok) return refusalText(result);
  return result.pending ?? t('errorNoPendingKey');
}

export function KeySetup(props: {
  keyType: KeyType;
  rotateFrom?: KeySecret;
  /** The key the worker still holds from before a reload: shown again instead of a new one. */
  resume?: PendingKeyView;
  /**
   * "Start over with a new key" for a resumed rotation: the page no longer knows the current key,
   * which a new rotation needs, so it goes back to Rotate key. Without it a new key is made here.
   */
  onStartOver?: () => void;
  onDone: (keyId: string) => void;
  /** Absent for a resumed rotation (there is no choice to go back to). */
  onBack?: () => void;
}) {
  const [pending, setPending] = useState<PendingKeyView | null>(props.resume ?? null);
  const [resumed, setResumed] = useState(props.resume !== undefined);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useStepFocus(pending ? `key-${pending.keyId}` : error ? 'error' : 'making');

  useEffect(() => {
    if (pending) return;
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
    // One key per attempt: a new key type means a new KeySetup; "Start over" is a new attempt.
  }, [attempt]);

  async function back() {
    // The worker drops the unconfirmed key; nothing of it survives leaving this step.
    await callWorker('key.cancelSetup', {}).catch(() => undefined);
    props.onBack?.();
  }

  async function startOver() {
    await callWorker('key.cancelSetup', {}).catch(() => undefined);
    if (props.onStartOver) {
      props.onStartOver();
      return;
    }
    setResumed(false);
    setPending(null);
    setAttempt((n) => n + 1);
  }

  if (error) {
    return (
      <Step heading={t('keySetupHeading')}>
        <Notice kind="error">{error}</Notice>
        <div class="actions">
          <button type="button" onClick={back}>
            {t('back')}
          </button>
        </div>
      </Step>
    );
  }
  if (!pending) {
    return (
      <Step heading={t('keySetupHeading')} busy>
        <p role="status">{t('keySetupMaking')}</p>
      </Step>
    );
  }
  return (
    <ShowAndConfirm
      key={pending.keyId}
      pending={pending}
      resumed={resumed}
      rotating={props.rotateFrom !== undefined || props.onStartOver !== undefined}
      onDone={props.onDone}
      onBack={props.onBack ? back : undefined}
      onStartOver={startOver}
    />
  );
}

function ShowAndConfirm(props: {
  pending: PendingKeyView;
  resumed: boolean;
  rotating: boolean;
  onDone: (keyId: string) => void;
  onBack: (() => void) | undefined;
  onStartOver: () => void;
}) {
  const { pending } = props;
  const [first, second] = pending.confirmGroups;
  const [answers, setAnswers] = useState<[string, string]>(['', '']);
  const [status, setStatus] = useState<string | null>(null);
  const form = useSubmit();

  async function copy() {
    form.setOutcome(null);
    try {
      await navigator.clipboard.writeText(pending.groups.join(' '));
      setStatus(t('keyCopied'));
    } catch {
      form.setOutcome({ ok: false, text: t('keyCopyFailed') });
    }
  }

  function downloadKit() {
    saveFile([buildRecoveryKit(pending)], recoveryKitFileName(pending.keyId), 'text/html');
    setStatus(t('kitDownloaded'));
  }

  function printKit() {
    printHtml(buildRecoveryKit(pending), t('kitTitle'));
  }

  const confirm = form.handle({
    run: async () => {
      setStatus(null);
      const result = await callWorker('key.confirmSetup', { answers: [answers[0], answers[1]] });
      if (result.ok) {
        props.onDone(pending.keyId);
        return;
      }
      const wrong = result.wrongGroups;
      return wrong.length >= 2
        ? t('confirmBothWrong', [String(first), String(second)])
        : t('confirmOneWrong', String(wrong[0] ?? first));
    },
  });

  const groupField = (group: number, index: 0 | 1) => (
    <Field label={t('groupLabel', String(group))}>
      {({ id }) => (
        <input
          id={id}
          class="mono group-input"
          type="text"
          autocomplete="off"
          spellcheck={false}
          maxLength={12}
          value={answers[index]}
          onInput={(e) => {
            const next: [string, string] = [...answers];
            next[index] = e.currentTarget.value;
            setAnswers(next);
          }}
        />
      )}
    </Field>
  );

  return (
    <Step heading={t('keySetupHeading')}>
      {props.resumed && (
        <Notice kind="info">{props.rotating ? t('keySetupResumedRotation') : t('keySetupResumed')}</Notice>
      )}
      <p>{t('keySetupIntro')}</p>
      <div class="key-card">
        <KeyGroups groups={pending.groups} />
        <p class="key-id">
          {t('keyIdLabel')}: <code>{formatKeyId(pending.keyId)}</code>
        </p>
      </div>
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
      <p class="hint">{t('keySetupTimeLimit')}</p>
      <div aria-live="polite">{status && <p>{status}</p>}</div>

      <form onSubmit={confirm}>
        <fieldset>
          <legend>{t('confirmLegend', [String(first), String(second)])}</legend>
          <div class="confirm-groups">
            {groupField(first, 0)}
            {groupField(second, 1)}
          </div>
        </fieldset>
        <OutcomeNotice outcome={form.outcome} />
        <FormActions submit={t('confirmButton')} busy={form.busy} onBack={props.onBack}>
          {props.resumed && (
            <button type="button" onClick={props.onStartOver} disabled={form.busy}>
              {t('startOverNewKey')}
            </button>
          )}
        </FormActions>
      </form>
    </Step>
  );
}
