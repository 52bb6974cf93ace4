// "I already have a key": a second browser joins the same key. Without backups there is nothing to
// check a typo against, so the key id is shown to compare with the one on the recovery kit.
import { useEffect, useId, useState } from 'preact/hooks';
import type { KeyType } from '../../crypto/keys';
import { callWorker } from '../../messaging/client';
import { formatKeyId, Step, useDebounced } from '../components';
import { errorText } from '../errors';
import { Field, FormActions, OutcomeNotice, useSubmit } from '../forms';
import { t } from '../i18n';
import { describeRefusal, keyTextProblem } from '../key-text';
import { KeyTypeChoice } from './KeyTypeChoice';

type Preview = { keyId: string; keyType: KeyType | null } | { problem: string } | null;

export function ExistingKeySetup(props: { defaultKeyType: KeyType; onDone: (keyId: string) => void; onBack: () => void }) {
  const [text, setText] = useState('');
  const [keyType, setKeyType] = useState<KeyType>(props.defaultKeyType);
  const [preview, setPreview] = useState<Preview>(null);
  const form = useSubmit();
  const settled = useDebounced(text, 300);
  const previewId = useId();

  useEffect(() => {
    let current = true;
    if (settled.trim() === '') {
      setPreview(null);
      return;
    }
    const problem = keyTextProblem(settled);
    if (problem) {
      setPreview({ problem });
      return;
    }
    callWorker('key.previewExisting', { keyText: settled }).then(
      (result) => {
        if (!current) return;
        if (!result.ok) {
          setPreview({ problem: describeRefusal(result.reason) });
          return;
        }
        setPreview({ keyId: result.keyId, keyType: result.keyType });
        // An age identity says its type; the 64 digits do not, so then the user chooses.
        if (result.keyType) setKeyType(result.keyType);
      },
      (e: unknown) => current && setPreview({ problem: errorText(e) }),
    );
    return () => {
      current = false;
    };
  }, [settled]);

  const submit = form.handle({
    check: () => keyTextProblem(text),
    run: async () => {
      const result = await callWorker('key.setupExisting', { keyText: text, keyType });
      if (!result.ok) return describeRefusal(result.reason);
      const state = await callWorker('key.getState', {});
      props.onDone(state.configured ? state.keyId : '');
    },
  });

  const typeKnown = preview !== null && 'keyId' in preview && preview.keyType !== null;
  return (
    <Step heading={t('existingKeyHeading')}>
      <p>{t('existingKeyIntro')}</p>
      <form onSubmit={submit}>
        <Field label={t('yourKeyLabel')} hint={t('keyInputFormsHint')}>
          {({ id, hintId }) => (
            <textarea
              id={id}
              rows={4}
              autocomplete="off"
              spellcheck={false}
              aria-describedby={`${hintId} ${previewId}`}
              value={text}
              disabled={form.busy}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          )}
        </Field>
        <div id={previewId} aria-live="polite">
          {preview && 'keyId' in preview && (
            <p>
              {t('existingKeyIdIs')} <code data-testid="existing-key-id">{formatKeyId(preview.keyId)}</code>{' '}
              {t('existingKeyIdCompare')}
            </p>
          )}
          {preview && 'problem' in preview && <p class="error-text">{preview.problem}</p>}
        </div>
        <KeyTypeChoice
          name="existing-key-type"
          legend={t('keyTypeLegend')}
          hint={typeKnown ? t('existingKeyTypeKnown') : t('existingKeyTypeHint')}
          value={keyType}
          onChange={setKeyType}
          disabled={form.busy}
          versionHints={false}
        >
          <details class="help">
            <summary>{t('keyTypesHelp')}</summary>
            <p class="hint">
              <strong>{t('keyTypePq')}:</strong> {t('keyTypePqHint')}
            </p>
            <p class="hint">
              <strong>{t('keyTypeClassic')}:</strong> {t('keyTypeClassicHint')}
            </p>
          </details>
        </KeyTypeChoice>
        <OutcomeNotice outcome={form.outcome} />
        <FormActions submit={t('useThisKey')} busy={form.busy} onBack={props.onBack} />
      </form>
    </Step>
  );
}
