// Shared Telegram DOM helpers: rich text, compact counts, and the start-of-history watcher.
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { parseCompactCount, readRichText, topWatcher } from '../../../src/capture/sites/telegram-dom';

const window = new Window({ url: 'https://web.telegram.org/k/' });
const document = window.document as unknown as Document;

describe('readRichText', () => {
  it('reads emoji alts, <br>, links once each, and leaves out skipped parts', () => {
    const root = document.createElement('div');
    root.innerHTML =
      'Hi <img class="emoji" alt="👋🏽"><br><a href="https://a.example/x">a.example</a> and <a href="https://a.example/x">again</a> ' +
      '<a href="tg://resolve?domain=x">@x</a><span class="time">10:00</span><span class="custom-emoji" data-alt="🎉"></span>';
    expect(readRichText(root, '.time')).toEqual({ text: 'Hi 👋🏽\na.example and again @x🎉', links: ['https://a.example/x'] });
  });
});

describe('parseCompactCount', () => {
  it('reads counts as Telegram abbreviates them', () => {
    expect(parseCompactCount('7')).toBe(7);
    expect(parseCompactCount('1.2K')).toBe(1200);
    expect(parseCompactCount('15K')).toBe(15000);
    expect(parseCompactCount('2M')).toBe(2_000_000);
    expect(parseCompactCount('')).toBeNull();
    expect(parseCompactCount('many')).toBeNull();
  });
});

describe('topWatcher', () => {
  const scroller = (top: number) => ({ scrollTop: top }) as HTMLElement;

  it('needs the top, nothing loading, and the first row still for two quiet times, with a nudge between', () => {
    let t = 0;
    const w = topWatcher(3000, () => t);
    const list = scroller(0);
    expect(w.atStart(list, 'a', false)).toBe(false);
    t = 2999;
    expect(w.atStart(list, 'a', false)).toBe(false);
    t = 3000; // the first quiet time is over: not believed yet
    expect(w.atStart(list, 'a', false)).toBe(false);
    t = 5999;
    expect(w.atStart(list, 'a', false)).toBe(false);
    t = 6000;
    expect(w.atStart(list, 'a', false)).toBe(true);
    expect(w.atStart(list, 'a', true)).toBe(false);
    expect(w.atStart(scroller(40), 'a', false)).toBe(false);
    expect(w.atStart(list, null, false)).toBe(false);
  });

  it('nudges the list once when the first quiet time ends', () => {
    let t = 0;
    const w = topWatcher(3000, () => t);
    const events: string[] = [];
    const list = { scrollTop: 0, dispatchEvent: (e: Event) => events.push(e.type) } as unknown as HTMLElement;
    w.atStart(list, 'a', false);
    t = 3000;
    w.atStart(list, 'a', false);
    t = 4000;
    w.atStart(list, 'a', false);
    expect(events).toEqual(['scroll']);
  });

  it('one slow batch is not the start: a batch landing in the second quiet time starts the wait again', () => {
    let t = 0;
    const w = topWatcher(3000, () => t);
    const list = scroller(0);
    w.atStart(list, 'c', false);
    t = 3500; // quiet for longer than one quiet time: a slow server, not the start
    expect(w.atStart(list, 'c', false)).toBe(false);
    t = 5000; // the older batch lands after all
    expect(w.atStart(list, 'b', false)).toBe(false);
    t = 8000;
    expect(w.atStart(list, 'b', false)).toBe(false);
    t = 11_000;
    expect(w.atStart(list, 'b', false)).toBe(true);
  });

  it('waits 4.5 times the slowest batch seen so far, not counting the first (at most 45 s), twice', () => {
    let t = 0;
    const w = topWatcher(3000, () => t);
    w.atStart(scroller(500), 'd', false);
    t = 30_000; // the first change includes starting up: not counted
    w.atStart(scroller(500), 'c', false);
    t = 34_000; // a batch that took 4 s
    w.atStart(scroller(500), 'b', false);
    t = 35_000;
    expect(w.atStart(scroller(0), 'b', false)).toBe(false);
    t = 34_000 + 17_999;
    expect(w.atStart(scroller(0), 'b', false)).toBe(false);
    // Scrolled away and back meanwhile (the engine's nudge): the wait counts from the last batch.
    expect(w.atStart(scroller(300), 'b', false)).toBe(false);
    t = 34_000 + 18_000;
    expect(w.atStart(scroller(0), 'b', false)).toBe(false);
    t = 34_000 + 36_000 - 1;
    expect(w.atStart(scroller(0), 'b', false)).toBe(false);
    t = 34_000 + 36_000;
    expect(w.atStart(scroller(0), 'b', false)).toBe(true);

    t = 200_000; // a very slow batch: the wait is capped
    w.atStart(scroller(0), 'a', false);
    t = 245_000;
    expect(w.atStart(scroller(0), 'a', false)).toBe(false);
    t = 290_000;
    expect(w.atStart(scroller(0), 'a', false)).toBe(true);
  });
});
