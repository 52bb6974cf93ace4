import { describe, expect, it } from 'vitest';
import { validateExport } from '../../src/export/validate';
import {
  decideDateOrder,
  decodeExportText,
  listParticipants,
  localeDateOrder,
  parseWhatsAppExport,
  titleFromFileName,
  WhatsAppImportError,
  type WhatsAppParseOptions,
} from '../../src/export/whatsapp-txt';

const parse = (lines: string[], opts: WhatsAppParseOptions = {}) => {
  const doc = parseWhatsAppExport(lines.join('\n') + '\n', { now: () => new Date('2026-11-26T12:00:00Z'), ...opts });
  expect(validateExport(doc).errors).toEqual([]);
  return doc;
};
const when = (line: string, opts: WhatsAppParseOptions = {}) => parse([line], opts).messages[0]?.timestamp;

describe('header lines', () => {
  it.each([
    ['[26/11/2026, 10:15:03] A: x', '2026-11-26T10:15:03', 'second'],
    ['\u200e[26/11/2026, 10:15:03] A: x', '2026-11-26T10:15:03', 'second'],
    ['[26/11/2026 10:15:03] A: x', '2026-11-26T10:15:03', 'second'],
    ['[11/26/26, 10:15:03\u202fPM] A: x', '2026-11-26T22:15:03', 'second'],
    ['[26.11.26, 10:15:03] A: x', '2026-11-26T10:15:03', 'second'],
    ['[2026-11-26, 10:15:03] A: x', '2026-11-26T10:15:03', 'second'],
    ['11/26/26, 10:15 AM - A: x', '2026-11-26T10:15', 'minute'],
    ['11/26/26, 10:15\u202fAM - A: x', '2026-11-26T10:15', 'minute'],
    ['11/26/26, 10:15\u00a0pm - A: x', '2026-11-26T22:15', 'minute'],
    ['26/11/2026, 9:05 a.m. - A: x', '2026-11-26T09:05', 'minute'],
    ['26/11/2026, 9:05\u00a0p.\u00a0m. - A: x', '2026-11-26T21:05', 'minute'],
    ['26/11/2026, 12:05 a. m. - A: x', '2026-11-26T00:05', 'minute'],
    ['26/11/2026, 12:05 p. m. - A: x', '2026-11-26T12:05', 'minute'],
    ['26/11/2026, 21:04 - A: x', '2026-11-26T21:04', 'minute'],
    ['26/11/2026 21:04 - A: x', '2026-11-26T21:04', 'minute'],
    ['26.11.26, 21:04 - A: x', '2026-11-26T21:04', 'minute'],
    ['26-11-2026, 21.04 - A: x', '2026-11-26T21:04', 'minute'],
    ['2026-11-26, 21:04:09 - A: x', '2026-11-26T21:04:09', 'second'],
    ['2026/11/26, 오후 9:04 - A: x', '2026-11-26T21:04', 'minute'],
    ['2026/11/26 午前9:04 - A: x', '2026-11-26T09:04', 'minute'],
    ['26/11/2026, 21:04 \u2013 A: x', '2026-11-26T21:04', 'minute'],
    ['2026-11-26 - A: x', '2026-11-26', 'day'],
  ])('%s', (line, value, precision) => {
    expect(when(line)).toEqual({ value, precision, source: 'export-line' });
  });

  it('refuses impossible clock values: 13 PM, 0 AM, minute 60, Feb 29 in 2026', () => {
    for (const line of ['11/26/26, 13:15 PM - A: x', '11/26/26, 0:15 AM - A: x', '26/11/2026, 10:60 - A: x', '29/02/2026, 10:00 - A: x']) {
      const doc = parse(['26/11/2026, 10:00 - B: first', line]);
      expect(doc.messages, line).toHaveLength(1);
      expect(doc.capture.unparsedLines, line).toEqual([{ line: 2, text: line }]);
    }
  });

  it('accepts Feb 29 in a leap year', () => {
    expect(when('29/02/2028, 10:00 - A: x')?.value).toBe('2028-02-29T10:00');
  });

  it('keeps the seconds of iOS lines and the minutes of Android lines', () => {
    const doc = parse(['[13/11/2026, 10:00:59] A: x', '[13/11/2026, 10:01:00] A: y']);
    expect(doc.messages.map((m) => m.timestamp.precision)).toEqual(['second', 'second']);
  });
});

describe('date order', () => {
  const h = (a: string, b: string, c = '26') => ({ a, b, c });

  it('is day-first when a first field exceeds 12, month-first when a second one does', () => {
    expect(decideDateOrder([h('3', '4'), h('13', '4')], 'en-US')).toEqual({ order: 'dmy' });
    expect(decideDateOrder([h('3', '4'), h('4', '13')], 'en-GB')).toEqual({ order: 'mdy' });
    expect(decideDateOrder([h('2026', '11', '26')], 'en-US')).toEqual({ order: 'ymd' });
  });

  it('infers the order from dates going backwards when no field exceeds 12', () => {
    // 12/03 then 01/04: as day/month it is 12 March -> 1 April; as month/day, 3 Dec -> 4 Jan (backwards).
    const d = decideDateOrder([h('12', '03'), h('01', '04')], 'en-US');
    expect(d.order).toBe('dmy');
    expect(d.warning?.code).toBe('date-order-inferred');
    const m = decideDateOrder([h('03', '12'), h('04', '01')], 'en-GB');
    expect(m.order).toBe('mdy');
  });

  it('falls back to the locale, with a warning, when both orders fit', () => {
    const dates = [h('03', '04'), h('05', '04')];
    expect(decideDateOrder(dates, 'en-GB')).toMatchObject({ order: 'dmy', warning: { code: 'date-order-from-locale' } });
    expect(decideDateOrder(dates, 'en-US')).toMatchObject({ order: 'mdy', warning: { code: 'date-order-from-locale' } });
    expect(decideDateOrder(dates, 'de-DE').order).toBe('dmy');
  });

  it('warns when the file mixes both orders, and uses the one more dates need', () => {
    const d = decideDateOrder([h('13', '4'), h('14', '4'), h('4', '13')], 'en-US');
    expect(d.order).toBe('dmy');
    expect(d.warning?.code).toBe('date-order-conflict');
  });

  it('reads locales', () => {
    expect(localeDateOrder('en-US')).toBe('mdy');
    expect(localeDateOrder('en-GB')).toBe('dmy');
    expect(localeDateOrder('fr')).toBe('dmy');
    expect(localeDateOrder('not a locale!')).toBe('mdy');
  });

  it('uses navigator.language when no locale is given', () => {
    const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-GB' }, configurable: true });
    try {
      const doc = parse(['03/04/2026, 10:00 - A: x']);
      expect(doc.messages[0]?.timestamp.value).toBe('2026-04-03T10:00');
      expect(doc.capture.warnings.find((w) => w.code === 'date-order-from-locale')?.message).toContain('en-GB');
    } finally {
      if (nav) Object.defineProperty(globalThis, 'navigator', nav);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });
});

describe('authors, system lines and directions', () => {
  it('splits the sender at the first ": " and keeps colons in the text', () => {
    const m = parse(['26/11/2026, 10:00 - Ann Lee: Note: 10:30 works']).messages[0];
    expect(m?.sender).toEqual({ name: 'Ann Lee' });
    expect(m?.text).toBe('Note: 10:30 works');
  });

  it('keeps authored text that reads like a notice as text', () => {
    const m = parse(['26/11/2026, 10:00 - Bob: You added Carol', '26/11/2026, 10:01 - Carol: Bob left']).messages;
    expect(m.map((x) => [x.kind, x.sender?.name, x.text])).toEqual([
      ['text', 'Bob', 'You added Carol'],
      ['text', 'Carol', 'Bob left'],
    ]);
  });

  it('treats Android lines without an author as system notices, group ones as group evidence', () => {
    const doc = parse([
      '26/11/2026, 10:00 - You created group "Trip"',
      '26/11/2026, 10:00 - You added Bob',
      '26/11/2026, 10:01 - Something WhatsApp says that we do not know',
      '26/11/2026, 10:02 - Bob: hi',
    ]);
    expect(doc.messages.map((m) => [m.kind, m.direction, m.sender])).toEqual([
      ['system', 'system', undefined],
      ['system', 'system', undefined],
      ['system', 'system', undefined],
      ['text', 'unknown', { name: 'Bob' }],
    ]);
    expect(doc.conversation).toEqual({ title: 'Trip', participants: [{ name: 'Bob' }], isGroup: true });
  });

  it('reads iOS notices written in the chat\u2019s name, and the encryption notice even without a mark', () => {
    const doc = parse([
      '[26/11/2026, 10:00:00] Trip: Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.',
      '[26/11/2026, 10:00:01] Trip: \u200eBob changed the group description',
      '[26/11/2026, 10:00:02] Bob: \u200eimage omitted',
    ]);
    expect(doc.messages.map((m) => m.kind)).toEqual(['system', 'system', 'media']);
    expect(doc.conversation.participants).toEqual([{ name: 'Bob' }]);
    expect(doc.conversation.title).toBe('Trip');
  });

  it('strips bidi marks around names (iOS wraps phone numbers in them)', () => {
    const m = parse(['[26/11/2026, 10:00:00] \u202a+44\u00a07700\u00a0900123\u202c: hello'], { me: '+44\u00a07700\u00a0900123' }).messages[0];
    expect(m?.sender?.name).toBe('+44\u00a07700\u00a0900123');
    expect(m?.direction).toBe('out');
  });

  it('sets directions from "me", and lists participants with isMe', () => {
    const lines = ['26/11/2026, 10:00 - Ann: a', '26/11/2026, 10:01 - Bob: b', '26/11/2026, 10:02 - Cy: c'];
    const doc = parse(lines, { me: 'Bob' });
    expect(doc.messages.map((m) => m.direction)).toEqual(['in', 'out', 'in']);
    expect(doc.conversation.participants).toEqual([{ name: 'Ann' }, { name: 'Bob', isMe: true }, { name: 'Cy' }]);
    expect(doc.conversation.isGroup).toBe(true); // three people wrote
    expect(doc.conversation.title).toBe('Ann, Bob, Cy');
    expect(doc.capture.warnings.map((w) => w.code)).toEqual(['timestamps-local']);
  });

  it('says when nobody is "me", and when "me" never wrote', () => {
    const unknown = parse(['26/11/2026, 10:00 - Ann: a']);
    expect(unknown.messages[0]?.direction).toBe('unknown');
    expect(unknown.capture.warnings.map((w) => w.code)).toContain('me-unknown');
    const absent = parse(['26/11/2026, 10:00 - Ann: a'], { me: 'Zoe' });
    expect(absent.messages[0]?.direction).toBe('in');
    expect(absent.conversation.participants).toEqual([{ name: 'Ann' }, { name: 'Zoe', isMe: true }]);
    expect(absent.capture.warnings.map((w) => w.code)).toContain('me-not-found');
    expect(absent.conversation.title).toBe('Ann');
  });
});

describe('lines that are not messages', () => {
  it('keeps multi-line messages, blank lines included, and ignores only the file\u2019s final newline', () => {
    const doc = parse(['26/11/2026, 10:00 - Ann: one', '', 'three', '']);
    expect(doc.messages[0]?.text).toBe('one\n\nthree\n');
  });

  it('reports lines before the first message, skipping blank ones', () => {
    const doc = parse(['', 'preamble', '26/11/2026, 10:00 - Ann: a']);
    expect(doc.capture.unparsedLines).toEqual([{ line: 2, text: 'preamble' }]);
    expect(doc.capture.warnings.find((w) => w.code === 'unparsed-lines')).toEqual({
      code: 'unparsed-lines',
      message: 'One line could not be read as a message; it is listed in capture.unparsedLines.',
      count: 1,
    });
  });

  it('keeps the continuation of an unreadable message with it, not with the message before', () => {
    const doc = parse(['26/11/2026, 10:00 - Ann: a', '31/11/2026, 10:01 - Bob: broken', 'and its second line', '26/11/2026, 10:02 - Ann: c']);
    expect(doc.messages.map((m) => m.text)).toEqual(['a', 'c']);
    expect(doc.capture.unparsedLines).toEqual([
      { line: 2, text: '31/11/2026, 10:01 - Bob: broken' },
      { line: 3, text: 'and its second line' },
    ]);
  });

  it('keeps a header-like line inside a message in place and reports it with the message key', () => {
    const doc = parse(['26/11/2026, 10:00 - Ann: Schedule:', '27/11/2026 10:00 dentist', '28/11/2026 15:00 gym']);
    const m = doc.messages[0]!;
    expect(m.text).toBe('Schedule:\n27/11/2026 10:00 dentist\n28/11/2026 15:00 gym');
    expect(doc.capture.unparsedLines).toEqual([
      { line: 2, text: '27/11/2026 10:00 dentist', keptIn: m.key },
      { line: 3, text: '28/11/2026 15:00 gym', keptIn: m.key },
    ]);
  });

  it('treats the other phone\u2019s line format as unreadable', () => {
    const doc = parse(['26/11/2026, 10:00 - Ann: a', '26/11/2026, 10:01 - Bob: b', '[26/11/2026, 10:02:00] Cy: c']);
    expect(doc.source).toEqual({ site: 'whatsapp-export' });
    expect(doc.capture.unparsedLines).toEqual([{ line: 3, text: '[26/11/2026, 10:02:00] Cy: c' }]);
  });

  it('throws not-a-whatsapp-export for a file without a single message line', () => {
    let error: unknown;
    try {
      parseWhatsAppExport('Dear diary,\ntoday I exported nothing.\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WhatsAppImportError);
    expect((error as WhatsAppImportError).kind).toBe('not-a-whatsapp-export');
  });

  it('ignores a byte order mark', () => {
    const doc = parseWhatsAppExport('\ufeff26/11/2026, 10:00 - Ann: a\n');
    expect(doc.capture.unparsedLines).toEqual([]);
    expect(doc.messages).toHaveLength(1);
  });
});

describe('keys', () => {
  it('hash the message\u2019s lines, so they survive re-imports and the date-order choice', () => {
    const lines = ['03/04/2026, 10:00 - Ann: a', '03/04/2026, 10:00 - Ann: a', '05/04/2026, 10:00 - Ann: b'];
    const gb = parse(lines, { locale: 'en-GB' });
    const us = parse(lines, { locale: 'en-US' });
    expect(gb.messages[0]?.timestamp.value).not.toBe(us.messages[0]?.timestamp.value);
    expect(us.messages.map((m) => m.key)).toEqual(gb.messages.map((m) => m.key));
    const [k1, k2, k3] = gb.messages.map((m) => m.key);
    expect(k1).toMatch(/^wa-[0-9a-f]{12}$/);
    expect(k2).toBe(`${k1}-2`);
    expect(k3).not.toBe(k1);
  });

  it('do not depend on CRLF versus LF', () => {
    const lf = parseWhatsAppExport('26/11/2026, 10:00 - Ann: a\nsecond\n');
    const crlf = parseWhatsAppExport('26/11/2026, 10:00 - Ann: a\r\nsecond\r\n');
    expect(crlf.messages).toEqual(lf.messages);
  });
});

describe('document fields', () => {
  it('records local times, the zone it was told, the tool and the file', () => {
    const doc = parse(['26/11/2026, 10:00 - Ann: a'], {
      timeZone: 'Europe/Lisbon',
      fileName: 'WhatsApp Chat with Ann.txt',
      file: { size: 27, sha256: 'b'.repeat(64) },
      appVersion: '9.9.9',
    });
    expect(doc.source).toEqual({
      site: 'whatsapp-export',
      file: { name: 'WhatsApp Chat with Ann.txt', size: 27, sha256: 'b'.repeat(64), platform: 'android' },
    });
    expect(doc.conversation.title).toBe('Ann');
    expect(doc.capture).toMatchObject({
      startedAt: '2026-11-26T12:00:00.000Z',
      finishedAt: '2026-11-26T12:00:00.000Z',
      reachedStart: true,
      stopReason: 'end-of-file',
      timeZone: 'Europe/Lisbon',
      timestampsAreLocal: true,
      dateOrder: 'dmy',
      tool: { name: 'chatseal', version: '9.9.9' },
    });
    expect(doc.capture.warnings[0]?.message).toContain('Europe/Lisbon');
  });

  it.each([
    ['WhatsApp Chat with Ann Lee.txt', 'Ann Lee'],
    ['WhatsApp Chat - Family 🏡.zip', 'Family 🏡'],
    ['WhatsApp Chat with Ann (2).txt', 'Ann'],
    ['Downloads/WhatsApp-Chat mit Jörg.zip', 'Jörg'],
    ['Chat de WhatsApp con Lucía.txt', 'Lucía'],
    ['_chat.txt', undefined],
    ['notes.txt', undefined],
  ])('titleFromFileName(%j) = %j', (name, title) => {
    expect(titleFromFileName(name)).toBe(title);
  });
});

describe('listParticipants', () => {
  it('lists who wrote, in order of first message, with counts, without notices', () => {
    const text = [
      '26/11/2026, 10:00 - Messages and calls are end-to-end encrypted. Tap to learn more.',
      '26/11/2026, 10:01 - Bob: a',
      '26/11/2026, 10:02 - Ann: b',
      '26/11/2026, 10:03 - Bob: c',
      '26/11/2026, 10:04 - Bob left',
    ].join('\n');
    expect(listParticipants(text)).toEqual([
      { name: 'Bob', messages: 2 },
      { name: 'Ann', messages: 1 },
    ]);
  });
});

describe('decodeExportText', () => {
  it('drops a BOM and flags invalid UTF-8', () => {
    expect(decodeExportText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: 'a', lossy: false });
    expect(decodeExportText(new Uint8Array([0x61, 0xff]))).toEqual({ text: 'a\uFFFD', lossy: true });
  });
});
