// Small shared building blocks for ChatSeal's pages. Every field has a visible label, every
// status change is announced (role=status for progress, role=alert for errors).
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { t } from './i18n';

export function Notice(props: { kind?: 'info' | 'error' | 'warning' | 'success'; children: ComponentChildren }) {
  const kind = props.kind ?? 'info';
  // Errors interrupt (alert); everything else is announced politely (status).
  return (
    <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** An extension page in a tab (options, import): the icon and title, then the page's steps. */
export function Page(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page">
      <header class="page-header">
        <img src="/icon/48.png" alt="" width={40} height={40} />
        <h1>{props.title}</h1>
      </header>
      <main>{props.children}</main>
    </div>
  );
}

/** One step or part of a page: a section named by its h2 (the heading useStepFocus moves to). */
export function Step(props: { heading: string; busy?: boolean; class?: string; children?: ComponentChildren }) {
  const id = useId();
  return (
    <section aria-labelledby={id} aria-busy={props.busy ? 'true' : undefined} class={props.class}>
      <h2 id={id}>{props.heading}</h2>
      {props.children}
    </section>
  );
}

export function ProgressBar(props: { label: string; value: number | null; text?: string }) {
  const percent = props.value === null ? null : Math.max(0, Math.min(100, Math.round(props.value * 100)));
  return (
    <div class="progress" role="status" aria-live="polite">
      <progress aria-label={props.label} max={100} value={percent ?? undefined} />
      <p>{props.text ?? (percent === null ? props.label : t('progressPercent', String(percent)))}</p>
    </div>
  );
}

export function KeyGroups(props: { groups: readonly string[] }) {
  return (
    <ol class="key-groups" aria-label={t('keyGroupsLabel')}>
      {props.groups.map((group, i) => (
        <li key={i} data-group={group} aria-label={t('groupN', [String(i + 1), group.split('').join(' ')])}>
          <span class="n" aria-hidden="true">
            {i + 1}
          </span>
          <span aria-hidden="true">{group}</span>
        </li>
      ))}
    </ol>
  );
}

/** Splits a key id into groups of four for reading aloud and comparing by eye. */
export function formatKeyId(keyId: string): string {
  return keyId.match(/.{1,4}/gu)?.join(' ') ?? keyId;
}

/**
 * Moves focus to the page's step heading (the first h2 in main) whenever `step` changes, so
 * keyboard and screen reader users start at the top of the new step. null: nothing to focus yet.
 * The heading gets tabindex=-1 (focusable by script only); theme.css draws no ring for that focus.
 * `target` (a selector) names a control to focus instead when the page was opened for it (e.g.
 * the popup's "Check my key"); without a match the heading is focused.
 */
export function useStepFocus(step: string | null, target?: string): void {
  useEffect(() => {
    if (step === null) return;
    const control = target ? document.querySelector<HTMLElement>(target) : null;
    if (control) {
      control.focus();
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h2');
    if (!heading) return;
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }, [step]);
}

/** The value, updated only after it has been still for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
