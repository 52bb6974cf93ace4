// The capture overlay: a small panel in a shadow root, anchored to the chat's message list (its
// top-left corner, kept clear of the list's scroll bar), that says what the capture is doing and
// offers Stop here, Cancel and Resume; afterwards what became of the backup. Text is announced
// through an aria-live region; every control is a real button, so the keyboard reaches them.
import { formatBytes, formatDate, t, tCount, type MessageKey } from '../ui/i18n';
import type { PauseReason } from './engine';
import { MARK_SVG } from './mark';
import type { CaptureProblem, SavedDestination } from './protocol';

export const OVERLAY_ATTR = 'data-chatseal-overlay';

/**
 * Progress counts change with every rows read; the live line takes at most one every this many ms
 * (and the last one after), so a screen reader is not flooded with numbers.
 */
export const PROGRESS_EVERY_MS = 1000;

/** Why a finished capture is incomplete, for the overlay's sentence. */
/** 'messages-left-out': the worker saved the capture without messages that did not form a valid export. */
export type StopWhy = CaptureProblem['code'] | 'user-stopped' | 'messages-left-out';

export type OverlayState =
  | { kind: 'starting' }
  | { kind: 'running'; messages: number; oldestDay: string | null }
  | { kind: 'paused'; reason: PauseReason; messages: number; oldestDay: string | null }
  | { kind: 'saving'; messages: number }
  | {
      kind: 'saved';
      size: number;
      destination: SavedDestination;
      complete: boolean;
      oldestDay: string | null;
      why: StopWhy | null;
      /** The first day of the chosen history range (YYYY-MM-DD), when the capture stopped there. */
      since?: string;
    }
  | { kind: 'cancelled' }
  | { kind: 'failed'; code: string }
  /** The extension was updated or reloaded: this page's script is cut off from it. */
  | { kind: 'disconnected' };

/**
 * The words the overlay needs once the extension is gone. An updated or reloaded extension leaves
 * this page's script orphaned, and browser.i18n then throws ("Extension context invalidated"), so
 * these are read while it is alive (when the content script starts) and kept.
 */
export interface OfflineWords {
  label: string;
  title: string;
  disconnected: string;
  reload: string;
  close: string;
}

export function readOfflineWords(): OfflineWords {
  return {
    label: t('captureOverlayLabel'),
    title: t('captureButton'),
    disconnected: t('captureDisconnected'),
    reload: t('captureReload'),
    close: t('captureClose'),
  };
}

export interface OverlayActions {
  stop(): void;
  cancel(): void;
  resume(): void;
  reload(): void;
  close(): void;
}

const STYLE = `
:host { all: initial; }
.panel {
  position: fixed; z-index: 2147483000; box-sizing: border-box; max-width: 360px;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1b1f24; background: #ffffff; border: 1px solid #c9d1da; border-radius: 10px;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); padding: 12px 14px;
}
.head { display: flex; align-items: center; gap: 8px; font-weight: 600; color: #0b5cad; margin-bottom: 6px; }
.text { margin: 0 0 8px; }
.note { margin: 0 0 8px; color: #4a5562; font-size: 13px; }
progress { width: 100%; height: 6px; margin: 0 0 10px; accent-color: #0b5cad; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; }
button {
  font: inherit; font-size: 13px; cursor: pointer; border-radius: 6px; padding: 5px 12px;
  border: 1px solid #0b5cad; background: #ffffff; color: #0b5cad;
}
button.primary { background: #0b5cad; color: #ffffff; }
button:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .panel { color: #e6edf3; background: #161b22; border-color: #30363d; }
  .head { color: #9ccaff; }
  .note { color: #a6b0bb; }
  button { background: #161b22; color: #9ccaff; border-color: #9ccaff; }
  button.primary { background: #9ccaff; color: #0d1117; }
  button:focus-visible { outline-color: #9ccaff; }
}
`;

export class CaptureOverlay {
  readonly host: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly live: HTMLElement;
  private readonly note: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly actions: HTMLElement;
  private state: OverlayState = { kind: 'starting' };
  private readonly onResize = () => this.place();
  private lastProgress = -Infinity;
  private progressTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly doc: Document,
    private readonly anchor: () => Element | null,
    private readonly act: OverlayActions,
    private readonly offline: OfflineWords = readOfflineWords(),
  ) {
    this.host = doc.createElement('div');
    this.host.setAttribute(OVERLAY_ATTR, '');
    const root = this.host.attachShadow({ mode: 'open' });
    const style = doc.createElement('style');
    style.textContent = STYLE;
    this.panel = doc.createElement('div');
    this.panel.className = 'panel';
    // Focusable by script only: focus rests here while no button is offered (encrypting).
    this.panel.tabIndex = -1;
    this.panel.setAttribute('role', 'region');
    this.panel.setAttribute('aria-label', offline.label);
    const head = doc.createElement('div');
    head.className = 'head';
    head.innerHTML = MARK_SVG;
    head.append(doc.createTextNode(offline.title));
    this.live = doc.createElement('p');
    this.live.className = 'text';
    this.live.setAttribute('role', 'status');
    this.live.setAttribute('aria-live', 'polite');
    this.note = doc.createElement('p');
    this.note.className = 'note';
    this.progress = doc.createElement('progress');
    this.progress.setAttribute('aria-label', words(() => t('captureProgressLabel'), offline.label));
    this.actions = doc.createElement('div');
    this.actions.className = 'actions';
    this.panel.append(head, this.live, this.note, this.progress, this.actions);
    root.append(style, this.panel);
    doc.body.append(this.host);
    doc.defaultView?.addEventListener('resize', this.onResize);
    this.render();
  }

  get current(): OverlayState {
    return this.state;
  }

  set(state: OverlayState): void {
    const before = this.state.kind;
    this.state = state;
    if (this.progressTimer !== null) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    if (before === 'running' && state.kind === 'running') {
      const wait = this.lastProgress + PROGRESS_EVERY_MS - Date.now();
      if (wait > 0) {
        this.progressTimer = setTimeout(() => {
          this.progressTimer = null;
          this.lastProgress = Date.now();
          this.render(false);
        }, wait);
        return;
      }
    }
    this.lastProgress = Date.now();
    this.render(before !== state.kind);
  }

  remove(): void {
    if (this.progressTimer !== null) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.doc.defaultView?.removeEventListener('resize', this.onResize);
    this.host.remove();
  }

  /** Top-left of the message list, inset so the list's scroll bar stays free. */
  private place(): void {
    const rect = this.anchor()?.getBoundingClientRect();
    const left = rect ? rect.left + 12 : 12;
    const top = rect ? rect.top + 12 : 12;
    const width = rect && rect.width > 0 ? Math.min(360, Math.max(220, rect.width - 48)) : 360;
    this.panel.style.left = `${Math.round(left)}px`;
    this.panel.style.top = `${Math.round(top)}px`;
    this.panel.style.width = `${Math.round(width)}px`;
  }

  private render(rebuildActions = true): void {
    try {
      this.draw(rebuildActions);
    } catch {
      // Only browser.i18n throws here, and only once the extension is gone: say so, in kept words.
      this.state = { kind: 'disconnected' };
      this.drawOffline();
    }
  }

  private drawOffline(): void {
    this.live.textContent = this.offline.disconnected;
    this.note.hidden = true;
    this.progress.hidden = true;
    const reload = this.button(this.offline.reload, () => this.act.reload(), true);
    const close = this.button(this.offline.close, () => this.act.close());
    this.actions.replaceChildren(reload, close);
    if (this.host.isConnected) reload.focus();
  }

  private button(label: string, action: () => void, primary = false): HTMLButtonElement {
    const b = this.doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (primary) b.className = 'primary';
    b.addEventListener('click', action);
    return b;
  }

  private draw(rebuildActions: boolean): void {
    this.place();
    const s = this.state;
    this.live.textContent = sentence(s);
    const note = noteFor(s);
    this.note.textContent = note;
    this.note.hidden = note === '';
    const busy = s.kind === 'starting' || s.kind === 'running' || s.kind === 'saving';
    this.progress.hidden = !busy;
    if (busy) this.progress.removeAttribute('value');
    if (!rebuildActions) return;
    const buttons: HTMLButtonElement[] = [];
    const add = (label: string, action: () => void, primary = false) => buttons.push(this.button(label, action, primary));
    switch (s.kind) {
      case 'paused':
        // A paused capture can still be stopped or cancelled.
        add(t('captureResume'), () => this.act.resume(), true);
        add(t('captureStopHere'), () => this.act.stop());
        add(t('cancel'), () => this.act.cancel());
        break;
      case 'starting':
      case 'running':
        add(t('captureStopHere'), () => this.act.stop());
        add(t('cancel'), () => this.act.cancel());
        break;
      case 'disconnected':
        add(t('captureReload'), () => this.act.reload(), true);
        add(t('captureClose'), () => this.act.close());
        break;
      case 'saved':
      case 'cancelled':
      case 'failed':
        add(t('captureClose'), () => this.act.close());
        break;
      case 'saving':
        break;
    }
    const hadFocus = this.host.shadowRoot?.activeElement != null;
    this.actions.replaceChildren(...buttons);
    // Focus follows the capture to its next step, so a keyboard user is never left behind.
    if (!this.host.isConnected) return;
    // A running capture does not pull focus from the page, but keeps it when it was already here
    // (the button pressed a moment ago was replaced).
    if (buttons[0] && (s.kind !== 'running' || hadFocus)) buttons[0].focus();
    else if (buttons.length === 0 && hadFocus) this.panel.focus();
  }
}

function words(read: () => string, fallback: string): string {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function day(value: string | null): string | null {
  return value === null ? null : formatDate(`${value}T12:00:00`);
}

function sentence(s: OverlayState): string {
  switch (s.kind) {
    case 'starting':
      return t('captureStarting');
    case 'running': {
      const d = day(s.oldestDay);
      return d ? tCount('captureProgressBack', s.messages, [d]) : tCount('captureProgress', s.messages);
    }
    case 'paused':
      return s.reason === 'chat-switched' ? t('capturePausedSwitched') : s.reason === 'chat-closed' ? t('capturePausedClosed') : t('capturePausedScrolled');
    case 'saving':
      return tCount('captureSaving', s.messages);
    case 'saved': {
      const size = formatBytes(s.size);
      if (s.complete || s.why === null) return s.destination === 'uploading' ? t('captureSavedUploading', size) : t('captureSavedWaiting', size);
      // Everything the user asked for is there: say where it stopped, not that something is missing.
      if (s.why === 'history-range') return t('captureStoppedAtRange', day(s.since ?? null) ?? day(s.oldestDay) ?? t('captureStartOfCapture'));
      const d = day(s.oldestDay) ?? t('captureStartOfCapture');
      return t('captureStoppedAt', [d, whyWords(s.why)]);
    }
    case 'cancelled':
      return t('captureCancelled');
    case 'failed':
      return t('captureFailed', failedWords(s.code));
    case 'disconnected':
      return t('captureDisconnected');
  }
}

function noteFor(s: OverlayState): string {
  if (s.kind !== 'saved' || s.complete || s.why === null) return '';
  const size = formatBytes(s.size);
  const where = s.destination === 'uploading' ? t('captureSavedUploading', size) : t('captureSavedWaiting', size);
  if (s.why === 'history-range') return where;
  return `${t('captureIncompleteNote')} ${where}`;
}

/** Failure codes (the worker's, a refusal's, an error's name) in words; never the raw code. */
// A Map: a code is any string (an error's name), never a key of Object.prototype.
const FAILED_TEXT = new Map<string, MessageKey>([
  ['no-chat', 'captureFailedNoChat'],
  ['too-large', 'captureFailedTooLarge'],
  ['write-failed', 'captureFailedWrite'],
  ['invalid-export', 'captureFailedInvalid'],
]);

function failedWords(code: string): string {
  return t(FAILED_TEXT.get(code) ?? 'captureFailedOther');
}

const WHY_TEXT: Record<StopWhy, MessageKey> = {
  'user-stopped': 'captureWhyUser',
  'history-unavailable': 'captureWhyUnavailable',
  'history-stalled': 'captureWhyStalled',
  'start-inferred': 'captureWhyStalled',
  'page-changed': 'captureWhyPageChanged',
  'history-range': 'captureWhyDate',
  'rows-not-read': 'captureWhyRows',
  'chat-closed': 'captureWhyClosed',
  'messages-left-out': 'captureWhyLeftOut',
};

function whyWords(why: StopWhy): string {
  return t(WHY_TEXT[why]);
}
