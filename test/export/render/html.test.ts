// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL as NodeURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/export/render/html';
import type { ChatExport, Message } from '../../../src/export/types';

const FIXTURES = fileURLToPath(new NodeURL('../../fixtures/whatsapp/', import.meta.url));
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}${name}.expected.json`, 'utf8')) as ChatExport;
const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

function hostileDoc(): ChatExport {
  const sha = 'e'.repeat(64);
  const messages: Message[] = [
    {
      key: 'm1',
      timestamp: { value: '2026-11-25T10:00', precision: 'minute', source: 'pre-plain-text' },
      direction: 'in',
      sender: { name: EVIL },
      kind: 'text',
      text: `${EVIL} javascript:alert(3) https://example.com/a?b=1&c=2. data:text/html,<b>x</b>`,
      reactions: [{ emoji: '<b>', count: 1, senders: [EVIL] }],
    },
    {
      key: 'm2',
      timestamp: { value: '2026-11-25T10:01', precision: 'minute', source: 'pre-plain-text' },
      direction: 'out',
      sender: { name: 'Me' },
      kind: 'media',
      text: 'שלום',
      textDirection: 'rtl',
      replyTo: 'm1',
      forwarded: true,
      edited: true,
      attachments: [
        { name: `${EVIL}.jpg`, mime: 'image/jpeg', status: 'captured', sha256: sha, size: 1, path: `media/${sha}.jpg` },
        { name: 'clip.mp4', mime: 'video/mp4', status: 'expired' },
      ],
    },
    {
      key: 'm3',
      timestamp: { value: '2026-11-26T09:00', precision: 'minute', source: 'pre-plain-text' },
      direction: 'system',
      kind: 'system',
      text: `${EVIL} joined`,
    },
  ];
  return {
    schema: 'chatseal/1',
    source: { site: 'whatsapp', url: 'https://web.whatsapp.com/' },
    conversation: { title: EVIL, participants: [{ name: EVIL }, { name: 'Me', isMe: true }] },
    capture: {
      startedAt: '2026-11-26T10:00:00Z',
      finishedAt: '2026-11-26T10:00:00Z',
      reachedStart: true,
      stopReason: 'reached-start',
      timeZone: 'Europe/Berlin',
      timestampsAreLocal: true,
      warnings: [{ code: 'x', message: EVIL }],
      unparsedLines: [{ line: 1, text: EVIL }],
      tool: { name: 'chatseal', version: '0' },
    },
    messages,
  };
}

describe('renderHtml', () => {
  it('is a standalone page: inline CSS, no script, a CSP that allows none, light and dark', () => {
    const html = renderHtml(fixture('sample-android'));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const dom = parse(html);
    expect(dom.querySelectorAll('script')).toHaveLength(0);
    expect(dom.querySelectorAll('link')).toHaveLength(0);
    const csp = dom.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(dom.querySelector('meta[name="color-scheme"]')?.getAttribute('content')).toBe('light dark');
    const css = dom.querySelector('style')?.textContent ?? '';
    expect(css).toContain('@media (prefers-color-scheme:dark)');
    expect(dom.querySelector('title')?.textContent).toBe('Jonas Weber');
    expect(dom.querySelectorAll('article.msg')).toHaveLength(41);
    expect(dom.querySelectorAll('article.msg.out')).toHaveLength(21);
    expect(dom.querySelectorAll('article.msg.in')).toHaveLength(19);
    expect(dom.querySelectorAll('article.msg.system')).toHaveLength(1);
    expect([...dom.querySelectorAll('.day span')].map((e) => e.textContent)).toEqual([
      '2026-10-13', '2026-10-14', '2026-10-20', '2026-11-01', '2026-11-16', '2026-11-17', '2026-11-18',
    ]);
  });

  it('escapes every piece of chat text: nothing hostile becomes markup', () => {
    const html = renderHtml(hostileDoc());
    const dom = parse(html);
    expect(dom.querySelectorAll('script')).toHaveLength(0);
    expect(dom.querySelectorAll('[onerror]')).toHaveLength(0);
    expect(dom.querySelectorAll('b')).toHaveLength(0);
    expect(dom.querySelector('title')?.textContent).toBe(EVIL);
    expect(dom.querySelector('h1')?.textContent).toBe(EVIL);
    expect(dom.querySelector('#m-m1 .sender')?.textContent).toBe(EVIL);
    expect(dom.querySelector('#m-m1 .text')?.textContent).toBe(hostileDoc().messages[0]!.text);
    expect(dom.querySelector('#m-m3')?.textContent).toContain(`${EVIL} joined`);
    expect(dom.querySelector('details li')?.textContent).toBe(EVIL);
    expect(dom.querySelector('section pre')?.textContent).toBe(`1: ${EVIL}`);
    expect(dom.querySelector('.reactions li')?.getAttribute('title')).toBe(EVIL);
  });

  it('links only http(s) URLs, without the sentence\u2019s final period', () => {
    const dom = parse(renderHtml(hostileDoc()));
    const links = [...dom.querySelectorAll('#m-m1 .text a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1&c=2']);
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('gives each text its direction: rtl where known, auto otherwise', () => {
    const dom = parse(renderHtml(fixture('group-rtl')));
    const dirs = [...dom.querySelectorAll('.text:not(.deleted)')].map((e) => [e.textContent, e.getAttribute('dir')]);
    expect(dirs).toContainEqual(['مرحبا بالجميع! سعيد بالانضمام 🙏', 'rtl']);
    expect(dirs).toContainEqual(['שלום לכולם, נתחיל ביום שלישי?', 'rtl']);
    expect(dirs).toContainEqual(['Hi all 👋', 'auto']);
    expect(dom.querySelector('h1')?.getAttribute('dir')).toBe('auto');
  });

  it('shows deleted, edited, forwarded and reply-to, and notes about the export', () => {
    const dom = parse(renderHtml(hostileDoc()));
    const m2 = dom.querySelector('#m-m2')!;
    expect(m2.className).toBe('msg out');
    expect(m2.querySelector('.tag')?.textContent).toBe('Forwarded');
    expect(m2.querySelector('.foot')?.textContent).toBe('edited 10:01');
    expect(m2.querySelector('.foot time')?.getAttribute('datetime')).toBe('2026-11-25T10:01');
    expect(m2.querySelector('.reply a')?.getAttribute('href')).toBe('#m-m1');
    const sample = parse(renderHtml(fixture('sample-android')));
    const deleted = [...sample.querySelectorAll('.text.deleted')].map((e) => e.textContent);
    expect(deleted).toEqual(['This message was deleted', 'You deleted this message']);
    expect(sample.querySelector('details summary')?.textContent).toBe('Notes about this export');
  });

  it('shows stored media only from safe URLs the caller provides', () => {
    const doc = hostileDoc();
    const path = doc.messages[1]!.attachments![0]!.path!;
    const withData = parse(renderHtml(doc, { media: { [path]: 'data:image/jpeg;base64,AAAA' } }));
    expect(withData.querySelector('#m-m2 img')?.getAttribute('src')).toBe('data:image/jpeg;base64,AAAA');
    expect(withData.querySelector('#m-m2 img')?.getAttribute('alt')).toBe(`${EVIL}.jpg`);
    const relative = parse(renderHtml(doc, { media: (a) => a.path }));
    expect(relative.querySelector('#m-m2 img')?.getAttribute('src')).toBe(path);
    for (const bad of ['javascript:alert(1)', 'https://tracker.example/x.jpg', '//tracker.example/x.jpg']) {
      const dom = parse(renderHtml(doc, { media: { [path]: bad } }));
      expect(dom.querySelector('#m-m2 img'), bad).toBeNull();
      expect(dom.querySelector('#m-m2 .att.file')?.textContent).toContain('(attached)');
    }
    const none = parse(renderHtml(doc));
    expect([...none.querySelectorAll('#m-m2 .att.file')].map((e) => e.textContent)).toEqual([
      `📎 ${EVIL}.jpg (attached)`,
      '📎 clip.mp4 (expired)',
    ]);
  });

  it('takes other labels and a language', () => {
    const dom = parse(renderHtml(hostileDoc(), { lang: 'de', labels: { forwarded: 'Weitergeleitet', status: { expired: 'abgelaufen' } as never } }));
    expect(dom.documentElement.getAttribute('lang')).toBe('de');
    expect(dom.querySelector('#m-m2 .tag')?.textContent).toBe('Weitergeleitet');
    expect(dom.querySelector('#m-m2')?.textContent).toContain('clip.mp4 (abgelaufen)');
    expect(dom.querySelector('#m-m2')?.textContent).toContain('(attached)');
  });

  it('lists the lines that could not be read, after the conversation', () => {
    const dom = parse(renderHtml(fixture('unreadable-lines')));
    expect(dom.querySelector('section h2')?.textContent).toBe('Lines that could not be read');
    expect(dom.querySelector('section pre')?.textContent?.split('\n')).toEqual([
      '1: Chat exported from a backup tool',
      '2: =====',
      '7: 31/09/2026, 14:06 - Hannah Kim: this date does not exist',
      '10: 21/09/2026, 14:0',
      '11: [21/09/2026, 14:08:10] Omar Said: pasted from my iPad',
      '13: 21/09/2026, 25:10 - Hannah Kim: hour 25?',
      '14: 21/09/2026, 14:10 - ',
    ]);
    expect(parse(renderHtml(fixture('sample-android'))).querySelector('section')).toBeNull();
  });
});
