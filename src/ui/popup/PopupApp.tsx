// The toolbar popup (360 px): key status, and the way to the options page and the import page.
// Drive status, uploads and the backup list join it in later issues.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { callWorker } from '../../messaging/client';
import type { KeyStateView } from '../../messaging/protocol';
import { formatKeyId, Notice } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';

/** Opens an extension page in a new tab and closes the popup (a file dialog would close it anyway). */
export async function openPageInTab(path: '/import.html'): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(path) });
  window.close();
}

export async function openOptions(): Promise<void> {
  await browser.runtime.openOptionsPage();
  window.close();
}

export function PopupApp() {
  const [state, setState] = useState<KeyStateView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    callWorker('key.getState', {}).then(setState, (e: unknown) => setError(errorText(e)));
  }, []);

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
          <section aria-labelledby="popup-key-heading">
            <h2 id="popup-key-heading">{t('popupNoKeyHeading')}</h2>
            <p>{t('popupNoKeyText')}</p>
            <div class="actions">
              <button type="button" class="primary" onClick={() => void openOptions()}>
                {t('popupSetUpKey')}
              </button>
            </div>
          </section>
        )}
        {state?.configured && (
          <section aria-labelledby="popup-key-heading">
            <h2 id="popup-key-heading">{t('backupsOnHeading')}</h2>
            <p data-testid="popup-key-status">
              {state.mode === 'key'
                ? t('popupKeyStatusKey', formatKeyId(state.keyId.slice(0, 8)))
                : t('popupKeyStatusPassword', formatKeyId(state.keyId.slice(0, 8)))}
            </p>
          </section>
        )}
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
