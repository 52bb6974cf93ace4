import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, renderCsv } from '../../../src/export/render/csv';
import type { ChatExport } from '../../../src/export/types';

const FIXTURES = fileURLToPath(new URL('../../fixtures/whatsapp/', import.meta.url));
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}${name}.expected.json`, 'utf8')) as ChatExport;

/** A strict RFC 4180 reader, written for this test: records end in CRLF, quotes doubled. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  return rows;
}

describe('renderCsv', () => {
  it('writes a header and one RFC 4180 record per message, starting with a BOM', () => {
    const doc = fixture('sample-android');
    const csv = renderCsv(doc);
    expect(csv.startsWith('\ufeffkey,timestamp,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = readCsv(csv.slice(1));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(doc.messages.length + 1);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const multiLine = doc.messages.findIndex((m) => m.text?.includes('\n\n'));
    expect(rows[multiLine + 1]![col('text')]).toBe(doc.messages[multiLine]!.text);
    expect(rows[2]).toEqual([
      doc.messages[1]!.key, '2026-10-13T09:41', 'minute', 'out', 'Maya', 'text',
      'Hey Jonas! Did you see the flight prices for Lisbon?', '', '', '', '', '', '', '',
    ]);
    const edited = doc.messages.findIndex((m) => m.edited);
    expect(rows[edited + 1]![col('edited')]).toBe('yes');
    const omitted = doc.messages.findIndex((m) => m.attachments);
    expect(rows[omitted + 1]![col('attachments')]).toBe('attachment (omitted)');
  });

  it('leaves the BOM out on request', () => {
    expect(renderCsv(fixture('ambiguous-dates'), { bom: false }).startsWith('key,')).toBe(true);
  });

  it('keeps Arabic, Hebrew and emoji intact', () => {
    const rows = readCsv(renderCsv(fixture('group-rtl'), { bom: false }));
    const texts = rows.map((r) => r[CSV_COLUMNS.indexOf('text')]);
    expect(texts).toContain('مرحبا بالجميع! سعيد بالانضمام 🙏');
    expect(texts).toContain('עוד שבוע!\nSee you all on Tuesday');
  });

  it('lists stored media by name, status and path', () => {
    const rows = readCsv(renderCsv(fixture('ios-media'), { bom: false }));
    const photo = rows.find((r) => r[CSV_COLUMNS.indexOf('attachments')]?.startsWith('00000003-PHOTO'))!;
    expect(photo[CSV_COLUMNS.indexOf('attachments')]).toBe('00000003-PHOTO-2026-11-20-09-14-30.jpg (captured)');
    expect(photo[CSV_COLUMNS.indexOf('media_paths')]).toMatch(/^media\/[0-9a-f]{64}\.jpg$/);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+44 7700 900123', "'+44 7700 900123"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['', ''],
    ['a=b', 'a=b'],
  ])('csvCell(%j) = %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it('guards every column, not only the text', () => {
    const doc = fixture('ambiguous-dates');
    doc.messages[1] = { ...doc.messages[1]!, sender: { name: '=cmd|"/c calc"!A1' }, text: '@SUM(1)' };
    const row = readCsv(renderCsv(doc, { bom: false }))[2]!;
    expect(row[CSV_COLUMNS.indexOf('sender')]).toBe('\'=cmd|"/c calc"!A1');
    expect(row[CSV_COLUMNS.indexOf('text')]).toBe("'@SUM(1)");
  });
});
