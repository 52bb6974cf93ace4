import type { KeyType } from '../../crypto/keys';
import { RadioChoices } from '../forms';
import { t, type MessageKey } from '../i18n';

const KEY_TYPE_CHOICES: readonly { type: KeyType; title: MessageKey; hint: MessageKey }[] = [
  { type: 'pq', title: 'keyTypePq', hint: 'keyTypePqHint' },
  { type: 'classic', title: 'keyTypeClassic', hint: 'keyTypeClassicHint' },
];

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
      <RadioChoices
        name={props.name}
        options={KEY_TYPE_CHOICES.map((c) => ({ value: c.type, title: t(c.title), hint: t(c.hint) }))}
        value={props.value}
        onChange={props.onChange}
        disabled={props.disabled}
      />
    </fieldset>
  );
}
