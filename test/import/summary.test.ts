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

  it('reads local timestamp values as local wall-clock times', () => {
    const d = localTimestampToDate('2026-11-26T10:15:03')!;
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([2026, 10, 26, 10, 15, 3]);
    expect(localTimestampToDate('2026-11-26')!.getHours()).toBe(0);
    expect(localTimestampToDate('nonsense')).toBeNull();
  });
});
