import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatWhen, renderTxt } from '../../../src/export/render/txt';
import type { ChatExport, Message } from '../../../src/export/types';
import { parseWhatsAppExport } from '../../../src/export/whatsapp-txt';

const FIXTURES = fileURLToPath(new URL('../../fixtures/whatsapp/', import.meta.url));
const expectedDocs = readdirSync(FIXTURES)
  .filter((n) => n.endsWith('.expected.json'))
  .map((n) => [n.replace('.expected.json', ''), JSON.parse(readFileSync(FIXTURES + n, 'utf8')) as ChatExport] as const);

/** What survives the WhatsApp text format: everything but keys and stored-file details. */
function essence(m: Message) {
  return {
    timestamp: { value: m.timestamp.value, precision: m.timestamp.precision },
    direction: m.direction,
    sender: m.sender,
    kind: m.kind,
    text: m.text,
    textDirection: m.textDirection,
    edited: m.edited,
    links: m.links,
    attachments: m.attachments?.map((a) => ({
      name: a.name,
      mediaType: a.mediaType,
      // A stored file is written as "<name> (file attached)", which reads back as not loaded.
      status: a.status === 'captured' ? 'not-loaded' : a.status,
    })),
  };
}

function base(over: Partial<ChatExport['capture']> = {}, messages: Message[] = []): ChatExport {
  return {
    schema: 'chatseal/1',
    source: { site: 'discord' },
    conversation: { title: 't', participants: [] },
    capture: {
      startedAt: '2026-11-26T10:00:00Z',
      finishedAt: '2026-11-26T10:00:00Z',
      reachedStart: true,
      stopReason: 'reached-start',
      timeZone: null,
      timestampsAreLocal: false,
      warnings: [],
      unparsedLines: [],
      tool: { name: 'chatseal', version: '0' },
      ...over,
    },
    messages,
  };
}

describe('renderTxt', () => {
  it('writes WhatsApp-style lines with ISO dates', () => {
    const doc = expectedDocs.find(([n]) => n === 'sample-android')![1];
    const lines = renderTxt(doc).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '2026-10-13, 09:41 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.',
      '2026-10-13, 09:41 - Maya: Hey Jonas! Did you see the flight prices for Lisbon?',
      '2026-10-13, 09:43 - Jonas Weber: Not yet, send me the link?',
    ]);
    const text = renderTxt(doc);
    expect(text).toContain('\n2026-10-13, 12:35 - Maya: <Media omitted>\n');
    expect(text).toContain('\n2026-10-14, 08:15 - Jonas Weber: This message was deleted\n');
    expect(text).toContain('\n2026-10-14, 08:40 - Maya: You deleted this message\n');
    expect(text).toContain('\n2026-10-14, 08:31 - Jonas Weber: Booked for Nov 18 to 22 <This message was edited>\n');
    expect(text.endsWith('Pastéis!\n')).toBe(true);
  });

  it('writes attachments the way WhatsApp does, caption on the next line', () => {
    const doc = expectedDocs.find(([n]) => n === 'ios-24h-crlf')![1];
    const text = renderTxt(doc);
    expect(text).toContain('2026-11-12, 09:06:12 - Lena Fischer: image omitted\n');
    expect(text).toContain('2026-11-13, 18:44:09 - Daniel Okafor: 00000012-PHOTO-2026-11-13-18-44-09.jpg (file attached)\n');
    const dmy = renderTxt(expectedDocs.find(([n]) => n === 'android-24h-dmy')![1]);
    expect(dmy).toContain('2026-11-02, 18:40 - Ana Costa: IMG-20261102-WA0003.jpg (file attached)\nThis is the tile I meant\n');
  });

  for (const [name, doc] of expectedDocs) {
    it(`round-trips ${name} through the parser to equivalent messages`, () => {
      const me = doc.conversation.participants.find((p) => p.isMe)?.name;
      const back = parseWhatsAppExport(renderTxt(doc), me !== undefined ? { me } : {});
      expect(back.capture.dateOrder).toBe('ymd');
      expect(back.messages.map(essence)).toEqual(doc.messages.map(essence));
      // The kept-in-place line of the unreadable fixture is flagged again; nothing new is.
      expect(back.capture.unparsedLines.map((u) => u.text)).toEqual(
        doc.capture.unparsedLines.filter((u) => u.keptIn !== undefined).map((u) => u.text),
      );
    });
  }

  it('writes one line per file of an album, and names an unnamed sender by direction', () => {
    const doc = base({}, [
      {
        key: 'a',
        timestamp: { value: '2026-11-25T16:06:00Z', precision: 'second', source: 'datetime-attr' },
        direction: 'out',
        kind: 'media',
        text: 'two photos',
        attachments: [
          { name: 'a.jpg', status: 'captured', sha256: 'a'.repeat(64), size: 1, path: `media/${'a'.repeat(64)}.jpg` },
          { mediaType: 'image', status: 'thumbnail-only' },
        ],
      },
    ]);
    expect(renderTxt(doc)).toBe(
      '2026-11-25, 16:06:00 - You: a.jpg (file attached)\ntwo photos\n2026-11-25, 16:06:00 - You: image omitted\n',
    );
  });

  it('shows offset times in a chosen zone, and day-precision messages with the date alone', () => {
    expect(formatWhen('2026-11-25T16:06:00.123Z', 'second')).toBe('2026-11-25, 16:06:00');
    expect(formatWhen('2026-11-25T16:06:00.123Z', 'second', 'Europe/Berlin')).toBe('2026-11-25, 17:06:00');
    expect(formatWhen('2026-11-25T23:30Z', 'minute', 'Asia/Tokyo')).toBe('2026-11-26, 08:30');
    expect(formatWhen('2026-11-25T10:15', 'minute', 'Asia/Tokyo')).toBe('2026-11-25, 10:15');
    expect(formatWhen('2026-11-25', 'day')).toBe('2026-11-25');
    const doc = base({}, [
      { key: 'd', timestamp: { value: '2026-11-25', precision: 'day', source: 'day-separator' }, direction: 'in', sender: { name: 'Ann' }, kind: 'text', text: 'hi' },
    ]);
    const back = parseWhatsAppExport(renderTxt(doc));
    expect(back.messages[0]?.timestamp).toEqual({ value: '2026-11-25', precision: 'day', source: 'export-line' });
  });
});
