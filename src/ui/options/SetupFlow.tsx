// First run (and the second half of "Rotate key"): choose how backups are protected, then one of
// the setups, ending on "Backups are on".
import { useState } from 'preact/hooks';
import type { KeyType } from '../../crypto/keys';
import type { KeySecret, PendingKeyView } from '../../messaging/protocol';
import { Step, useStepFocus } from '../components';
import { FormActions, RadioChoices, type RadioOption } from '../forms';
import { t } from '../i18n';
import { ExistingKeySetup } from './ExistingKeySetup';
import { KeySetup } from './KeySetup';
import { KeyTypeChoice } from './KeyTypeChoice';
import { PasswordSetup } from './PasswordSetup';

export type SetupMethod = 'key' | 'password' | 'existing';

export function SetupFlow(props: {
  defaultKeyType: KeyType;
  /** Rotation: the current key or password, already checked; the setup makes its successor. */
  rotateFrom?: KeySecret;
  /** A 64-digit key shown before the page was reloaded: setup continues with that key. */
  resume?: PendingKeyView;
  onDone: (method: SetupMethod) => void;
  onCancel?: () => void;
}) {
  const [method, setMethod] = useState<SetupMethod>('key');
  const [keyType, setKeyType] = useState<KeyType>(props.resume?.keyType ?? props.defaultKeyType);
  const [step, setStep] = useState<'choose' | SetupMethod>(props.resume ? 'key' : 'choose');
  const [resume, setResume] = useState(props.resume);
  useStepFocus(step);
  const back = () => {
    setResume(undefined);
    setStep('choose');
  };
  const rotating = props.rotateFrom !== undefined;

  if (step === 'key') {
    return <KeySetup keyType={keyType} rotateFrom={props.rotateFrom} resume={resume} onBack={back} onDone={() => props.onDone('key')} />;
  }
  if (step === 'password') {
    return <PasswordSetup keyType={keyType} rotateFrom={props.rotateFrom} onBack={back} onDone={() => props.onDone('password')} />;
  }
  if (step === 'existing') {
    return <ExistingKeySetup defaultKeyType={keyType} onBack={back} onDone={() => props.onDone('existing')} />;
  }

  const methods: RadioOption<SetupMethod>[] = [
    { value: 'key', title: t('methodKey'), hint: t('methodKeyHint') },
    { value: 'password', title: t('methodPassword'), hint: t('methodPasswordHint') },
  ];
  // Rotation makes a new key; joining an existing one is what a second browser does at first run.
  if (!rotating) methods.push({ value: 'existing', title: t('methodExisting'), hint: t('methodExistingHint') });

  return (
    <Step heading={rotating ? t('rotateChooseHeading') : t('setupHeading')}>
      {rotating ? (
        <p>{t('rotateChooseIntro')}</p>
      ) : (
        <>
          <p>{t('setupIntro')}</p>
          <p class="notice warning">
            <strong>{t('setupLoseWarning')}</strong>
          </p>
        </>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setStep(method);
        }}
      >
        <fieldset>
          <legend>{t('methodLegend')}</legend>
          <RadioChoices name="setup-method" options={methods} value={method} onChange={setMethod} />
        </fieldset>
        <details>
          <summary>{t('advanced')}</summary>
          <KeyTypeChoice name="setup-key-type" legend={t('keyTypeLegend')} value={keyType} onChange={setKeyType} />
        </details>
        <FormActions submit={t('continue')} busy={false}>
          {props.onCancel && (
            <button type="button" onClick={props.onCancel}>
              {t('cancel')}
            </button>
          )}
        </FormActions>
      </form>
    </Step>
  );
}
