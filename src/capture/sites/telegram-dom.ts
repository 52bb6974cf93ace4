// DOM reading shared by the Telegram Web K and Telegram Web A adapters. Both apps render rich
// text the same way in the respects that matter here: emoji as <img alt>, links as <a href>, line
// breaks as "\n" text (K) or <br> (A), and the bubble's time/meta block inside the text element.
import type { Anchor } from '../adapter';
import type { Reaction } from '../../export/types';

/** The first element matching one of the anchor's forms, with the index of the form used. */
export function findByForms(
  root: ParentNode,
  forms: readonly string[],
): { element: Element; form: number } | null {
  for (let i = 0; i < forms.length; i++) {
    const form = forms[i];
    if (form === undefined) continue;
    const element = root.querySelector(form);
    if (element) return { element, form: i };
  }
  return null;
}

export function queryForms(root: ParentNode, forms: readonly string[]): Element | null {
  return findByForms(root, forms)?.element ?? null;
}

/** All elements matching the first form that matches any. */
export function queryAllByForms(root: ParentNode, forms: readonly string[]): Element[] {
  for (const form of forms) {
    const found = Array.from(root.querySelectorAll(form));
    if (found.length > 0) return found;
  }
  return [];
}

/** Whether `element` itself matches one of the forms. */
export function matchesForms(element: Element, forms: readonly string[]): boolean {
  return forms.some((form) => element.matches(form));
}

/** The value of the first attribute form present on the element. */
export function attrByForms(element: Element, forms: readonly string[]): string | null {
  for (const name of forms) {
    const value = element.getAttribute(name);
    if (value !== null && value !== '') return value;
  }
  return null;
}

export function anchorForms(anchors: readonly Anchor[], name: string): readonly string[] {
  const anchor = anchors.find((a) => a.name === name);
  if (!anchor) throw new Error(`no anchor named ${name}`);
  return anchor.forms;
}

/** Which anchors are present in `root` now: the form index found, or -1. */
export function probeAnchors(
  root: ParentNode,
  anchors: readonly Anchor[],
  attributeAnchors: ReadonlySet<string>,
): Record<string, number> {
  const found: Record<string, number> = {};
  for (const anchor of anchors) {
    if (attributeAnchors.has(anchor.name)) {
      found[anchor.name] = anchor.forms.findIndex((attr) => root.querySelector(`[${attr}]`) !== null);
    } else {
      found[anchor.name] = findByForms(root, anchor.forms)?.form ?? -1;
    }
  }
  return found;
}

export interface RichText {
  text: string;
  links: string[];
}

/**
 * The text a person reads in `root`: emoji images become their alt text, <br> a line break, and
 * elements matching `skip` (the time and meta block, reactions) are left out. Links are
 * collected in order of appearance, each once.
 */
export function readRichText(root: Element, skip: string): RichText {
  let text = '';
  const links: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === 3) {
      text += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    if (skip && element.matches(skip)) return;
    const tag = element.tagName.toLowerCase();
    if (tag === 'br') {
      text += '\n';
      return;
    }
    if (tag === 'img') {
      text += element.getAttribute('alt') ?? '';
      return;
    }
    // Custom emoji are drawn on canvases or as stickers; their character rides in data-alt.
    const alt = element.getAttribute('data-alt');
    if (alt !== null && element.classList.length > 0 && /emoji/i.test(element.className)) {
      text += alt;
      return;
    }
    if (tag === 'a') {
      const href = element.getAttribute('href');
      if (href && /^https?:\/\//i.test(href) && !links.includes(href)) links.push(href);
    }
    for (const child of Array.from(element.childNodes)) walk(child);
  };
  for (const child of Array.from(root.childNodes)) walk(child);
  return { text: text.trim(), links };
}

/** Plain text of an element (emoji alt included), whitespace-trimmed. */
export function readPlain(element: Element | null | undefined, skip = ''): string {
  if (!element) return '';
  if (element.tagName.toLowerCase() === 'img') return (element.getAttribute('alt') ?? '').trim();
  return readRichText(element, skip).text;
}

/**
 * Reactions as a row shows them: each reaction element holds an emoji (text or <img alt>) and a
 * counter. Reactions without a readable counter are left out rather than guessed.
 */
export function readReactions(
  elements: readonly Element[],
  counterSelector: string,
  emojiSelector: string,
): Reaction[] {
  const reactions: Reaction[] = [];
  for (const element of elements) {
    const emoji = readPlain(element.querySelector(emojiSelector));
    const count = parseCompactCount(readPlain(element.querySelector(counterSelector)));
    if (!emoji || count === null) continue;
    reactions.push({ emoji, count });
  }
  return reactions;
}

/** "3", "1.2K", "15K", "2M" → a number (compact counts are rounded by the app, as shown). */
export function parseCompactCount(text: string): number | null {
  const match = /^(\d+(?:[.,]\d+)?)\s*([KkMm]?)$/.exec(text.trim());
  if (!match) return null;
  const value = Number((match[1] ?? '').replace(',', '.'));
  const unit = (match[2] ?? '').toUpperCase();
  const scaled = unit === 'K' ? value * 1_000 : unit === 'M' ? value * 1_000_000 : value;
  return Math.round(scaled);
}

/** Local calendar date (YYYY-MM-DD) of a unix time in the page's zone. */
export function localDate(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  return isoDate(date.getFullYear(), date.getMonth() + 1, date.getDate());
}

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Decides "the true top of history" for apps that put no marker there (neither Telegram client
 * does): the scroller sits at its top, nothing is loading, and the first row has stayed the same
 * (wherever the list was scrolled meanwhile) for a quiet time: at least `baseQuietMs`, and at least 4.5 times the longest wait seen between
 * two batches in this capture (the first wait, which includes starting up, is not counted; at most
 * 45 s). So a slow server makes the capture wait longer instead of ending it early, and a load
 * trigger that needs the list scrolled again (Telegram A's IntersectionObserver) gets its nudge
 * from the engine first: the engine nudges after one batch time-out (three times its average
 * batch time, at least 2 s) and gives up after three (src/capture/engine.ts), so the quiet time
 * sits between the two. Every batch changes the first row and starts the wait again.
 * One quiet period is not enough (a single slow batch would end the capture "complete" with older
 * history missing): at its end the list is nudged (scrollTop 0 and a scroll event) and a second
 * quiet period must pass with the same first row; the engine doubles its time-outs for adapters
 * with `startInferred` and records a 'start-inferred' problem (a warning in the backup).
 */
export function topWatcher(baseQuietMs: number, now: () => number = () => Date.now()) {
  let lastKey: string | null = null;
  let lastChangeAt: number | null = null;
  /** When the first quiet period ended and the list was nudged; the second one counts from here. */
  let nudgedAt: number | null = null;
  let changes = 0;
  let longestGap = 0;
  return {
    atStart(scroller: HTMLElement, firstRowKey: string | null, loading: boolean): boolean {
      const t = now();
      if (firstRowKey !== lastKey) {
        if (lastKey !== null && firstRowKey !== null && lastChangeAt !== null) {
          if (changes > 0) longestGap = Math.max(longestGap, t - lastChangeAt);
          changes++;
        }
        lastKey = firstRowKey;
        lastChangeAt = t;
        nudgedAt = null;
      }
      // Quiet is counted from the last new first row, not from reaching the top: the engine
      // scrolls away and back (a nudge) while it waits, and that must not restart the wait.
      if (scroller.scrollTop > 1 || loading || firstRowKey === null || lastChangeAt === null) return false;
      const quiet = Math.min(45_000, Math.max(baseQuietMs, 4.5 * longestGap));
      if (t - lastChangeAt < quiet) return false;
      // One quiet period may be one slow batch (a flood wait, a mobile network): tell the list it
      // is at the top once more and wait a second quiet period before believing it.
      if (nudgedAt === null) {
        nudgedAt = t;
        scroller.scrollTop = 0;
        const EventOfPage = scroller.ownerDocument?.defaultView?.Event ?? Event;
        scroller.dispatchEvent?.(new EventOfPage('scroll'));
        return false;
      }
      return t - nudgedAt >= quiet;
    },
  };
}

const watchers = new WeakMap<Element, ReturnType<typeof topWatcher>>();

/**
 * The watcher of one scroll container. The engine opens the chat again while it runs (the app may
 * re-render), so what the watcher has seen lives with the list element, not with one ChatView.
 */
export function topWatcherFor(scroller: Element, baseQuietMs: number): ReturnType<typeof topWatcher> {
  let watcher = watchers.get(scroller);
  if (!watcher) {
    watcher = topWatcher(baseQuietMs);
    watchers.set(scroller, watcher);
  }
  return watcher;
}
