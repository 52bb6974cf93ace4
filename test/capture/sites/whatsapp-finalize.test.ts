// whatsapp-finalize.ts on item sequences: a row without data-pre-plain-text takes its day from the
// day chip above it only when the headers around it agree; when a chip is missing from the
// sequence its day is proven by the headers around it, or said to be unknown (never the older day).
import { describe, expect, it } from 'vitest';
import type { CapturedItem } from '../../../src/capture/adapter';
import { finalizeWhatsApp } from '../../../src/capture/sites/whatsapp-finalize';

const ctx = { timeZone: 'Europe/Berlin', reachedStart: true };
const day = (label: string): CapturedItem => ({ type: 'day', key: `wa-day:${label}`, label });
const withHeader = (id: string, time: string, date: string): CapturedItem => ({
  type: 'message',
  key: `wa:${id}`,
  message: { key: `wa:${id}`, siteId: id, time: { prePlainText: `[${time}, ${date}] Alice: `, visibleTime: time }, direction: 'in', kind: 'text', text: id },
});
/** A deleted message: no header, only the bubble's time. */
const deleted = (id: string, time: string): CapturedItem => ({
  type: 'message',
  key: `wa:${id}`,
  message: { key: `wa:${id}`, siteId: id, time: { visibleTime: time }, direction: 'in', kind: 'deleted' },
});
const stamps = (items: CapturedItem[]) => finalizeWhatsApp(items, ctx).messages.map((m) => m.timestamp);

describe('whatsapp finalize: days of rows without a header', () => {
  it('takes the day of the chip above when the headers agree', () => {
    const f = finalizeWhatsApp([day('11/5/2023'), withHeader('a', '3:42 AM', '11/5/2023'), day('11/13/2023'), deleted('b', '9:41 AM'), withHeader('c', '9:47 AM', '11/13/2023')], ctx);
    expect(f.messages[1]!.timestamp).toEqual({ value: '2023-11-13T09:41', precision: 'minute', source: 'visible-time' });
    expect(f.warnings).toEqual([]);
  });

  it('with the chip missing, the headers on both sides naming one day prove the day', () => {
    expect(stamps([day('11/5/2023'), withHeader('a', '3:42 AM', '11/5/2023'), withHeader('x', '9:30 AM', '11/13/2023'), deleted('b', '9:41 AM'), withHeader('c', '9:47 AM', '11/13/2023')])[2]).toEqual({
      value: '2023-11-13T09:41',
      precision: 'minute',
      source: 'visible-time',
    });
  });

  it('with the chip missing and the headers around naming two days, the day is unknown and said so, never the older chip with a time', () => {
    const f = finalizeWhatsApp([day('11/5/2023'), withHeader('a', '3:42 AM', '11/5/2023'), deleted('b', '9:41 AM'), withHeader('c', '9:47 AM', '11/13/2023')], ctx);
    expect(f.messages[1]!.timestamp).toEqual({ value: '2023-11-05', precision: 'day', source: 'inferred' });
    expect(f.warnings).toMatchObject([{ code: 'date-unknown', count: 1 }]);
    // The last row of a group after a header of another day than its chip: unknown too.
    const g = finalizeWhatsApp([day('11/5/2023'), withHeader('a', '3:42 AM', '11/13/2023'), deleted('b', '9:41 AM'), day('11/30/2023'), withHeader('c', '9:47 AM', '11/30/2023')], ctx);
    expect(g.messages[1]!.timestamp.source).toBe('inferred');
    expect(g.warnings.map((w) => w.code)).toContain('date-unknown');
  });
});
