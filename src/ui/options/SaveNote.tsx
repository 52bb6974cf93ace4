// A settings control saves as soon as it changes; "Saved." (or why not) appears right beside it,
// in a live region that is always there, so screen readers announce it where the user is.
import { useState } from 'preact/hooks';
import type { Settings } from '../../messaging/protocol';
import { errorText } from '../errors';
import type { Outcome } from '../forms';
import { t } from '../i18n';

export type SaveSettings = (patch: Partial<Settings>) => Promise<void>;

export function useSettingSave(save: SaveSettings): { save: (patch: Partial<Settings>) => void; outcome: Outcome | null } {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return {
    outcome,
    save: (patch) => {
      setOutcome(null);
      save(patch).then(
        () => setOutcome({ ok: true, text: t('settingsSaved') }),
        (e: unknown) => setOutcome({ ok: false, text: errorText(e) }),
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
