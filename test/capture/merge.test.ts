import { describe, expect, it } from 'vitest';
import type { CapturedItem } from '../../src/capture/adapter';
import { fingerprint, KnownItems, shouldReplace } from '../../src/capture/merge';

const msg = (key: string, extra: Record<string, unknown> = {}): CapturedItem => ({
  type: 'message',
  key,
  message: { key, kind: 'text', direction: 'in', text: key, time: {}, ...extra },
});
const row = (item: CapturedItem) => ({ key: item.key, item });

describe('KnownItems.plan', () => {
  it('sends the first window at the end, then older rows before the oldest known one', () => {
    const known = new KnownItems();
    expect(known.plan([row(msg('c')), row(msg('d'))])).toEqual([{ op: 'insert', place: { at: 'end' }, items: [msg('c'), msg('d')] }]);
    expect(known.plan([row(msg('a')), row(msg('b')), row(msg('c'))])).toEqual([
      { op: 'insert', place: { before: 'c' }, items: [msg('a'), msg('b')] },
    ]);
    expect(known.messages).toBe(4);
  });

  it('appends rows below the newest known one, and places a late row between its neighbours', () => {
    const known = new KnownItems();
    known.plan([row(msg('a')), { key: 'b' }, row(msg('c'))]);
    expect(known.unread).toBe(1);
    expect(known.plan([row(msg('a')), row(msg('b')), row(msg('c')), row(msg('d'))])).toEqual([
      { op: 'insert', place: { after: 'a' }, items: [msg('b')] },
      { op: 'insert', place: { after: 'c' }, items: [msg('d')] },
    ]);
    expect(known.unread).toBe(0);
  });

  it('places an optional row (emptied, kind unknown) once it fills in, and never counts it as a missed message', () => {
    const known = new KnownItems();
    const day: CapturedItem = { type: 'day', key: 'wa-day:b:0', label: '11/13/2023' };
    known.plan([{ key: 'wa-day:b:0', optional: true }, row(msg('b')), { key: 'wa-day:c:0', optional: true }, row(msg('c'))]);
    expect(known.unread).toBe(0);
    expect(known.plan([row(msg('a')), row(day), row(msg('b'))])).toEqual([
      { op: 'insert', place: { before: 'b' }, items: [msg('a'), day] },
    ]);
    expect(known.has('wa-day:b:0')).toBe(true);
    expect(known.has('wa-day:c:0')).toBe(false);
    expect(known.unread).toBe(0);
  });

  it('a key seen emptied that fills in as no item (a contact card) is no missed message, and nothing to wait for', () => {
    const known = new KnownItems();
    known.plan([{ key: 'card' }, row(msg('a'))]);
    expect(known.unread).toBe(1);
    known.skipped('card');
    expect(known.unread).toBe(0);
    expect(known.has('card')).toBe(true);
    known.plan([{ key: 'card' }, row(msg('a'))]);
    expect(known.unread).toBe(0);
  });

  it('an emptied row read before under another key (a notice without an id) keeps its place: no run is carried across it', () => {
    const known = new KnownItems();
    const notice = msg('wa-sys:b:1');
    known.plan([row(msg('a')), row(notice), row(msg('z'))]);
    known.alias('wa-day:b:0', 'wa-sys:b:1');
    expect(known.has('wa-day:b:0')).toBe(true);
    // a, then the notice emptied, then new rows: they go after the notice, not before it.
    expect(known.plan([row(msg('a')), { key: 'wa-day:b:0', optional: true }, row(msg('b')), row(msg('c')), row(msg('z'))])).toEqual([
      { op: 'insert', place: { after: 'wa-sys:b:1' }, items: [msg('b'), msg('c')] },
    ]);
    expect(known.unread).toBe(0);
  });

  it('updates a known item read with more fields, ignores one read with fewer', () => {
    const known = new KnownItems();
    known.plan([row(msg('a'))]);
    const richer = msg('a', { reactions: [{ emoji: '👍', count: 1 }] });
    expect(known.plan([row(richer)])).toEqual([{ op: 'update', item: richer }]);
    expect(known.plan([row(msg('a'))])).toEqual([]);
    expect(known.plan([row(richer)])).toEqual([]);
  });

  it('keeps the first reading of a key seen twice in one scan', () => {
    const known = new KnownItems();
    expect(known.plan([row(msg('a')), row(msg('a', { edited: true }))])).toEqual([{ op: 'insert', place: { at: 'end' }, items: [msg('a')] }]);
  });
});

describe('fingerprint', () => {
  it('differs with content and counts filled fields', () => {
    const a = fingerprint(msg('a'));
    const b = fingerprint(msg('a', { edited: true }));
    expect(a.sig).not.toBe(b.sig);
    expect(b.score).toBe(a.score + 1);
    expect(shouldReplace(a, b)).toBe(true);
    expect(shouldReplace(b, a)).toBe(false);
  });
});
