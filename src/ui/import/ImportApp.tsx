// "Encrypt an export file…": a WhatsApp .txt or .zip becomes an encrypted backup file, entirely in
// this page's memory: pick the file, say which participant is you, check the summary, encrypt and
// save. Nothing of the chat is stored anywhere; closing the tab forgets it.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { ChatExport } from '../../export/types';
import type { ChosenDateOrder, WhatsAppFile } from '../../export/whatsapp-import';
import type { ParticipantSummary } from '../../export/whatsapp-txt';
import { encryptImport, openImport, parseImport, type EncryptedBackup } from '../../import/pipeline';
import { queueForDrive } from '../../import/queue';
import { summarizeImport, type ImportSummary } from '../../import/summary';
import { callWorker } from '../../messaging/client';
import { Notice, Page, ProgressBar, Step, useStepFocus } from '../components';
import { saveFile } from '../download';
import { FormActions, RadioChoices } from '../forms';
import { errorText } from '../errors';
import { formatBytes, t, tCount } from '../i18n';
import { importErrorText } from './import-errors';
import { ImportSummaryView } from './ImportSummaryView';

type Step =
  | { name: 'checking' }
  | { name: 'no-key' }
  | { name: 'pick'; error?: string }
  | { name: 'reading'; progress: number | null }
  | { name: 'who'; file: WhatsAppFile; participants: ParticipantSummary[] }
  | { name: 'summary'; file: WhatsAppFile; me: string | null; doc: ChatExport; summary: ImportSummary; error?: string }
  | { name: 'encrypting'; progress: number }
  | { name: 'saved'; backup: EncryptedBackup; queued: boolean; queueError?: string };

const NONE = '\u0000none';

export function ImportApp() {
  const [step, setStep] = useState<Step>({ name: 'checking' });

  useEffect(() => {
    callWorker('key.getState', {}).then(
      (state) => setStep(state.configured ? { name: 'pick' } : { name: 'no-key' }),
      (e: unknown) => setStep({ name: 'pick', error: errorText(e) }),
    );
  }, []);

  useStepFocus(step.name === 'checking' ? null : step.name);

  async function pickFile(picked: File) {
    setStep({ name: 'reading', progress: null });
    try {
      // The File itself, never its whole arrayBuffer(): a zip is read in slices (src/export/zip.ts).
      const { file, participants } = await openImport(picked, picked.name, (progress) => setStep({ name: 'reading', progress }));
      setStep({ name: 'who', file, participants });
    } catch (e) {
      setStep({ name: 'pick', error: importErrorText(e) });
    }
  }

  /** Parses with "me" (and the user's date order, once chosen) and shows the summary. */
  function choose(file: WhatsAppFile, me: string | null, dateOrder?: ChosenDateOrder) {
    try {
      const doc = parseImport(file, me, dateOrder);
      setStep({ name: 'summary', file, me, doc, summary: summarizeImport(file, doc) });
    } catch (e) {
      setStep({ name: 'pick', error: importErrorText(e) });
    }
  }

  async function encrypt(file: WhatsAppFile, me: string | null, doc: ChatExport, summary: ImportSummary) {
    setStep({ name: 'encrypting', progress: 0 });
    try {
      const backup = await encryptImport({
        file,
        doc,
        appVersion: browser.runtime.getManifest().version,
        onProgress: (progress) => setStep({ name: 'encrypting', progress }),
      });
      saveFile(backup.blob, backup.fileName);
      // The same ciphertext also waits in the outbox for Google Drive; the saved file stands alone
      // if that fails.
      try {
        await queueForDrive(backup, doc);
        setStep({ name: 'saved', backup, queued: true });
      } catch (e) {
        setStep({ name: 'saved', backup, queued: false, queueError: errorText(e) });
      }
    } catch (e) {
      setStep({ name: 'summary', file, me, doc, summary, error: importErrorText(e) });
    }
  }

  let body;
  switch (step.name) {
    case 'checking':
      body = <p role="status">{t('loading')}</p>;
      break;
    case 'no-key':
      body = (
        <Step heading={t('importNoKeyHeading')}>
          <Notice kind="warning">{t('importNoKeyText')}</Notice>
          <p>
            <a href={browser.runtime.getURL('/options.html')}>{t('importOpenOptions')}</a>
          </p>
        </Step>
      );
      break;
    case 'pick':
      body = <PickFile error={step.error} onFile={(f) => void pickFile(f)} />;
      break;
    case 'reading':
      body = (
        <Step heading={t('importReadingHeading')} busy>
          <ProgressBar label={t('importReading')} value={step.progress} />
        </Step>
      );
      break;
    case 'who':
      body = (
        <WhoAreYou
          participants={step.participants}
          onChoose={(me) => choose(step.file, me)}
          onBack={() => setStep({ name: 'pick' })}
        />
      );
      break;
    case 'summary':
      body = (
        <Step heading={t('importSummaryHeading')}>
          <ImportSummaryView summary={step.summary} onDateOrder={(order) => choose(step.file, step.me, order)} />
          {step.error && <Notice kind="error">{step.error}</Notice>}
          <div class="actions">
            <button type="button" class="primary" onClick={() => void encrypt(step.file, step.me, step.doc, step.summary)}>
              {t('importEncryptButton')}
            </button>
            <button type="button" onClick={() => setStep({ name: 'pick' })}>
              {t('importChooseAnother')}
            </button>
          </div>
        </Step>
      );
      break;
    case 'encrypting':
      body = (
        <Step heading={t('importEncryptingHeading')}>
          <ProgressBar label={t('importEncryptingLabel')} value={step.progress} />
        </Step>
      );
      break;
    case 'saved':
      body = (
        <Step heading={t('importSavedHeading')}>
          <Notice kind="success">
            {t('importSavedText', [step.backup.fileName, formatBytes(step.backup.size)])}
          </Notice>
          <p>{t('importSavedNext')}</p>
          {step.queued && <p data-testid="import-queued">{t('importQueuedText')}</p>}
          {step.queueError !== undefined && <Notice kind="warning">{t('importQueueFailed', step.queueError)}</Notice>}
          <div class="actions">
            <button type="button" onClick={() => saveFile(step.backup.blob, step.backup.fileName)}>
              {t('importSaveAgain')}
            </button>
            <button type="button" onClick={() => setStep({ name: 'pick' })}>
              {t('importAnother')}
            </button>
          </div>
        </Step>
      );
      break;
  }

  return <Page title={t('importTitle')}>{body}</Page>;
}

function PickFile(props: { error?: string; onFile: (file: File) => void }) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer?.files[0];
    if (file) props.onFile(file);
  }

  return (
    <Step heading={t('importPickHeading')}>
      <p>{t('importPickIntro')}</p>
      <p class="hint">{t('importHowToExport')}</p>
      <div
        class={`drop-zone${dragging ? ' active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <div class="field">
          <label for={inputId}>{t('importFileLabel')}</label>
          <input
            ref={input}
            id={inputId}
            type="file"
            accept=".txt,.zip,text/plain,application/zip"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) props.onFile(file);
            }}
          />
        </div>
        <p class="hint">{t('importDropHint')}</p>
      </div>
      <p class="hint">{t('importStaysHere')}</p>
      {props.error && <Notice kind="error">{props.error}</Notice>}
    </Step>
  );
}

function WhoAreYou(props: { participants: ParticipantSummary[]; onChoose: (me: string | null) => void; onBack: () => void }) {
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  function submit(event: Event) {
    event.preventDefault();
    if (choice === null) {
      setError(t('importWhoRequired'));
      return;
    }
    props.onChoose(choice === NONE ? null : choice);
  }

  return (
    <Step heading={t('importWhoHeading')}>
      <p>{t('importWhoIntro')}</p>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t('importWhoLegend')}</legend>
          <RadioChoices
            name="me"
            options={[
              ...props.participants.map((p) => ({
                value: p.name,
                title: (
                  <>
                    {p.name} <span class="hint">({tCount('importMessageCount', p.messages)})</span>
                  </>
                ),
              })),
              { value: NONE, title: t('importNoneOfThese') },
            ]}
            value={choice}
            onChange={setChoice}
          />
        </fieldset>
        {error && <Notice kind="error">{error}</Notice>}
        <FormActions submit={t('continue')} busy={false} onBack={props.onBack} />
      </form>
    </Step>
  );
}
