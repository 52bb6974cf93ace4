import { describe, expect, it } from 'vitest';
import { isKeyId, keyIdRecipient, KEY_ID_STANZA_TYPE, parseKeyIdStanza } from '../../src/age/keyid';

describe('key-id stanza', () => {
  it('is one argument of 16 lowercase hex digits and an empty body', async () => {
    const [stanza, ...rest] = await keyIdRecipient('0123456789abcdef').wrapFileKey(new Uint8Array(16));
    expect(rest).toEqual([]);
    expect(stanza!.args).toEqual([KEY_ID_STANZA_TYPE, '0123456789abcdef']);
    expect(stanza!.body.length).toBe(0);
    expect(parseKeyIdStanza(stanza!)).toBe('0123456789abcdef');
  });

  it('refuses other shapes', () => {
    const body = new Uint8Array(0);
    expect(parseKeyIdStanza({ args: [KEY_ID_STANZA_TYPE], body })).toBeNull();
    expect(parseKeyIdStanza({ args: [KEY_ID_STANZA_TYPE, '0123456789abcdef', 'x'], body })).toBeNull();
    expect(parseKeyIdStanza({ args: [KEY_ID_STANZA_TYPE, '0123456789abcde'], body })).toBeNull();
    expect(parseKeyIdStanza({ args: [KEY_ID_STANZA_TYPE, '0123456789abcdef'], body: new Uint8Array(1) })).toBeNull();
    expect(parseKeyIdStanza({ args: ['X25519', '0123456789abcdef'], body })).toBeNull();
    expect(isKeyId('0123456789abcdeF')).toBe(false);
    expect(() => keyIdRecipient('xyz')).toThrow(RangeError);
  });
});
