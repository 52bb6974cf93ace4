// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CaptureOverlay, OVERLAY_ATTR, PROGRESS_EVERY_MS } from '../../src/capture/overlay';

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

function make() {
  const anchor = document.createElement('div');
  document.body.append(anchor);
  const act = { stop: vi.fn(), cancel: vi.fn(), resume: vi.fn(), reload: vi.fn(), close: vi.fn() };
  const overlay = new CaptureOverlay(document, () => anchor, act);
  const root = overlay.host.shadowRoot!;
  return {
    overlay,
    act,
    root,
    text: () => root.querySelector('[role="status"]')!.textContent,
    buttons: () => [...root.querySelectorAll('button')].map((b) => b.textContent),
    focused: () => root.activeElement,
  };
}

describe('CaptureOverlay', () => {
  it('is a labelled region with a polite live status line, in an open shadow root on a marked host', () => {
    const { overlay, root, text, buttons } = make();
    expect(overlay.host.hasAttribute(OVERLAY_ATTR)).toBe(true);
    const panel = root.querySelector('[role="region"]')!;
    expect(panel.getAttribute('aria-label')).toBe('ChatSeal capture');
    const status = root.querySelector('[role="status"]')!;
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(text()).toBe('Starting the capture…');
    expect(buttons()).toEqual(['Stop here', 'Cancel']);
    expect(root.querySelector('progress')!.getAttribute('aria-label')).toBe('Capture progress');
  });

  it('follows light and dark: the page cannot style it, the system colour scheme does', () => {
    const { root } = make();
    const css = root.querySelector('style')!.textContent!;
    expect(css).toContain(':host { all: initial; }');
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\)[\s\S]*\.panel \{[^}]*background: #161b22/);
    expect(css).toContain('button:focus-visible');
  });

  it('the buttons act, and focus moves to the next step\'s first button; it stays in the overlay while encrypting', () => {
    const { overlay, act, root, buttons, focused } = make();
    (root.querySelectorAll('button')[0] as HTMLButtonElement).focus();
    overlay.set({ kind: 'running', messages: 10, oldestDay: null });
    // The pressed button was replaced: focus stays in the overlay, on Stop here.
    expect(focused()?.textContent).toBe('Stop here');
    overlay.set({ kind: 'paused', reason: 'user-scrolled', messages: 10, oldestDay: null });
    expect(buttons()).toEqual(['Resume', 'Stop here', 'Cancel']);
    expect(focused()?.textContent).toBe('Resume');
    for (const b of root.querySelectorAll('button')) (b as HTMLButtonElement).click();
    expect([act.resume, act.stop, act.cancel].map((f) => f.mock.calls.length)).toEqual([1, 1, 1]);
    overlay.set({ kind: 'saving', messages: 10 });
    expect(buttons()).toEqual([]);
    expect(focused()?.getAttribute('role')).toBe('region');
    overlay.set({ kind: 'saved', size: 2048, destination: 'uploading', complete: true, oldestDay: '2024-03-12', why: null });
    expect(focused()?.textContent).toBe('Close');
  });

  it('a running capture does not take focus from the page', () => {
    const outside = document.createElement('button');
    document.body.append(outside);
    const { overlay, focused } = make();
    outside.focus();
    overlay.set({ kind: 'running', messages: 1, oldestDay: null });
    expect(document.activeElement).toBe(outside);
    expect(focused()).toBeNull();
  });

  it('says why a capture stopped, and that a stop at the chosen range is not a failure', () => {
    const { overlay, text, root } = make();
    overlay.set({ kind: 'saved', size: 1024, destination: 'waiting-for-drive', complete: false, oldestDay: '2024-03-12', why: 'history-stalled' });
    expect(text()).toMatch(/^Stopped at .+: older messages stopped loading; the network may be slow/);
    expect(root.textContent).toContain('The backup is marked incomplete.');
    overlay.set({ kind: 'saved', size: 1024, destination: 'waiting-for-drive', complete: false, oldestDay: '2024-03-10', why: 'history-range', since: '2024-03-12' });
    expect(text()).toMatch(/^Stopped at the date you chose: the backup holds the messages since .+2024\.$/);
    expect(root.textContent).not.toContain('marked incomplete');
    overlay.set({ kind: 'paused', reason: 'chat-closed', messages: 3, oldestDay: null });
    expect(text()).toBe('Paused because the chat was closed. Open it again, then Resume.');
  });

  it('progress reaches the live line at most once a second, and the latest count always arrives', () => {
    vi.useFakeTimers();
    const { overlay, text } = make();
    overlay.set({ kind: 'running', messages: 1, oldestDay: null });
    expect(text()).toBe('Capturing… 1 message');
    overlay.set({ kind: 'running', messages: 50, oldestDay: null });
    overlay.set({ kind: 'running', messages: 120, oldestDay: null });
    expect(text()).toBe('Capturing… 1 message');
    vi.advanceTimersByTime(PROGRESS_EVERY_MS);
    expect(text()).toBe('Capturing… 120 messages');
    // A change of state is said at once.
    overlay.set({ kind: 'running', messages: 130, oldestDay: null });
    overlay.set({ kind: 'cancelled' });
    expect(text()).toBe('Capture cancelled. Nothing was kept.');
    vi.advanceTimersByTime(5 * PROGRESS_EVERY_MS);
    expect(text()).toBe('Capture cancelled. Nothing was kept.');
  });
});
