// Capture (UX.md, options page): whether images go into the backup, and the history range: all
// history, or only the messages since a chosen day. Each control saves as soon as it holds a
// valid choice; "Only messages since a date" saves once a day is chosen.
import { useId, useState } from 'preact/hooks';
import type { Settings } from '../../messaging/protocol';
import { isCalendarDay } from '../../store/settings';
import { Step } from '../components';
import { RadioChoices } from '../forms';
import { t } from '../i18n';
import { SaveNote, useSettingSave, type SaveSettings } from './SaveNote';

type Range = 'all' | 'since';

/** Today in the browser's zone, as a date input writes days. */
export function localToday(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export function CaptureSettings(props: { settings: Settings; onChange: SaveSettings }) {
  const imagesHintId = useId();
  const dateId = useId();
  const rangeHintId = useId();
  const images = useSettingSave(props.onChange);
  const range = useSettingSave(props.onChange);
  const stored = range.shown(props.settings).historySince;
  const [mode, setMode] = useState<Range>(stored === null ? 'all' : 'since');
  const [day, setDay] = useState(stored ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const today = localToday();

  /** Saves the day when it is one; otherwise says what is missing and keeps the stored range. */
  function saveDay(value: string) {
    if (value === '') return setProblem(t('historyRangeNeedDate'));
    if (!isCalendarDay(value)) return setProblem(t('historyRangeNeedDate'));
    if (value > today) return setProblem(t('historyRangeFuture'));
    setProblem(null);
    if (value !== props.settings.historySince) range.save({ historySince: value });
  }

  function choose(next: Range) {
    setMode(next);
    if (next === 'all') {
      setProblem(null);
      if (props.settings.historySince !== null) range.save({ historySince: null });
    } else if (day !== '') saveDay(day);
    else setProblem(t('historyRangeNeedDate'));
  }

  return (
    <Step heading={t('captureSettingsHeading')} class="card">
      <p class="hint">{t('captureSettingsIntro')}</p>
      <div class="setting-row">
        <label class="choice">
          <input
            type="checkbox"
            aria-describedby={imagesHintId}
            checked={images.shown(props.settings).captureImages}
            onChange={(e) => images.save({ captureImages: e.currentTarget.checked })}
          />
          {t('captureImagesSetting')}
        </label>
        <SaveNote outcome={images.outcome} />
      </div>
      <p class="hint" id={imagesHintId}>
        {t('captureImagesHint')}
      </p>
      <fieldset aria-describedby={rangeHintId}>
        <legend>{t('historyRangeLegend')}</legend>
        <RadioChoices
          name="history-range"
          options={[
            { value: 'all', title: t('historyRangeAll') },
            { value: 'since', title: t('historyRangeSince') },
          ]}
          value={mode}
          onChange={choose}
        />
        {mode === 'since' && (
          <div class="field">
            <label for={dateId}>{t('historyRangeDateLabel')}</label>
            <input
              id={dateId}
              type="date"
              max={today}
              value={day}
              aria-invalid={problem !== null ? 'true' : undefined}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setDay(value);
                saveDay(value);
              }}
            />
          </div>
        )}
        <div class="setting-row">
          <SaveNote outcome={problem !== null ? { ok: false, text: problem } : range.outcome} />
        </div>
        <p class="hint" id={rangeHintId}>
          {t('historyRangeHint')}
        </p>
      </fieldset>
    </Step>
  );
}
