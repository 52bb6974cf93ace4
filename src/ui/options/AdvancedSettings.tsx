// Advanced: what experts and careful users want, off the main path. Here "age" and "recipient"
// are the right words.
import { useId } from 'preact/hooks';
import type { KeyStateView, Settings } from '../../messaging/protocol';
import { formatKeyId } from '../components';
import { t, tCount } from '../i18n';
import { KeyTypeChoice } from './KeyTypeChoice';
import { SaveNote, useSettingSave, type SaveSettings } from './SaveNote';

export const UNLOCK_TIMEOUT_CHOICES = [5, 15, 30, 60] as const;

export function AdvancedSettings(props: {
  state: Extract<KeyStateView, { configured: true }>;
  settings: Settings;
  onChange: SaveSettings;
}) {
  const recipientId = useId();
  const timeoutId = useId();
  const timeoutHintId = useId();
  const timeout = useSettingSave(props.onChange);
  const keyType = useSettingSave(props.onChange);
  const { state, settings } = props;
  const choices: number[] = [...UNLOCK_TIMEOUT_CHOICES];
  if (!choices.includes(settings.unlockTimeoutMinutes)) choices.push(settings.unlockTimeoutMinutes);
  return (
    <details class="advanced">
      <summary>{t('advanced')}</summary>
      <div class="field">
        <label for={recipientId}>{t('recipientLabel')}</label>
        <input id={recipientId} class="mono" type="text" readOnly value={state.recipient} />
        <span class="hint">{t('recipientHint')}</span>
      </div>
      {state.olderKeyIds.length > 0 && (
        <div>
          <h3>{t('olderKeysHeading')}</h3>
          <p class="hint">{t('olderKeysHint')}</p>
          <ul>
            {state.olderKeyIds.map((id) => (
              <li key={id}>
                <code>{formatKeyId(id)}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div class="field">
        <label for={timeoutId}>{t('unlockTimeoutLabel')}</label>
        <div class="setting-row">
          <select
            id={timeoutId}
            aria-describedby={timeoutHintId}
            value={String(timeout.shown(settings).unlockTimeoutMinutes)}
            onChange={(e) => timeout.save({ unlockTimeoutMinutes: Number(e.currentTarget.value) })}
          >
            {choices.map((m) => (
              <option key={m} value={String(m)}>
                {tCount('minutes', m)}
              </option>
            ))}
          </select>
          <SaveNote outcome={timeout.outcome} />
        </div>
        <span class="hint" id={timeoutHintId}>
          {t('unlockTimeoutHint')}
        </span>
      </div>
      <KeyTypeChoice
        name="new-key-type"
        legend={t('newKeyTypeLegend')}
        value={keyType.shown(settings).newKeyType}
        onChange={(newKeyType) => keyType.save({ newKeyType })}
      >
        <SaveNote outcome={keyType.outcome} />
      </KeyTypeChoice>
    </details>
  );
}
