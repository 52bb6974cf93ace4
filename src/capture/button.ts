// The Encrypted export button in the open chat's header: an open shadow root (the page's CSS
// cannot reach in, ours cannot leak out) on a host the page's DOM can find by
// data-chatseal-action="encrypted-export". Exactly one, in the header of the chat that is open:
// a MutationObserver on the document (debounced) moves it along as the single-page app switches
// chats and re-renders headers.
import { t } from '../ui/i18n';
import type { SiteAdapter } from './adapter';
import { MARK_SVG } from './mark';

export const BUTTON_ATTR = 'data-chatseal-action';
export const BUTTON_ACTION = 'encrypted-export';

const STYLE = `
:host { all: initial; display: inline-flex; align-items: center; margin: 0 6px; vertical-align: middle; }
button {
  display: inline-flex; align-items: center; gap: 6px; cursor: pointer;
  font: 500 13px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #0b5cad; background: #eef5fc; border: 1px solid #0b5cad; border-radius: 16px; padding: 5px 11px;
}
button:hover { background: #dcebfa; }
button:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
button:disabled { opacity: .6; cursor: progress; }
@media (prefers-color-scheme: dark) {
  button { color: #9ccaff; background: #10243a; border-color: #9ccaff; }
  button:hover { background: #173452; }
  button:focus-visible { outline-color: #9ccaff; }
}
`;

/**
 * Builds the button's host element (not yet in the page). `label` is read once while the extension
 * is alive: an orphaned script (extension updated) can no longer read browser.i18n, and its button
 * must still lead to the overlay's "reload the page".
 */
export function createButtonHost(doc: Document, siteName: string, onClick: () => void, label = t('captureButton')): HTMLElement {
  const host = doc.createElement('span');
  host.setAttribute(BUTTON_ATTR, BUTTON_ACTION);
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const button = doc.createElement('button');
  button.type = 'button';
  try {
    button.title = t('captureButtonTooltip', siteName);
  } catch {
    button.title = label;
  }
  button.innerHTML = MARK_SVG;
  const text = doc.createElement('span');
  text.textContent = label;
  button.append(text);
  button.addEventListener('click', (event) => {
    // The chat app must not treat the click as a click on its header (opening the profile).
    event.stopPropagation();
    event.preventDefault();
    onClick();
  });
  root.append(style, button);
  return host;
}

export class ButtonManager {
  private observer: MutationObserver | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly label = t('captureButton');

  constructor(
    private readonly doc: Document,
    private readonly adapter: () => SiteAdapter | null,
    private readonly onClick: () => void,
    private readonly debounceMs = 250,
  ) {}

  start(): void {
    this.sync();
    this.observer = new MutationObserver((records) => {
      // Our own insertions and removals need no second look.
      if (records.every((r) => [...r.addedNodes, ...r.removedNodes].every((n) => n instanceof Element && n.hasAttribute(BUTTON_ATTR)))) return;
      this.schedule();
    });
    this.observer.observe(this.doc.documentElement, { childList: true, subtree: true });
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Puts exactly one button in the open chat's header and removes any other. */
  sync(): void {
    const adapter = this.adapter();
    const chat = adapter?.openChat(this.doc) ?? null;
    const header = chat?.header ?? null;
    let kept: Element | null = null;
    for (const host of this.doc.querySelectorAll(`[${BUTTON_ATTR}="${BUTTON_ACTION}"]`)) {
      if (header && kept === null && host.parentElement === header) kept = host;
      else host.remove();
    }
    if (header && adapter && kept === null) header.append(createButtonHost(this.doc, adapter.name, this.onClick, this.label));
  }

  /** Moves keyboard focus to the button in the open chat's header, when there is one. */
  focus(): void {
    const host = this.doc.querySelector(`[${BUTTON_ATTR}="${BUTTON_ACTION}"]`);
    host?.shadowRoot?.querySelector('button')?.focus();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sync();
    }, this.debounceMs);
  }
}
