import type { ComponentChildren } from 'preact';
import type { KeyType } from '../../crypto/keys';
import { RadioChoices } from '../forms';
import { t, type MessageKey } from '../i18n';

const KEY_TYPE_CHOICES: readonly { type: KeyType; title: MessageKey; hint: MessageKey }[] = [
  { type: 'pq', title: 'keyTypePq', hint: 'keyTypePqHint' },
  { type: 'classic', title: 'keyTypeClassic', hint: 'keyTypeClassicHint' },
];

/**
 * Post-quantum (default) or classic; used in Advanced on setup, on "I already have a key" and in
 * settings. Each radio's line about age versions belongs to expert places; `versionHints={false}`
 * leaves it out (the main path), and the caller offers it behind a disclosure instead.
 */
export function KeyTypeChoice(props: {
  value: KeyType;
  onChange: (type: KeyType) => void;
  legend: string;
  hint?: string;
  name: string;
  disabled?: boolean;
  versionHints?: boolean;
  /** After the radios, inside the group (e.g. a "Saved." note). */
  children?: ComponentChildren;
}) {
  const hints = props.versionHints ?? true;
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      <RadioChoices
        name={props.name}
        options={KEY_TYPE_CHOICES.map((c) => (hints ? { value: c.type, title: t(c.title), hint: t(c.hint) } : { value: c.type, title: t(c.title) }))}
        value={props.value}
        onChange={props.onChange}
        disabled={props.disabled}
      />
      {props.children}
    </fieldset>
  );
}
