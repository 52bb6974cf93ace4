import type { Warning } from '../../export/types';
import type { ChosenDateOrder } from '../../export/whatsapp-import';
import { localTimestampToDate, type DateOrderChoice, type ImportSummary } from '../../import/summary';
import { RadioChoices } from '../forms';
import { formatBytes, formatDate, formatDateTime, formatNumber, t, tCount, type CountedMessage, type MessageKey } from '../i18n';

// Parser warnings have stable codes; these get words of our own, others show the parser's text.
const WARNING_TEXT: Record<string, MessageKey> = {
  'date-order-conflict': 'warnDateOrderConflict',
  'date-order-inferred': 'warnDateOrderInferred',
  'date-order-from-locale': 'warnDateOrderFromLocale',
  'date-order-chosen': 'warnDateOrderChosen',
  'me-unknown': 'warnMeUnknown',
  'me-not-found': 'warnMeNotFound',
  'invalid-utf8': 'warnInvalidUtf8',
};
const COUNTED_WARNING_TEXT: Record<string, CountedMessage> = {
  'media-omitted': 'warnMediaOmitted',
  'media-not-included': 'warnMediaNotIncluded',
  'media-missing': 'warnMediaMissing',
  'media-unreferenced': 'warnMediaUnreferenced',
};

export function warningText(warning: Warning): string {
  const counted = COUNTED_WARNING_TEXT[warning.code];
  if (counted) return tCount(counted, warning.count ?? 1);
  const key = WARNING_TEXT[warning.code];
  return key ? t(key) : warning.message;
}

/** A local timestamp value as the browser writes dates (with month names in most languages). */
function shown(value: string | null, format: (date: Date) => string): string {
  if (value === null) return '—';
  const date = localTimestampToDate(value);
  return date ? format(date) : value;
}
const when = (value: string | null) => shown(value, formatDateTime);
const day = (value: string | null) => shown(value, formatDate);

/**
 * Every day in the file is 12 or less, so its dates read both ways: the user picks, seeing the
 * first and last date each reading gives (written with month names, so they are not ambiguous).
 */
function DateOrderChoiceView(props: { choice: DateOrderChoice; onChange: (order: ChosenDateOrder) => void }) {
  const { choice } = props;
  const option = (order: ChosenDateOrder, title: MessageKey) => ({
    value: order,
    title: t(title),
    hint: t('importDateRangeValue', [day(choice.ranges[order].first), day(choice.ranges[order].last)]),
  });
  return (
    <fieldset data-testid="date-order">
      <legend>{t('importDateOrderLegend')}</legend>
      <p class="hint">{t(choice.chosen ? 'importDateOrderChosen' : 'importDateOrderFromBrowser')}</p>
      <RadioChoices
        name="date-order"
        options={[option('dmy', 'importDateOrderDayFirst'), option('mdy', 'importDateOrderMonthFirst')]}
        value={choice.order}
        onChange={props.onChange}
      />
    </fieldset>
  );
}

export function ImportSummaryView(props: { summary: ImportSummary; onDateOrder: (order: ChosenDateOrder) => void }) {
  const s = props.summary;
  return (
    <>
      <dl class="facts" data-testid="import-summary">
        <dt>{t('importChat')}</dt>
        <dd>{s.title}</dd>
        <dt>{t('importMessages')}</dt>
        <dd data-testid="summary-messages">{formatNumber(s.messages)}</dd>
        <dt>{t('importDateRange')}</dt>
        <dd>{s.messages === 0 ? '—' : t('importDateRangeValue', [when(s.first), when(s.last)])}</dd>
        <dt>{t('importParticipants')}</dt>
        <dd>{s.participants.join(', ')}</dd>
        <dt>{t('importMedia')}</dt>
        <dd data-testid="summary-media">
          {s.mediaFiles > 0 ? tCount('importMediaFiles', s.mediaFiles, [formatBytes(s.mediaBytes)]) : t('importMediaNone')}
        </dd>
        <dt>{t('importUnreadable')}</dt>
        <dd data-testid="summary-unreadable">{formatNumber(s.unreadableLines)}</dd>
      </dl>
      {s.unreadableLines > 0 && <p class="hint">{t('importUnreadableHint')}</p>}
      {s.dateOrder !== null && <DateOrderChoiceView choice={s.dateOrder} onChange={props.onDateOrder} />}
      {s.warnings.length > 0 && (
        <div class="notice warning" role="status">
          <h3>{t('importWarnings')}</h3>
          <ul>
            {s.warnings.map((w) => (
              <li key={w.code}>{warningText(w)}</li>
            ))}
          </ul>
        </div>
      )}
      <p class="hint">{t('importLocalTimes')}</p>
    </>
  );
}
