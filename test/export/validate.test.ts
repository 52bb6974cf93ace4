import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import schemaJson from '../../src/export/chatseal-1.schema.json';
import type { ChatExport } from '../../src/export/types';
import { validateExport } from '../../src/export/validate';

const FIXTURES = fileURLToPath(new URL('../fixtures/whatsapp/', import.meta.url));
const SHA = 'a'.repeat(64);

/** A live-capture document (Discord-like) that uses most optional fields. */
function liveDoc(): ChatExport {
  return {
    schema: 'chatseal/1',
    source: { site: 'discord', url: 'https://discord.com/channels/1/2', appVersionSeen: '2026.11' },
    conversation: {
      title: '#general',
      id: '2',
      participants: [{ name: 'ada', id: '100', isMe: true }, { name: 'grace', id: '101' }],
      isGroup: true,
    },
    capture: {
      startedAt: '2026-11-26T10:00:00.000Z',
      finishedAt: '2026-11-26T10:02:30.500Z',
      reachedStart: false,
      stopReason: 'user-stopped',
      timeZone: 'Europe/Berlin',
      timestampsAreLocal: false,
      warnings: [{ code: 'media-failed', message: 'One image could not be fetched.', count: 1 }],
      unparsedLines: [],
      tool: { name: 'chatseal', version: '0.1.0' },
    },
    messages: [
      {
        key: 'dc-1155792367308247061',
        siteId: '1155792367308247061',
        timestamp: { value: '2026-11-25T16:06:00.123Z', precision: 'second', source: 'datetime-attr' },
        direction: 'in',
        sender: { name: 'grace', id: '101' },
        kind: 'text',
        text: 'Look: https://example.com',
        links: ['https://example.com'],
        reactions: [{ emoji: '👍', count: 2, senders: ['ada', 'grace'] }],
        edited: true,
      },
      {
        key: 'dc-1155792367308247062',
        timestamp: { value: '2026-11-25T17:06+01:00', precision: 'minute', source: 'visible-time' },
        direction: 'out',
        sender: { name: 'ada' },
        kind: 'media',
        text: 'שלום',
        textDirection: 'rtl',
        replyTo: 'dc-1155792367308247061',
        replyPreview: { sender: 'grace', text: 'Look' },
        forwarded: true,
        forwardedFrom: 'news',
        attachments: [
          { name: 'a.png', mediaType: 'image', mime: 'image/png', size: 10, sha256: SHA, path: `media/${SHA}.png`, status: 'captured' },
          { name: 'b.mp4', mediaType: 'video', status: 'failed' },
        ],
      },
      {
        key: 'dc-sys-1',
        timestamp: { value: '2026-11-25', precision: 'day', source: 'day-separator' },
        direction: 'system',
        kind: 'system',
        text: 'grace pinned a message',
      },
    ],
  };
}

type Mutable = Record<string, any>;
function mutate(change: (d: Mutable) => void): unknown {
  const d = structuredClone(liveDoc()) as Mutable;
  change(d);
  return d;
}

describe('validateExport', () => {
  it('accepts a live-capture document that uses most optional fields', () => {
    expect(validateExport(liveDoc())).toEqual({ valid: true, errors: [] });
  });

  it('accepts every expected fixture document', () => {
    const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.expected.json'));
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) {
      const doc = JSON.parse(readFileSync(FIXTURES + name, 'utf8'));
      expect(validateExport(doc), name).toEqual({ valid: true, errors: [] });
    }
  });

  it('is a strict 2020-12 schema: every object closes its properties', () => {
    expect(schemaJson.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const open: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      if (o.type === 'object' && o.additionalProperties !== false) open.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    walk(schemaJson, '#');
    expect(open).toEqual([]);
    expect(JSON.stringify(schemaJson)).toContain('"type":"object"');
  });

  it('does not alter the imported schema object', () => {
    validateExport(liveDoc());
    expect(JSON.stringify(schemaJson)).not.toContain('__absolute');
  });

  const invalid: Array<[string, () => unknown, RegExp]> = [
    ['not an object', () => 'hello', /^\/: /],
    ['null', () => null, /^\/: /],
    ['another schema version', () => mutate((d) => (d.schema = 'chatseal/2')), /^\/schema: unsupported schema version "chatseal\/2"/],
    ['no schema field', () => mutate((d) => delete d.schema), /schema/],
    ['an unknown top-level property', () => mutate((d) => (d.extra = 1)), /^\/extra: /],
    ['an unknown message property', () => mutate((d) => (d.messages[0].likes = 3)), /^\/messages\/0\/likes: /],
    ['an unknown site', () => mutate((d) => (d.source.site = 'slack')), /^\/source\/site: /],
    ['a non-http source url', () => mutate((d) => (d.source.url = 'javascript:alert(1)')), /^\/source\/url: /],
    ['an unknown kind', () => mutate((d) => (d.messages[0].kind = 'gif')), /^\/messages\/0\/kind: /],
    ['a system message with a sender', () => mutate((d) => (d.messages[2].sender = { name: 'x' })), /^\/messages\/2: a system message has no sender$/],
    ['a system message with direction in', () => mutate((d) => (d.messages[2].direction = 'in')), /^\/messages\/2\/direction: /],
    ['a text message with direction system', () => mutate((d) => (d.messages[0].direction = 'system')), /^\/messages\/0\/direction: /],
    ['a captured attachment without sha256', () => mutate((d) => delete d.messages[1].attachments[0].sha256), /^\/messages\/1\/attachments\/0: /],
    ['a path on an attachment that is not captured', () => mutate((d) => (d.messages[1].attachments[1].path = `media/${SHA}.mp4`)), /^\/messages\/1\/attachments\/1: only a captured attachment has a path$/],
    ['a path outside media/', () => mutate((d) => (d.messages[1].attachments[0].path = '../etc/passwd')), /^\/messages\/1\/attachments\/0\/path: /],
    ['a path naming another hash', () => mutate((d) => (d.messages[1].attachments[0].path = `media/${'b'.repeat(64)}.png`)), /^\/messages\/1\/attachments\/0\/path: does not name/],
    ['an empty attachments array', () => mutate((d) => (d.messages[1].attachments = [])), /^\/messages\/1\/attachments: /],
    ['an unknown attachment status', () => mutate((d) => (d.messages[1].attachments[1].status = 'lost')), /^\/messages\/1\/attachments\/1\/status: /],
    ['a minute value with seconds', () => mutate((d) => (d.messages[1].timestamp.value = '2026-11-25T17:06:00+01:00')), /^\/messages\/1\/timestamp\/value: /],
    ['a day value with a time', () => mutate((d) => (d.messages[2].timestamp.value = '2026-11-25T00:00')), /^\/messages\/2\/timestamp\/value: /],
    ['an unknown timestamp source', () => mutate((d) => (d.messages[0].timestamp.source = 'guess')), /^\/messages\/0\/timestamp\/source: /],
    ['a date that does not exist', () => mutate((d) => (d.messages[2].timestamp.value = '2026-02-29')), /^\/messages\/2\/timestamp\/value: no such date 2026-02-29/],
    ['hour 24', () => mutate((d) => (d.messages[0].timestamp.value = '2026-11-25T24:06:00Z')), /no such time of day/],
    ['a time without offset when times are not local', () => mutate((d) => (d.messages[0].timestamp.value = '2026-11-25T16:06:00')), /has no UTC offset but capture.timestampsAreLocal is false/],
    ['a time with offset when times are local', () => mutate((d) => (d.capture.timestampsAreLocal = true)), /has a UTC offset but capture.timestampsAreLocal is true/],
    ['a startedAt without zone', () => mutate((d) => (d.capture.startedAt = '2026-11-26T10:00:00')), /^\/capture\/startedAt: /],
    ['finishedAt before startedAt', () => mutate((d) => (d.capture.finishedAt = '2026-11-26T09:00:00Z')), /^\/capture\/finishedAt: is before startedAt/],
    ['a bad time zone', () => mutate((d) => (d.capture.timeZone = 'Europe Berlin')), /^\/capture\/timeZone: /],
    ['a warning code that is not kebab-case', () => mutate((d) => (d.capture.warnings[0].code = 'Media Failed')), /^\/capture\/warnings\/0\/code: /],
    ['line 0 in unparsedLines', () => mutate((d) => (d.capture.unparsedLines = [{ line: 0, text: 'x' }])), /^\/capture\/unparsedLines\/0\/line: /],
    ['keptIn naming no message', () => mutate((d) => (d.capture.unparsedLines = [{ line: 3, text: 'x', keptIn: 'nope' }])), /^\/capture\/unparsedLines\/0\/keptIn: no message with key "nope"/],
    ['another tool name', () => mutate((d) => (d.capture.tool.name = 'other')), /^\/capture\/tool\/name: /],
    ['duplicate keys', () => mutate((d) => (d.messages[1].key = d.messages[0].key)), /^\/messages\/1\/key: duplicate key/],
    ['a key with a space', () => mutate((d) => (d.messages[0].key = 'a b')), /^\/messages\/0\/key: /],
    ['a reply to a missing message', () => mutate((d) => (d.messages[1].replyTo = 'dc-404')), /^\/messages\/1\/replyTo: no message with key "dc-404"/],
    ['a reply to itself', () => mutate((d) => (d.messages[1].replyTo = d.messages[1].key)), /cannot reply to itself/],
    ['two participants who are me', () => mutate((d) => (d.conversation.participants[1].isMe = true)), /^\/conversation\/participants: 2 participants have isMe/],
    ['a reaction count of 0', () => mutate((d) => (d.messages[0].reactions[0].count = 0)), /^\/messages\/0\/reactions\/0\/count: /],
    ['a link without a scheme', () => mutate((d) => (d.messages[0].links = ['example.com'])), /^\/messages\/0\/links\/0: /],
    ['an empty replyPreview', () => mutate((d) => (d.messages[1].replyPreview = {})), /^\/messages\/1\/replyPreview: /],
  ];

  for (const [what, make, expected] of invalid) {
    it(`refuses ${what}`, () => {
      const report = validateExport(make());
      expect(report.valid).toBe(false);
      expect(report.errors.length).toBeGreaterThan(0);
      expect(report.errors.some((e) => expected.test(e)), report.errors.join('\n')).toBe(true);
    });
  }
});
