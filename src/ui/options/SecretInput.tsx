import { useId } from 'preact/hooks';
import type { KeyMode, KeySecret } from '../../messaging/protocol';

/** The current 64-digit key (any form) or the current password, as the mode asks. */
export function SecretInput(props: { mode: KeyMode; label: string; value: string; onInput: (v: string) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.mode === 'key' ? (
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
      )}
    </div>
  );
}

export function toSecret(mode: KeyMode, value: string): KeySecret {
  return mode === 'key' ? { keyText: value } : { password: value };
}
