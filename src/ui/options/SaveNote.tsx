// A settings control saves as soon as it changes; "Saved." (or why not) appears right beside it,
// in a live region that is always there, so screen readers announce it where the user is.
import { useState } from 'preact/hooks';
import type { Settings } from '../../messaging/protocol';
import { errorText } from '../errors';
import type { Outcome } from '../forms';
import { t } from '../i18n';

export type SaveSettings = (patch: Partial<Settings>) => Promise<void>;

/**
 * `shown(settings)` is what the control displays: the settings with this control's unsaved change
 * laid over them, so a controlled checkbox or select shows the user's choice at once instead of
 * snapping back until the worker answers (and snaps back only if the save fails).
 */
export function useSettingSave(save: SaveSettings): {
  save: (patch: Partial<Settings>) => void;
  outcome: Outcome | null;
  shown: (settings: Settings) => Settings;
} {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, setPending] = useState<Partial<Settings>>({});
  return {
    outcome,
    shown: (settings) => ({ ...settings, ...pending }),
    save: (patch) => {
      setOutcome(null);
      setPending((p) => ({ ...p, ...patch }));
      save(patch).then(
        () => {
          setPending({});
          setOutcome({ ok: true, text: t('settingsSaved') });
        },
        (e: unknown) => {
          setPending({});
          setOutcome({ ok: false, text: errorText(e) });
        },
      );
    },
  };
}

export function SaveNote(props: { outcome: Outcome | null }) {
  const { outcome } = props;
  return (
    <span class="save-note" aria-live="polite">
      {outcome &&
        (outcome.ok ? (
          <span role="status">{outcome.text}</span>
        ) : (
          <span role="alert" class="error-text">
            {outcome.text}
          </span>
        ))}
    </span>
  );
}
