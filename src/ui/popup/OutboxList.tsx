// The popup's upload queue: one row per file waiting for Google Drive, with a progress bar (bytes,
// percent, speed, time left), why it waits or failed in plain words, and Pause/Resume, Retry,
// Cancel and "Save as file". Closing the popup stops nothing: the worker owns the uploads.
import { useState } from 'preact/hooks';
import { Outbox } from '../../backup/outbox';
import { callWorker } from '../../messaging/client';
import type { OutboxItemView, OutboxView } from '../../messaging/protocol';
import { openChatSealDb } from '../../store/db';
import { Notice, Step } from '../components';
import { saveFile } from '../download';
import { errorText } from '../errors';
import { formatBytes, formatDate, formatDateTime, t } from '../i18n';
import { reasonText } from './outbox-words';

type Action = 'outbox.pause' | 'outbox.resume' | 'outbox.retry' | 'outbox.cancel';

export function OutboxList(props: { items: OutboxItemView[]; onView: (view: OutboxView) => void }) {
  const [error, setError] = useState<string | null>(null);
  if (props.items.length === 0) return null;

  async function act(type: Action, id: string) {
    setError(null);
    try {
      props.onView(await callWorker(type, { id }));
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function save(item: OutboxItemView) {
    setError(null);
    try {
      // The popup reads the ciphertext Blob from IndexedDB itself: a Blob cannot cross the channel.
      const blob = await new Outbox(() => openChatSealDb()).file(item.id);
      if (blob) saveFile(blob, item.fileName);
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <Step heading={t('outboxHeading')} class="outbox">
      {error && <Notice kind="error">{error}</Notice>}
      <ul class="outbox-list">
        {props.items.map((item) => (
          <OutboxRow key={item.id} item={item} onAct={(type) => void act(type, item.id)} onSave={() => void save(item)} />
        ))}
      </ul>
    </Step>
  );
}

function itemName(item: OutboxItemView): string {
  if (item.kind === 'key-file') return t('outboxKeyFile');
  if (item.kind === 'keyring') return t('outboxKeyring');
  return item.title ?? t('outboxBackupFrom', formatDate(item.createdAt));
}

const STATE_TEXT = {
  waiting: 'outboxStateWaiting',
  uploading: 'outboxStateUploading',
  paused: 'outboxStatePaused',
  failed: 'outboxStateFailed',
} as const;

function OutboxRow(props: { item: OutboxItemView; onAct: (type: Action) => void; onSave: () => void }) {
  const { item } = props;
  const [confirmCancel, setConfirmCancel] = useState(false);
  const name = itemName(item);
  const percent = item.size > 0 ? Math.floor((item.progress.confirmed / item.size) * 100) : 0;
  // Waiting for a connection is solved by connecting (above), not by Retry.
  const canRetry = item.state === 'failed' || (item.state === 'waiting' && (item.reason === 'offline' || item.reason === 'drive-busy'));
  return (
    <li class="outbox-item" data-testid="outbox-item" data-state={item.state} data-file-name={item.fileName} aria-label={name}>
      <p class="outbox-title">
        {/* bdi: a right-to-left title must not pull the size and the dot into its own direction. */}
        <strong>
          <bdi>{name}</bdi>
        </strong>{' '}
        · {formatBytes(item.size)}
        {item.complete === false && <> · {t('outboxIncomplete')}</>}
      </p>
      <p class="hint" data-testid="outbox-state">
        {t(STATE_TEXT[item.state])}
      </p>
      <div class="progress" role="status" aria-live="polite">
        <progress aria-label={t('outboxProgressLabel')} max={100} value={percent} />
        <p data-testid="outbox-progress">
          {t('outboxProgress', [formatBytes(item.progress.confirmed), formatBytes(item.size), String(percent)])}
          {item.state === 'uploading' && item.progress.bytesPerSecond !== undefined && item.progress.secondsLeft !== undefined && (
            <> · {t('outboxSpeed', [formatBytes(item.progress.bytesPerSecond), formatDuration(item.progress.secondsLeft)])}</>
          )}
        </p>
      </div>
      {item.reason && (
        <p class={item.state === 'failed' ? 'notice error' : 'notice warning'} role={item.state === 'failed' ? 'alert' : 'status'} data-testid="outbox-reason">
          {reasonText(item.reason)}
          {item.retryAt && item.state === 'waiting' && <> {t('outboxRetryAt', formatDateTime(item.retryAt))}</>}
        </p>
      )}
      {confirmCancel ? (
        <div class="notice warning" role="alert">
          <p>{t('outboxCancelConfirm')}</p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => props.onAct('outbox.cancel')}>
              {t('outboxCancelYes')}
            </button>
            <button type="button" onClick={() => setConfirmCancel(false)}>
              {t('outboxCancelNo')}
            </button>
          </div>
        </div>
      ) : (
        <div class="actions">
          {item.state === 'paused' ? (
            <button type="button" onClick={() => props.onAct('outbox.resume')}>
              {t('outboxResume')}
            </button>
          ) : (
            item.state !== 'failed' && (
              <button type="button" onClick={() => props.onAct('outbox.pause')}>
                {t('outboxPause')}
              </button>
            )
          )}
          {canRetry && (
            <button type="button" class="primary" onClick={() => props.onAct('outbox.retry')}>
              {t('outboxRetry')}
            </button>
          )}
          <button type="button" onClick={props.onSave}>
            {t('outboxSaveAsFile')}
          </button>
          <button type="button" onClick={() => setConfirmCancel(true)}>
            {t('outboxCancel')}
          </button>
        </div>
      )}
    </li>
  );
}

/** "45 seconds", "3 minutes", "2 hours": a time left is an estimate, one unit is enough. */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  const [value, unit] = s < 90 ? [s, 'second'] : s < 90 * 60 ? [Math.round(s / 60), 'minute'] : [Math.round(s / 3600), 'hour'];
  return new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
