import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openImport, parseImport } from '../../src/import/pipeline';
import { localTimestampToDate, summarizeImport } from '../../src/import/summary';

const read = (name: string) => new Uint8Array(readFileSync(`test/fixtures/whatsapp/${name}`));

describe('import summary', () => {
  it('counts messages, dates, people and media of a zip', async () => {
    const { file } = await openImport(read('ios-media.zip'), 'WhatsApp Chat - Priya Raman.zip');
    const doc = parseImport(file, 'Felix Braun');
    const s = summarizeImport(file, doc);
    expect(s).toMatchObject({
      title: 'Priya Raman',
      messages: doc.messages.length,
      first: '2026-11-20T09:14:02',
      participants: ['Priya Raman', 'Felix Braun'],
      mediaFiles: 2,
      mediaBytes: 159 + 47,
      mediaNamed: 3,
      mediaMissing: 1,
      unreadableLines: 0,
    });
    expect(s.last).toBe(doc.messages.at(-1)!.timestamp.value);
    // "Times are local" is said once on the page, not as a warning every time.
    expect(s.warnings.map((w) => w.code)).not.toContain('timestamps-local');
    expect(s.warnings).toContainEqual(expect.objectContaining({ code: 'media-missing', count: 1 }));
  });

  it('reports unreadable lines by count', async () => {
    const { file } = await openImport(read('unreadable-lines.txt'), 'WhatsApp Chat with X.txt');
    const doc = parseImport(file, null);
    const s = summarizeImport(file, doc);
    expect(s.unreadableLines).toBe(doc.capture.unparsedLines.length);
    expect(s.unreadableLines).toBeGreaterThan(0);
    expect(s.mediaFiles).toBe(0);
  });

  it('offers the date order when every day is 12 or less, with both readings\' first and last dates, and re-reads with the choice', async () => {
    const { file } = await openImport(read('ambiguous-dates.txt'), 'WhatsApp Chat with Karim Haddad.txt');
    const byLocale = summarizeImport(file, parseImport(file, 'Sophie Martin'));
    expect(byLocale.dateOrder).toMatchObject({ chosen: false });
    expect(byLocale.dateOrder!.ranges).toEqual({
      dmy: { first: '2026-04-03T09:15', last: '2026-04-11T12:29' },
      mdy: { first: '2026-03-04T09:15', last: '2026-11-04T12:29' },
    });
    // The choice speaks for the "read in your browser's order" warning.
    expect(byLocale.warnings.map((w) => w.code)).not.toContain('date-order-from-locale');

    for (const order of ['dmy', 'mdy'] as const) {
      const doc = parseImport(file, 'Sophie Martin', order);
      const s = summarizeImport(file, doc);
      expect(s.dateOrder).toEqual({ order, chosen: true, ranges: byLocale.dateOrder!.ranges });
      expect({ first: s.first, last: s.last }).toEqual(byLocale.dateOrder!.ranges[order]);
      expect(doc.capture.dateOrder).toBe(order);
      expect(s.warnings.map((w) => w.code)).not.toContain('date-order-chosen');
    }
  });

  it('offers no date order choice when the file itself decides', async () => {
    const { file } = await openImport(read('sample-android.txt'), 'WhatsApp Chat with Jonas Weber.txt');
    expect(summarizeImport(file, parseImport(file, 'Maya')).dateOrder).toBeNull();
    // A choice cannot override what the file says.
    expect(parseImport(file, 'Maya', 'dmy').capture.dateOrder).toBe('mdy');
  });

  it('reads local timestamp values as local wall-clock times', () => {
    const d = localTimestampToDate('2026-11-26T10:15:03')!;
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([2026, 10, 26, 10, 15, 3]);
    expect(localTimestampToDate('2026-11-26')!.getHours()).toBe(0);
    expect(localTimestampToDate('nonsense')).toBeNull();
  });
});
