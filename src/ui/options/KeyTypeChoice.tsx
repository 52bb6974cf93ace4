import type { KeyType } from '../../crypto/keys';
import { t } from '../i18n';

/** Post-quantum (default) or classic; used in Advanced on setup, on "I already have a key" and in settings. */
export function KeyTypeChoice(props: {
  value: KeyType;
  onChange: (type: KeyType) => void;
  legend: string;
  hint?: string;
  name: string;
  disabled?: boolean;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      <label class="choice">
        <input
          type="radio"
          name={props.name}
          value="pq"
          checked={props.value === 'pq'}
          disabled={props.disabled}
          onChange={() => props.onChange('pq')}
        />
        <span>
          <strong>{t('keyTypePq')}</strong>
          <span class="hint">{t('keyTypePqHint')}</span>
        </span>
      </label>
      <label class="choice">
        <input
          type="radio"
          name={props.name}
          value="classic"
          checked={props.value === 'classic'}
          disabled={props.disabled}
          onChange={() => props.onChange('classic')}
        />
        <span>
          <strong>{t('keyTypeClassic')}</strong>
          <span class="hint">{t('keyTypeClassicHint')}</span>
        </span>
      </label>
    </fieldset>
  );
}
