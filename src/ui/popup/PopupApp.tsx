// The toolbar popup (360 px): key status, Google Drive and the upload queue, and the way to the
// options page and the import page. The backup list joins it in a later issue.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { callWorker } from '../../messaging/client';
import type { KeyStateView } from '../../messaging/protocol';
import { formatKeyId, Notice, Step } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { OPTIONS_CHECK_HASH } from '../options/links';
import { ExportThisChat } from './ExportThisChat';
import { DriveSection } from './DriveSection';
import { OutboxList } from './OutboxList';
import { useDriveStatus } from './use-drive-status';

/** Opens an extension page in a new tab and closes the popup (a file dialog would close it anyway). */
export async function openPageInTab(path: '/import.html'): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(path) });
  window.close();
}

export async function openOptions(): Promise<void> {
  await browser.runtime.openOptionsPage();
  window.close();
}

/** The options page with "Check my key" open (OPTIONS_CHECK_HASH), in a new tab. */
export async function openCheckKey(): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(`/options.html${OPTIONS_CHECK_HASH}`) });
  window.close();
}

export function PopupApp() {
  const [state, setState] = useState<KeyStateView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    callWorker('key.getState', {}).then(setState, (e: unknown) => setError(errorText(e)));
  }, []);
  const drive = useDriveStatus();

  return (
    <div class="popup">
      <header class="popup-header">
        <img src="/icon/32.png" alt="" width={24} height={24} />
        <h1>{t('extName')}</h1>
      </header>
      <main>
        {error && <Notice kind="error">{error}</Notice>}
        {!error && !state && <p role="status">{t('loading')}</p>}
        {state && !state.configured && (
          <Step heading={t('popupNoKeyHeading')}>
            <p>{t('popupNoKeyText')}</p>
            <div class="actions">
              <button type="button" class="primary" onClick={() => void openOptions()}>
                {t('popupSetUpKey')}
              </button>
            </div>
          </Step>
        )}
        {state?.configured && state.reminderDue && <ReminderBanner mode={state.mode} />}
        <ExportThisChat />
        {state?.configured && (
          <Step heading={t('backupsOnHeading')}>
            <p class="popup-status" data-testid="popup-key-status">
              <KeepTogether
                text={(slot) => t(state.mode === 'key' ? 'popupKeyStatusKey' : 'popupKeyStatusPassword', slot)}
                value={formatKeyId(state.keyId.slice(0, 8))}
              />
            </p>
          </Step>
        )}
        {drive.error && <Notice kind="error">{drive.error}</Notice>}
        {drive.connection && <DriveSection state={drive.connection} lastBackup={drive.outbox?.lastBackup ?? null} onState={drive.setConnection} />}
        {drive.outbox && <OutboxList items={drive.outbox.items} onView={drive.setOutbox} />}
      </main>
      <footer class="popup-footer actions">
        <button type="button" onClick={() => void openOptions()}>
          {t('settings')}
        </button>
        <button type="button" onClick={() => void openPageInTab('/import.html')}>
          {t('encryptExportFile')}
        </button>
      </footer>
    </div>
  );
}

/** A check is due (the toolbar shows "!"): say so, and go straight to the check. */
function ReminderBanner(props: { mode: 'key' | 'password' }) {
  const isKey = props.mode === 'key';
  return (
    <div class="notice warning" role="status" data-testid="popup-reminder">
      <p>
        <strong>{isKey ? t('popupReminderKey') : t('popupReminderPassword')}</strong>
      </p>
      <p>{t('popupReminderText')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void openCheckKey()}>
          {isKey ? t('checkMyKey') : t('checkMyPassword')}
        </button>
      </div>
    </div>
  );
}

// A private-use character stands where the value goes, so the translated sentence can be split
// around it and the value set in a span that does not break ("key id 0f1e 2d3c" stays on a line).
const SLOT = '\uE000';

function KeepTogether(props: { text: (slot: string) => string; value: string }) {
  const [before, after = ''] = props.text(SLOT).split(SLOT);
  return (
    <>
      {before}
      <span class="nowrap">{props.value}</span>
      {after}
    </>
  );
}
