import { describe, expect, it } from 'vitest';
import type { CapturedItem } from '../../src/capture/adapter';
import { ItemSequence, SequenceError } from '../../src/backup/capture-sequence';

const msg = (key: string, text = key): CapturedItem => ({
  type: 'message',
  key,
  message: { key, kind: 'text', direction: 'in', text, time: {} },
});
const day = (key: string): CapturedItem => ({ type: 'day', key, label: key });

describe('ItemSequence', () => {
  it('places runs at the end, before and after known keys, in order', () => {
    const s = new ItemSequence();
    s.apply({ op: 'insert', place: { at: 'end' }, items: [msg('c'), msg('d')] });
    s.apply({ op: 'insert', place: { before: 'c' }, items: [day('a'), msg('b')] });
    s.apply({ op: 'insert', place: { after: 'd' }, items: [msg('f')] });
    s.apply({ op: 'insert', place: { after: 'd' }, items: [msg('e')] });
    expect(s.toArray().map((i) => i.key)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(s.size).toBe(6);
    expect(s.messages).toBe(5);
  });

  it('replaces an item on update and keeps the first of a repeated key', () => {
    const s = new ItemSequence();
    s.apply({ op: 'insert', place: { at: 'end' }, items: [msg('a'), msg('b')] });
    s.apply({ op: 'insert', place: { at: 'end' }, items: [msg('a', 'again')] });
    s.apply({ op: 'update', item: msg('b', 'edited') });
    expect(s.toArray()).toEqual([msg('a'), msg('b', 'edited')]);
  });

  it('refuses placements next to unknown keys and updates that change the type', () => {
    const s = new ItemSequence();
    s.apply({ op: 'insert', place: { at: 'end' }, items: [msg('a')] });
    expect(() => s.apply({ op: 'insert', place: { before: 'x' }, items: [msg('b')] })).toThrow(SequenceError);
    expect(() => s.apply({ op: 'insert', place: { after: 'x' }, items: [msg('b')] })).toThrow(SequenceError);
    expect(() => s.apply({ op: 'update', item: msg('x') })).toThrow(SequenceError);
    expect(() => s.apply({ op: 'update', item: day('a') })).toThrow(SequenceError);
  });

  it('prepends 100,000 items in small runs quickly', () => {
    const s = new ItemSequence();
    s.apply({ op: 'insert', place: { at: 'end' }, items: [msg('k100000')] });
    const started = performance.now();
    for (let run = 99_999; run > 0; run -= 50) {
      const items = [];
      for (let i = Math.max(0, run - 49); i <= run; i++) items.push(msg(`k${i}`));
      s.apply({ op: 'insert', place: { before: `k${run + 1}` }, items });
    }
    expect(s.size).toBe(100_001);
    expect(s.toArray()[0]!.key).toBe('k0');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
