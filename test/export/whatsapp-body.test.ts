import { describe, expect, it } from 'vitest';
import {
  attachmentMarker,
  classifyContent,
  findLinks,
  matchSystemNotice,
  mediaTypeForName,
  rtlIfFirstStrong,
  stripLeadingMarks,
  stripMarks,
} from '../../src/export/whatsapp-body';

describe('attachmentMarker', () => {
  it.each([
    ['<attached: 00000042-PHOTO-2026-11-26-10-15-03.jpg>', { name: '00000042-PHOTO-2026-11-26-10-15-03.jpg', mediaType: 'image', mime: 'image/jpeg', status: 'not-loaded' }],
    ['<attached: 00000043-VIDEO-2026-11-26-10-15-03.mp4>', { name: '00000043-VIDEO-2026-11-26-10-15-03.mp4', mediaType: 'video', mime: 'video/mp4', status: 'not-loaded' }],
    ['<attached: 00000044-STICKER-2026-11-26-10-15-03.webp>', { name: '00000044-STICKER-2026-11-26-10-15-03.webp', mediaType: 'sticker', mime: 'image/webp', status: 'not-loaded' }],
    ['<attached: 00000045-GIF-2026-11-26-10-15-03.mp4>', { name: '00000045-GIF-2026-11-26-10-15-03.mp4', mediaType: 'gif', mime: 'video/mp4', status: 'not-loaded' }],
    ['<Anhang: 00000046-PHOTO-2026-11-26-10-15-03.jpg>', { name: '00000046-PHOTO-2026-11-26-10-15-03.jpg', mediaType: 'image', mime: 'image/jpeg', status: 'not-loaded' }],
    ['IMG-20210428-WA0001.jpg (file attached)', { name: 'IMG-20210428-WA0001.jpg', mediaType: 'image', mime: 'image/jpeg', status: 'not-loaded' }],
    ['VID-20210428-WA0002.mp4 (Datei angehängt)', { name: 'VID-20210428-WA0002.mp4', mediaType: 'video', mime: 'video/mp4', status: 'not-loaded' }],
    ['AUD-20210428-WA0003.m4a (archivo adjunto)', { name: 'AUD-20210428-WA0003.m4a', mediaType: 'audio', mime: 'audio/mp4', status: 'not-loaded' }],
    ['PTT-20210428-WA0004.opus (fichier joint)', { name: 'PTT-20210428-WA0004.opus', mediaType: 'voice', mime: 'audio/ogg', status: 'not-loaded' }],
    ['DOC-20210428-WA0005.xyz (arquivo anexado)', { name: 'DOC-20210428-WA0005.xyz', mediaType: 'document', status: 'not-loaded' }],
    ['Report Q3.pdf \u2022 12 pages (file attached)', { name: 'Report Q3.pdf', mediaType: 'document', mime: 'application/pdf', status: 'not-loaded' }],
    ['<Media omitted>', { status: 'omitted' }],
    ['<Medien ausgeschlossen>', { status: 'omitted' }],
    ['<Multimedia omitido>', { status: 'omitted' }],
    ['image omitted', { mediaType: 'image', status: 'omitted' }],
    ['GIF omitted', { mediaType: 'gif', status: 'omitted' }],
    ['Contact card omitted', { mediaType: 'contact', status: 'omitted' }],
    ['Minutes.docx \u2022 \u200e3 pages document omitted', { name: 'Minutes.docx', mediaType: 'document', status: 'omitted' }],
  ])('%s', (line, expected) => {
    expect(attachmentMarker(line)).toEqual(expected);
  });

  it.each(['<note: remember>', 'photo.jpg', 'see file.pdf (file attached) later', 'images omitted here'])('is not fooled by %j', (line) => {
    expect(attachmentMarker(line)).toBeUndefined();
  });
});

describe('classifyContent', () => {
  it('takes the lines after an attachment marker as its caption', () => {
    expect(classifyContent('IMG-1.jpg (file attached)', ['the view', 'from https://example.com'])).toEqual({
      kind: 'media',
      text: 'the view\nfrom https://example.com',
      links: ['https://example.com'],
      attachments: [{ name: 'IMG-1.jpg', mediaType: 'image', mime: 'image/jpeg', status: 'not-loaded' }],
    });
  });

  it('gives stickers and contact cards their own kinds', () => {
    expect(classifyContent('STK-1.webp (file attached)', []).kind).toBe('sticker');
    expect(classifyContent('Ann.vcf (file attached)', []).kind).toBe('contact');
    expect(classifyContent('Contact card omitted', []).kind).toBe('contact');
    expect(classifyContent('sticker omitted', []).kind).toBe('sticker');
  });

  it('recognises deleted placeholders only when they are the whole message', () => {
    for (const t of ['This message was deleted', 'This message was deleted.', 'You deleted this message', 'Se eliminó este mensaje', 'Ce message a été supprimé']) {
      expect(classifyContent(t, []), t).toEqual({ kind: 'deleted' });
    }
    expect(classifyContent('This message was deleted', ['by me']).kind).toBe('text');
    expect(classifyContent('This message was deleted, sorry', []).kind).toBe('text');
  });

  it('strips the edited marker and records it', () => {
    expect(classifyContent('see you at 5 <This message was edited>', [])).toEqual({ kind: 'text', text: 'see you at 5', edited: true });
    expect(classifyContent('line one', ['line two \u200e<This message was edited>'])).toEqual({ kind: 'text', text: 'line one\nline two', edited: true });
  });

  it('recognises calls, locations and polls, keeping their text', () => {
    expect(classifyContent('Missed video call', [])).toEqual({ kind: 'call', text: 'Missed video call' });
    expect(classifyContent('Missed group voice call', []).kind).toBe('call');
    expect(classifyContent('location: https://maps.google.com/?q=1,2', [])).toEqual({
      kind: 'location',
      text: 'location: https://maps.google.com/?q=1,2',
      links: ['https://maps.google.com/?q=1,2'],
    });
    expect(classifyContent('POLL:', ['Pizza?', 'OPTION: yes (1 vote)']).kind).toBe('poll');
    expect(classifyContent('POLL:', []).kind).toBe('text');
  });

  it('keeps an empty message as empty text', () => {
    expect(classifyContent('', [])).toEqual({ kind: 'text', text: '' });
  });
});

describe('matchSystemNotice', () => {
  it.each([
    ['Messages and calls are end-to-end encrypted. No one outside of this chat can read them.', { group: false, standalone: true }],
    ['Alice created group "Trip 2026"', { group: true, title: 'Trip 2026' }],
    ['You created group \u201cTrip\u201d', { group: true, title: 'Trip' }],
    ['Alice changed the subject from "A" to "B: the sequel"', { group: true, title: 'B: the sequel' }],
    ['Alice changed the group name to "C"', { group: true, title: 'C' }],
    ['Alice added Bob, Carol and Dan', { group: true }],
    ['Bob left', { group: true }],
    ['Dan joined using this group\u2019s invite link', { group: true }],
    ['Your security code with Bob changed. Tap to learn more.', { group: false }],
    ['Bob changed to +44 7700 900123', { group: false }],
    ['You blocked this contact. Tap to unblock.', { group: false }],
  ])('%s', (text, expected) => {
    expect(matchSystemNotice(text)).toEqual(expected);
  });

  it.each(['Bob: you added Carol', 'Bob: I left', 'hello', 'Bob: Messages and calls are end-to-end encrypted.'])('no notice in %j', (text) => {
    expect(matchSystemNotice(text)).toBeUndefined();
  });
});

describe('small helpers', () => {
  it('finds http(s) links without trailing punctuation, keeping balanced parentheses', () => {
    expect(findLinks('see https://a.example/x?y=1, and (https://b.example/z). Also https://en.wikipedia.org/wiki/Foo_(bar)!')).toEqual([
      'https://a.example/x?y=1',
      'https://b.example/z',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ]);
    expect(findLinks('ftp://x.example javascript:alert(1) http://')).toEqual([]);
    expect(findLinks('https://a.example https://a.example')).toEqual(['https://a.example']);
  });

  it('marks text right-to-left when its first strong letter is', () => {
    expect(rtlIfFirstStrong('שלום world')).toBe('rtl');
    expect(rtlIfFirstStrong('😀 123 مرحبا')).toBe('rtl');
    expect(rtlIfFirstStrong('hello שלום')).toBeUndefined();
    expect(rtlIfFirstStrong('😀 123')).toBeUndefined();
  });

  it('strips bidi marks', () => {
    expect(stripMarks('\u202a+1\u00a0555\u202c\u200e')).toBe('+1\u00a0555');
    expect(stripLeadingMarks('\u200e\u200fa\u200eb')).toBe('a\u200eb');
  });

  it('types media by WhatsApp name prefix before extension', () => {
    expect(mediaTypeForName('PTT-20210428-WA0004.m4a')).toBe('voice');
    expect(mediaTypeForName('STK-20210428-WA0004.webp')).toBe('sticker');
    expect(mediaTypeForName('whatever.bin')).toBe('other');
  });
});
