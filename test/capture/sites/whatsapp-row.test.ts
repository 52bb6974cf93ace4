// @vitest-environment happy-dom
// whatsapp-row.ts on single rows: late content (a bubble drawn before its time, reactions and
// "Edited") is pending, a media length is never the bubble's time, emptied rows without an id are
// rows to come back to under the key they have once drawn, and an unknown control is no message.
import { describe, expect, it } from 'vitest';
import { parseRow } from '../../../src/capture/sites/whatsapp-row';

/** A list of rows as WhatsApp draws them (research notes §1.2); returns the row elements. */
function list(...rows: string[]): Element[] {
  document.body.innerHTML = `<div role="application">${rows.map((r) => `<div role="row">${r}</div>`).join('')}</div>`;
  return Array.from(document.querySelectorAll('[role="row"]'));
}

const meta = (time: string, edited = false) =>
  `<span class="x3nfvp2" aria-hidden="true"><span class="x1rg5ohu">${edited ? '<span class="x1c4vz4f">Edited</span>' : ''}<span class="x1c4vz4f x2lah0s">${time}</span></span></span>`;
const reactions = '<div><button aria-label="reaction 👍. View reactions"><span><img class="emoji" alt="👍" data-plain-text="👍" src="data:,"></span></button></div>';

function textBubble(id: string, { late = false, edited = false } = {}): string {
  return (
    `<div tabindex="-1" data-id="${id}"><div class="x78zum5" data-virtualized="false"><div class="">` +
    `<div class="message-in focusable-list-item"><span aria-label="Alice:"></span>` +
    `<div class="copyable-text" data-pre-plain-text="[9:41 AM, 11/13/2023] Alice: ">` +
    `<span data-testid="selectable-text" dir="ltr" class="selectable-text copyable-text"><span>meet at 10:30</span></span>` +
    `${late ? '' : meta('9:41 AM', edited)}</div>${late ? '' : reactions}</div></div></div></div>`
  );
}

/** Your own video without a caption: no data-pre-plain-text, so the bubble's time is all there is. */
function ownVideo(id: string, late: boolean): string {
  return (
    `<div tabindex="-1" data-id="${id}"><div class="x78zum5"><div class="">` +
    `<div class="message-out focusable-list-item"><span data-icon="tail-out"></span>` +
    `<div role="button" aria-label="Play video"><img src="data:," alt=""><span data-icon="media-play"></span><span class="x1rg5ohu">0:12</span></div>` +
    `${late ? '' : meta('9:47 AM')}</div></div></div></div>`
  );
}

function ownVoice(id: string, late: boolean): string {
  return (
    `<div tabindex="-1" data-id="${id}"><div class="x78zum5"><div class="">` +
    `<div class="message-out focusable-list-item">` +
    `<div class="x1n2onr6"><span data-icon="ptt-status"></span><button aria-label="Play voice message"><span data-icon="audio-play"></span></button><div role="slider" aria-valuenow="0"></div><span class="x1rg5ohu">1:05</span></div>` +
    `${late ? '' : meta('9:48 AM')}</div></div></div></div>`
  );
}

const chip = (label: string) => `<div class="focusable-list-item" tabindex="-1"><div><span dir="auto">${label}</span></div></div>`;
/** What WhatsApp leaves of a row away from the viewport: the element, emptied. */
const emptied = '<div class="focusable-list-item" data-virtualized="true"></div>';

describe('whatsapp row reader: late content', () => {
  it('a bubble drawn before its time, reactions and "Edited" is pending; once drawn it is read whole', () => {
    const [late] = list(textBubble('AC01', { late: true }));
    expect(parseRow(late!)).toEqual({ type: 'pending', key: 'wa:AC01' });
    const [drawn] = list(textBubble('AC01', { edited: true }));
    expect(parseRow(drawn!)).toMatchObject({
      type: 'item',
      item: { message: { time: { visibleTime: '9:41 AM' }, text: 'meet at 10:30', edited: true, reactions: [{ emoji: '👍', count: 1 }] } },
    });
  });

  it('never takes a video or voice length for the time of a bubble without a header', () => {
    const [video, voice] = list(ownVideo('AC02', true), ownVoice('AC03', true));
    expect(parseRow(video!)).toEqual({ type: 'pending', key: 'wa:AC02' });
    expect(parseRow(voice!)).toEqual({ type: 'pending', key: 'wa:AC03' });
    const [video2, voice2] = list(ownVideo('AC02', false), ownVoice('AC03', false));
    expect(parseRow(video2!)).toMatchObject({ type: 'item', item: { message: { time: { visibleTime: '9:47 AM' }, kind: 'media' } } });
    expect(parseRow(voice2!)).toMatchObject({ type: 'item', item: { message: { time: { visibleTime: '9:48 AM' }, kind: 'media' } } });
  });
});

describe('whatsapp row reader: rows without an id', () => {
  it('keys a day chip by the message below it, the key an emptied chip has too (optional: it may be no item)', () => {
    const rows = list(textBubble('AC10'), chip('11/13/2023'), '<div class="_agtk"><span>3 unread messages</span></div>', textBubble('AC11'));
    expect(parseRow(rows[1]!)).toEqual({ type: 'item', item: { type: 'day', key: 'wa-day:AC11:1', label: '11/13/2023' }, media: [] });
    rows[1]!.innerHTML = emptied;
    expect(parseRow(rows[1]!)).toEqual({ type: 'pending', key: 'wa-day:AC11:1', optional: true });
    // Older rows added above and newer rows added below do not change it.
    rows[0]!.before(Object.assign(document.createElement('div'), { innerHTML: chip('11/5/2023') }));
    rows[3]!.after(Object.assign(document.createElement('div'), { innerHTML: textBubble('AC12') }));
    expect(parseRow(rows[1]!)).toEqual({ type: 'pending', key: 'wa-day:AC11:1', optional: true });
  });

  it('skips the spinner and other drawn rows without text', () => {
    const [spinner] = list('<div><div role="progressbar" aria-label="Loading messages"><svg></svg></div></div>');
    expect(parseRow(spinner!)).toEqual({ type: 'skip' });
  });

  it('reads a notice without an id as a system message, but a control with unknown words as no message', () => {
    const [notice, gate, next] = list(
      '<div class="x1n2onr6"><div class="focusable-list-item"><span dir="auto">Alice added Bob</span></div></div>',
      '<div><div role="button" tabindex="0"><span data-icon="sync"></span><div>Tap to sync older messages with your phone</div></div></div>',
      textBubble('AC20'),
    );
    expect(parseRow(notice!)).toMatchObject({ type: 'item', item: { type: 'message', message: { kind: 'system', text: 'Alice added Bob' } } });
    expect(parseRow(gate!)).toEqual({ type: 'skip', key: 'wa-day:AC20:0' });
    expect(parseRow(next!)).toMatchObject({ type: 'item' });
  });
});

describe('whatsapp row reader: the key of an emptied row without an id', () => {
  it('a notice says which key it has while emptied; a divider is no item under that key', () => {
    const rows = list('<div class="x1n2onr6"><span dir="auto">Bob left</span></div>', '<div class="_agtk"><span>2 unread messages</span></div>', textBubble('AC30'));
    expect(parseRow(rows[0]!)).toMatchObject({ type: 'item', item: { type: 'message', message: { kind: 'system' } }, pendingKey: 'wa-day:AC30:1' });
    expect(parseRow(rows[1]!)).toEqual({ type: 'skip', key: 'wa-day:AC30:0' });
    rows[0]!.innerHTML = emptied;
    rows[1]!.innerHTML = emptied;
    expect(parseRow(rows[0]!)).toEqual({ type: 'pending', key: 'wa-day:AC30:1', optional: true });
    expect(parseRow(rows[1]!)).toEqual({ type: 'pending', key: 'wa-day:AC30:0', optional: true });
  });
});
