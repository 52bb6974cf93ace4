// The options page's Google Drive section: which account backups go to, the folder, Disconnect
// (revokes ChatSeal's access and forgets it; backups already in Drive stay there), Connect, and
// for people who build ChatSeal with their own OAuth client the redirect URL to register.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { callWorker } from '../../messaging/client';
import type { ConnectionState } from '../../messaging/protocol';
import { Notice, Step } from '../components';
import { errorText } from '../errors';
import { t } from '../i18n';
import { CONNECT_FAILURE_TEXT } from '../popup/outbox-words';

function redirectUrl(): string | null {
  try {
    return browser.identity.getRedirectURL();
  } catch {
    return null;
  }
}

export function DriveSettings() {
  const [state, setState] = useState<ConnectionState | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  useEffect(() => {
    callWorker('drive.getState', {}).then(setState, (e: unknown) => setMessage({ kind: 'error', text: errorText(e) }));
  }, []);

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setMessage(null);
    try {
      await work();
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  const disconnect = () =>
    run(async () => {
      setState(await callWorker('drive.disconnect', {}));
      setMessage({ kind: 'success', text: t('driveDisconnected') });
    });

  const connect = () =>
    run(async () => {
      const result = await callWorker('drive.connect', {});
      if (result.ok) setState(result.state);
      else setMessage({ kind: 'error', text: t(CONNECT_FAILURE_TEXT[result.reason]) });
    });

  const account = state && (state.status === 'connected' || state.status === 'signed-out') ? state.email : null;
  const redirect = redirectUrl();
  return (
    <Step heading={t('driveHeading')} class="card">
      {state?.status === 'no-client-id' ? (
        <Notice kind="warning">{t('driveNoClientId')}</Notice>
      ) : (
        <>
          <p>{t('driveOptionsText')}</p>
          <dl class="facts">
            <dt>{t('driveAccountLabel')}</dt>
            <dd data-testid="options-drive-account">{account ?? t('driveNotConnectedShort')}</dd>
            <dt>{t('driveFolderLabel')}</dt>
            <dd>{t('driveFolderName')}</dd>
          </dl>
          {state?.status === 'signed-out' && <Notice kind="warning">{t('driveSignedOut', state.email)}</Notice>}
          {state?.status === 'confirm-account' && <Notice kind="warning">{t('driveConfirmAccountOptions')}</Notice>}
          <div class="actions">
            {account !== null || state?.status === 'confirm-account' ? (
              <button type="button" disabled={busy} onClick={() => void disconnect()}>
                {t('driveDisconnect')}
              </button>
            ) : (
              state && (
                <button type="button" class="primary" disabled={busy} onClick={() => void connect()}>
                  {t('driveConnect')}
                </button>
              )
            )}
          </div>
        </>
      )}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {redirect && (
        <details class="help">
          <summary>{t('driveRedirectSummary')}</summary>
          <p class="hint">{t('driveRedirectHint')}</p>
          <p>
            <code data-testid="drive-redirect-url">{redirect}</code>
          </p>
        </details>
      )}
    </Step>
  );
}
