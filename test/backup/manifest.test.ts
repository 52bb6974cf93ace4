import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  encodeManifest,
  normaliseCreatedAt,
  parseManifest,
  signManifest,
  verifyManifestMac,
  type Manifest,
} from '../../src/backup/manifest';
import { utf8Encode } from '../../src/crypto/bytes';
import { deriveMacKey } from '../../src/crypto/keys';

const chat = {
  source: { site: 'whatsapp-export' },
  conversation: { title: 'Family "chat" ✨', id: 'c-1' },
  messages: [{ key: 'a' }, { key: 'b' }, { key: 'c' }],
  capture: { reachedStart: false },
};
const entries = [{ name: 'chat.json.gz', size: 10, sha256: 'ab'.repeat(32) }];

describe('manifest', () => {
  it('records what FORMAT.md lists, from the export', () => {
    const m = buildManifest(chat, '1.2.3', '2026-11-26T10:15:03Z', entries);
    expect(m).toEqual({
      format: 'chatseal-backup/1',
      app: { name: 'ChatSeal', version: '1.2.3' },
      createdAt: '2026-11-26T10:15:03.000Z',
      source: { site: 'whatsapp-export' },
      chat: { title: 'Family "chat" ✨', id: 'c-1' },
      messages: { count: 3, firstKey: 'a', lastKey: 'c' },
      capture: { reachedStart: false },
      entries,
    });
    const empty = buildManifest({ ...chat, conversation: { title: 'x' }, messages: [] }, '1', '2026-01-01T00:00:00Z', []);
    expect(empty.chat.id).toBeNull();
    expect(empty.messages).toEqual({ count: 0, firstKey: null, lastKey: null });
  });

  it('has one encoding, which parses back; any other encoding is refused', () => {
    const m = buildManifest(chat, '1.2.3', '2026-11-26T10:15:03Z', entries);
    const bytes = encodeManifest(m);
    expect(new TextDecoder().decode(bytes)).toBe(JSON.stringify(m, null, 2) + '\n');
    expect(parseManifest(bytes)).toEqual(m);
    const text = new TextDecoder().decode(bytes);
    const variants = [
      text.trimEnd(), // no final newline
      JSON.stringify(m) + '\n', // other spacing
      JSON.stringify({ createdAt: m.createdAt, format: m.format, app: m.app, source: m.source, chat: m.chat, messages: m.messages, capture: m.capture, entries: m.entries }, null, 2) + '\n', // other order
      JSON.stringify({ ...m, extra: 1 }, null, 2) + '\n', // extra field
      JSON.stringify({ ...m, format: 'chatseal-backup/2' }, null, 2) + '\n',
      JSON.stringify({ ...m, createdAt: '2026-11-26T10:15:03Z' }, null, 2) + '\n',
      JSON.stringify({ ...m, messages: { count: 0, firstKey: 'a', lastKey: 'c' } }, null, 2) + '\n',
      JSON.stringify({ ...m, entries: [{ ...entries[0], sha256: 'AB'.repeat(32) }] }, null, 2) + '\n',
      '[]',
      'not json',
    ];
    for (const v of variants) expect(typeof parseManifest(utf8Encode(v)), v.slice(0, 40)).toBe('string');
    expect(typeof parseManifest(Uint8Array.of(0xff, 0xfe))).toBe('string');
  });

  it('is authenticated by an HMAC stored as 64 hex digits and a newline', async () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    const key = await deriveMacKey(seed);
    const bytes = encodeManifest(buildManifest(chat, '1', '2026-11-26T10:15:03Z', entries));
    const mac = await signManifest(key, bytes);
    expect(new TextDecoder().decode(mac)).toMatch(/^[0-9a-f]{64}\n$/);
    expect(await verifyManifestMac(key, bytes, mac)).toBe(true);
    const other = await deriveMacKey(seed.map((b) => b ^ 1));
    expect(await verifyManifestMac(other, bytes, mac)).toBe(false);
    expect(await verifyManifestMac(key, bytes, mac.subarray(0, 64))).toBe(false);
    expect(await verifyManifestMac(key, bytes, utf8Encode(new TextDecoder().decode(mac).toUpperCase()))).toBe(false);
    const changed = bytes.slice();
    changed[10] = changed[10]! ^ 1;
    expect(await verifyManifestMac(key, changed, mac)).toBe(false);
  });

  it('normalises creation times and refuses non-dates', () => {
    expect(normaliseCreatedAt('2026-11-26T11:15:03+01:00')).toBe('2026-11-26T10:15:03.000Z');
    expect(() => normaliseCreatedAt('yesterday')).toThrow(RangeError);
    const m: Manifest = buildManifest(chat, '1', new Date(0).toISOString(), []);
    expect(m.createdAt).toBe('1970-01-01T00:00:00.000Z');
  });
});
