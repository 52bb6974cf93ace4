import type { KeyMode, KeySecret } from '../../messaging/protocol';
import { Field } from '../forms';
import { keyTextProblem } from '../key-text';

/** The current 64-digit key (any form) or the current password, as the mode asks. */
export function SecretInput(props: { mode: KeyMode; label: string; value: string; onInput: (v: string) => void; disabled?: boolean }) {
  return (
    <Field label={props.label}>
      {({ id }) =>
        props.mode === 'key' ? (
          <textarea
            id={id}
            rows={3}
            autocomplete="off"
            spellcheck={false}
            value={props.value}
            disabled={props.disabled}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        ) : (
          <input
            id={id}
            type="password"
            autocomplete="current-password"
            value={props.value}
            disabled={props.disabled}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        )
      }
    </Field>
  );
}

export function toSecret(mode: KeyMode, value: string): KeySecret {
  return mode === 'key' ? { keyText: value } : { password: value };
}

/** Why typed text cannot be sent yet: key text that is not shaped like a key, or no password. */
export function secretProblem(mode: KeyMode, value: string, emptyPassword: string): string | null {
  if (mode === 'key') return keyTextProblem(value);
  return value === '' ? emptyPassword : null;
}
