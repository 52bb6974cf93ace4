// The options page once a key exists: what the key is, checking it, the reminder, changing the
// password, rotating, the recovery kit note, the key file, Google Drive, Advanced, and turning off.
import type { KeySecret, KeyStateView, Settings } from '../../messaging/protocol';
import { formatKeyId, Step } from '../components';
import { formatDate, formatDateTime, t } from '../i18n';
import { AdvancedSettings } from './AdvancedSettings';
import { CaptureSettings } from './CaptureSettings';
import { ChangePassword } from './ChangePassword';
import { CheckKey } from './CheckKey';
import { DriveSettings } from './DriveSettings';
import { KeyFileButton } from './KeyFileButton';
import { RotateStart } from './RotateStart';
import { SaveNote, useSettingSave, type SaveSettings } from './SaveNote';
import { TurnOff } from './TurnOff';

type Configured = Extract<KeyStateView, { configured: true }>;

export function Manage(props: {
  state: Configured;
  settings: Settings;
  /** Saves a settings change; rejects when it was not saved (the control says so). */
  onSettingsChange: SaveSettings;
  onChecked: () => void;
  onRotateProved: (current: KeySecret) => void;
  onTurnedOff: () => void;
  /** Rotate key starts open (a resumed rotation's new key was discarded: prove the key again). */
  rotateOpen: boolean;
  /** Check my key starts open (the page was opened for it, e.g. from the popup's reminder). */
  checkOpen?: boolean;
}) {
  const { state, settings } = props;
  const isKey = state.mode === 'key';
  const due = state.reminderDue;
  const reminder = useSettingSave(props.onSettingsChange);
  return (
    <>
      {due && (
        <div class="notice warning" role="status" data-testid="reminder-banner">
          <p>
            <strong>{isKey ? t('reminderDueKey') : t('reminderDuePassword')}</strong>
          </p>
          <p>{t('reminderDueText')}</p>
        </div>
      )}
      <Step heading={t('backupKeyHeading')} class="card">
        <dl class="facts">
          <dt>{t('protectedBy')}</dt>
          <dd>{isKey ? t('modeKey') : t('modePassword')}</dd>
          <dt>{t('keyIdLabel')}</dt>
          <dd>
            <code data-testid="key-id">{formatKeyId(state.keyId)}</code>
          </dd>
          <dt>{t('keyTypeLabel')}</dt>
          <dd>{state.keyType === 'pq' ? t('keyTypePq') : t('keyTypeClassic')}</dd>
          <dt>{t('createdLabel')}</dt>
          <dd>{formatDate(state.createdAt)}</dd>
          <dt>{t('lastCheckedLabel')}</dt>
          <dd>{state.lastCheckedAt ? formatDateTime(state.lastCheckedAt) : t('never')}</dd>
        </dl>

        <CheckKey mode={state.mode} onChecked={props.onChecked} initiallyOpen={props.checkOpen} />

        <div class="setting-row">
          <label class="choice">
            <input
              type="checkbox"
              checked={reminder.shown(settings).reminderEnabled}
              onChange={(e) => reminder.save({ reminderEnabled: e.currentTarget.checked })}
            />
            {isKey ? t('reminderSettingKey') : t('reminderSettingPassword')}
          </label>
          <SaveNote outcome={reminder.outcome} />
        </div>

        {!isKey && <ChangePassword />}

        <RotateStart mode={state.mode} onProved={props.onRotateProved} initiallyOpen={props.rotateOpen} />

        <h3>{t('recoveryKitHeading')}</h3>
        {isKey ? (
          <>
            <p>{t('recoveryKitManageKey')}</p>
            <p class="hint">{t('recoveryKitManageKeyNext')}</p>
          </>
        ) : (
          <p>{t('recoveryKitPasswordMode')}</p>
        )}

        {!isKey && (
          <>
            <h3>{t('keyFileHeading')}</h3>
            <p>{t('keyFileExplain')}</p>
            <KeyFileButton />
          </>
        )}
      </Step>

      <DriveSettings />

      <CaptureSettings settings={settings} onChange={props.onSettingsChange} />

      <AdvancedSettings state={state} settings={settings} onChange={props.onSettingsChange} />

      <Step heading={t('turnOffHeading')} class="card">
        <TurnOff mode={state.mode} onTurnedOff={props.onTurnedOff} />
      </Step>
    </>
  );
}
