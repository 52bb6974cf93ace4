// The popup's Google Drive part: the connection (the account's e-mail, or Connect), the question
// when a sign-in reached a different account, and the last successful backup. Sign-in runs in the
// worker: the popup closes when Google's window takes focus, and shows the result when reopened.
import { useState } from 'preact/hooks';
import { callWorker } from '../../messaging/client';
import type { ConnectionState, OutboxView } from '../../messaging/protocol';
import { Notice, Step } from '../components';
import { errorText } from '../errors';
import { formatBytes, formatDateTime, t } from '../i18n';
import { CONNECT_FAILURE_TEXT } from './outbox-words';

export function DriveSection(props: {
  state: ConnectionState;
  lastBackup: OutboxView['lastBackup'];
  onState: (state: ConnectionState) => void;
}) {
  const { state } = props;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);

  async function connect() {
    setBusy(true);
    setMessage(null);
    try {
      const result = await callWorker('drive.connect', {});
      if (result.ok) props.onState(result.state);
      else setMessage({ kind: 'error', text: t(CONNECT_FAILURE_TEXT[result.reason]) });
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  async function confirmAccount(useNew: boolean) {
    try {
      props.onState(await callWorker('drive.confirmAccount', { useNew }));
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    }
  }

  let body;
  switch (state.status) {
    case 'no-client-id':
      body = <Notice kind="warning">{t('driveNoClientId')}</Notice>;
      break;
    case 'connected':
      body = (
        <p class="popup-status" data-testid="drive-account">
          {t('driveConnectedAs', state.email)}
        </p>
      );
      break;
    case 'signed-out':
      body = (
        <>
          <Notice kind="warning">{t('driveSignedOut', state.email)}</Notice>
          <ConnectButton busy={busy} label={t('driveSignInAgain')} onClick={() => void connect()} />
        </>
      );
      break;
    case 'confirm-account':
      body = (
        <div class="notice warning" role="alert" data-testid="drive-confirm-account">
          <p>{t('driveConfirmAccount', [state.email, state.previousEmail])}</p>
          <div class="actions">
            <button type="button" onClick={() => void confirmAccount(true)}>
              {t('driveUseNewAccount', state.email)}
            </button>
            <button type="button" class="primary" onClick={() => void confirmAccount(false)}>
              {t('driveKeepOldAccount', state.previousEmail)}
            </button>
          </div>
        </div>
      );
      break;
    case 'disconnected':
      body = (
        <>
          <p>{t('driveNotConnected')}</p>
          {state.previousEmail && <p class="hint">{t('driveLastAccount', state.previousEmail)}</p>}
          <ConnectButton busy={busy} label={t('driveConnect')} onClick={() => void connect()} />
        </>
      );
      break;
  }

  return (
    <Step heading={t('driveHeading')} class="drive-section">
      {body}
      {busy && <p role="status">{t('driveConnecting')}</p>}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {props.lastBackup && <LastBackup last={props.lastBackup} />}
    </Step>
  );
}

function ConnectButton(props: { busy: boolean; label: string; onClick: () => void }) {
  return (
    <div class="actions">
      <button type="button" class="primary" disabled={props.busy} onClick={props.onClick}>
        {props.label}
      </button>
    </div>
  );
}

function LastBackup(props: { last: NonNullable<OutboxView['lastBackup']> }) {
  const { last } = props;
  const when = formatDateTime(last.at);
  const size = formatBytes(last.size);
  return (
    <p class="hint" data-testid="last-backup">
      {last.title === undefined ? t('lastBackupText', [when, size]) : t('lastBackupTitled', [when, size, last.title])}
    </p>
  );
}
