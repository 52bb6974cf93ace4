// WhatsApp Web's time and date strings in the locale forms the research notes list.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  isoDate,
  localDate,
  parseClock,
  parseDayLabel,
  parsePrePlainText,
  resolveRelative,
} from '../../../src/capture/sites/whatsapp-time';

describe('parseClock', () => {
  it.each([
    ['10:54 PM', 22, 54],
    ['10:54\u202fPM', 22, 54], // en-US as ICU 72+ writes it
    ['10:54\u00a0pm', 22, 54],
    ['12:03 AM', 0, 3],
    ['12:30 PM', 12, 30],
    ['8:05 pm', 20, 5], // en-IN
    ['8:05 a.m.', 8, 5],
    ['8:05\u00a0p.\u00a0m.', 20, 5], // es
    ['13:57', 13, 57],
    ['07.15', 7, 15],
    ['下午1:52', 13, 52],
  ])('%j', (text, hour, minute) => {
    expect(parseClock(text)).toEqual({ hour, minute });
  });
  it('refuses what is no time', () => {
    for (const t of ['13:61', '24:00', '13:57 PM', '0:10 AM', 'soon', '2', '']) expect(parseClock(t), t).toBeUndefined();
  });
});

describe('parsePrePlainText', () => {
  it('reads every locale form, with the sender up to the last ": "', () => {
    expect(parsePrePlainText('[10:54\u202fPM, 12/9/2025] Alice: ')).toEqual({
      time: { hour: 22, minute: 54 },
      date: { a: '12', b: '9', c: '2025' },
      sender: 'Alice',
    });
    expect(parsePrePlainText('[13:52, 22/03/2026] +65 9000 0001: ')).toMatchObject({ sender: '+65 9000 0001', time: { hour: 13 } });
    expect(parsePrePlainText('[8:05 pm, 14/12/2025] Jordan Poe: ')).toMatchObject({ time: { hour: 20, minute: 5 } });
    expect(parsePrePlainText('[1:02 AM, 12/10/2025] Esha Tanveer - Upvave - QA: ')).toMatchObject({ sender: 'Esha Tanveer - Upvave - QA' });
    expect(parsePrePlainText('[09:15, 22.3.2026] Jörg: Bauer: ')).toMatchObject({ sender: 'Jörg: Bauer', date: { a: '22', b: '3', c: '2026' } });
    expect(parsePrePlainText('[下午1:52, 2026/3/22] 小明: ')).toMatchObject({ date: { a: '2026', b: '3', c: '22' } });
    expect(parsePrePlainText('[22/03/2026, 13:52] Ana: ')).toMatchObject({ sender: 'Ana', time: { hour: 13, minute: 52 } });
  });
  it('refuses other strings', () => {
    for (const t of ['', 'Alice: ', '[soon] Alice: ', '[10:54 PM, 12/9/2025] Alice']) expect(parsePrePlainText(t), t).toBeUndefined();
  });
});

describe('dates', () => {
  it('orders digits as decided and refuses impossible days', () => {
    expect(isoDate({ a: '03', b: '04', c: '2026' }, 'dmy')).toBe('2026-04-03');
    expect(isoDate({ a: '03', b: '04', c: '2026' }, 'mdy')).toBe('2026-03-04');
    expect(isoDate({ a: '2026', b: '3', c: '22' }, 'dmy')).toBe('2026-03-22');
    expect(isoDate({ a: '31', b: '12', c: '25' }, 'dmy')).toBe('2025-12-31');
    expect(isoDate({ a: '30', b: '2', c: '2026' }, 'dmy')).toBeUndefined();
  });
  it('reads day chips: dates, today, yesterday, weekdays in several languages; not notices', () => {
    expect(parseDayLabel('12/31/2025')).toEqual({ kind: 'date', parts: { a: '12', b: '31', c: '2025' } });
    expect(parseDayLabel('TODAY')).toEqual({ kind: 'today' });
    expect(parseDayLabel('Hoje')).toEqual({ kind: 'today' });
    expect(parseDayLabel('GESTERN')).toEqual({ kind: 'yesterday' });
    expect(parseDayLabel('Monday')).toEqual({ kind: 'weekday', weekday: 1 });
    expect(parseDayLabel('SEGUNDA-FEIRA')).toEqual({ kind: 'weekday', weekday: 1 });
    expect(parseDayLabel('Alice added Bob')).toBeUndefined();
    expect(parseDayLabel('3 unread messages')).toBeUndefined();
  });
  it('counts relative chips back from the capture day in its zone', () => {
    expect(localDate(new Date('2026-03-28T23:30:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(resolveRelative({ kind: 'today' }, '2026-03-29')).toBe('2026-03-29');
    expect(resolveRelative({ kind: 'yesterday' }, '2026-01-01')).toBe('2025-12-31');
    // 2026-03-29 is a Sunday: "Monday" is six days back.
    expect(resolveRelative({ kind: 'weekday', weekday: 1 }, '2026-03-29')).toBe('2026-03-23');
  });
});
