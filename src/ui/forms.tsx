// The pieces every ChatSeal form repeats: a labelled field, the submit row, a button that opens a
// form in place, the "working…" line, and the submit cycle itself (check, then work while busy,
// then an error or a success sentence). Errors are role=alert (announced at once); progress and
// successes are role=status inside regions that stay in the page, so screen readers hear them.
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { Notice } from './components';
import { errorText } from './errors';
import { t } from './i18n';

/** What a submission ended with, shown under the form: a refusal or a success sentence. */
export type Outcome = { ok: boolean; text: string };

export interface SubmitSteps {
  /** Cheap checks before any work (nothing is disabled meanwhile): a sentence refuses. */
  check?: () => string | null | Promise<string | null>;
  /**
   * The work, while the form is busy: a string is a refusal to show, an Outcome is shown as it is,
   * nothing shows nothing (e.g. the page moves on). A thrown error becomes errorText's sentence.
   */
  run: () => Promise<string | Outcome | void>;
}

export interface SubmitState {
  busy: boolean;
  outcome: Outcome | null;
  setOutcome: (outcome: Outcome | null) => void;
  /** A submit handler running `steps`; the previous outcome is cleared first. */
  handle: (steps: SubmitSteps) => (event?: Event) => Promise<void>;
}

export function useSubmit(): SubmitState {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const handle = (steps: SubmitSteps) => async (event?: Event) => {
    event?.preventDefault();
    setOutcome(null);
    const problem = steps.check ? await steps.check() : null;
    if (problem) {
      setOutcome({ ok: false, text: problem });
      return;
    }
    setBusy(true);
    try {
      const result = await steps.run();
      if (typeof result === 'string') setOutcome({ ok: false, text: result });
      else if (result) setOutcome(result);
    } catch (e) {
      setOutcome({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, setOutcome, handle };
}

export function OutcomeNotice(props: { outcome: Outcome | null }) {
  const { outcome } = props;
  return outcome ? <Notice kind={outcome.ok ? 'success' : 'error'}>{outcome.text}</Notice> : null;
}

/** "Checking…" while busy, in a region that stays in the page so the change is announced. */
export function BusyNote(props: { busy: boolean; text: string }) {
  return <div aria-live="polite">{props.busy && <p role="status">{props.text}</p>}</div>;
}

/** A visible label, the control (given its id and the hint's id), and an optional hint under it. */
export function Field(props: {
  label: string;
  hint?: ComponentChildren;
  children: (ids: { id: string; hintId: string | undefined }) => ComponentChildren;
}) {
  const id = useId();
  const hintId = useId();
  const hasHint = props.hint !== undefined && props.hint !== null && props.hint !== false;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children({ id, hintId: hasHint ? hintId : undefined })}
      {hasHint && (
        <span class="hint" id={hintId}>
          {props.hint}
        </span>
      )}
    </div>
  );
}

/** The row under a form: the submit button (disabled while busy), then Back and any others. */
export function FormActions(props: {
  submit: string;
  busy: boolean;
  /** Red, for what deletes something. */
  danger?: boolean;
  /** Disabled for a reason besides being busy. */
  disabled?: boolean;
  onBack?: () => void;
  children?: ComponentChildren;
}) {
  return (
    <div class="actions">
      <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={props.busy || props.disabled}>
        {props.submit}
      </button>
      {props.onBack && (
        <button type="button" onClick={props.onBack} disabled={props.busy}>
          {t('back')}
        </button>
      )}
      {props.children}
    </div>
  );
}

/** A button that opens its form in place, below it (aria-expanded says which state it is in). */
export function Disclosure(props: {
  label: string;
  open: boolean;
  onToggle: (open: boolean) => void;
  class?: string;
  children: ComponentChildren;
}) {
  const panelId = useId();
  return (
    <div class={`disclosure${props.class ? ` ${props.class}` : ''}`}>
      <button
        type="button"
        aria-expanded={props.open}
        aria-controls={props.open ? panelId : undefined}
        onClick={() => props.onToggle(!props.open)}
      >
        {props.label}
      </button>
      {props.open && (
        <div class="disclosure-panel" id={panelId}>
          {props.children}
        </div>
      )}
    </div>
  );
}

export interface RadioOption<T extends string> {
  value: T;
  title: ComponentChildren;
  /** A line under the title; with one, the title is bold. */
  hint?: ComponentChildren;
}

/** Radios with their whole text as the label (so a click anywhere on it chooses). */
export function RadioChoices<T extends string>(props: {
  name: string;
  options: readonly RadioOption<T>[];
  value: T | null;
  onChange: (value: T) => void;
  disabled?: boolean;
}) {
  return (
    <>
      {props.options.map((option) => (
        <label class="choice" key={option.value}>
          <input
            type="radio"
            name={props.name}
            value={option.value}
            checked={props.value === option.value}
            disabled={props.disabled}
            onChange={() => props.onChange(option.value)}
          />
          {option.hint === undefined ? (
            <span>{option.title}</span>
          ) : (
            <span>
              <strong>{option.title}</strong>
              <span class="hint">{option.hint}</span>
            </span>
          )}
        </label>
      ))}
    </>
  );
}
