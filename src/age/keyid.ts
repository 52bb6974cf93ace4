// ChatSeal's key-id stanza: `-> chatseal.app/key-id <16 lowercase hex digits>` with an empty body,
// placed first in the age header. age implementations skip stanza types they do not know, and the
// header MAC covers it, so the file names its key (HKDF of the seed, see src/crypto/keys.ts) to
// anyone, without helping anyone decrypt it.
import { Stanza, type Recipient } from 'age-encryption';
import type { HeaderStanza } from './header';

export const KEY_ID_STANZA_TYPE = 'chatseal.app/key-id';

const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export function isKeyId(text: string): boolean {
  return KEY_ID_PATTERN.test(text);
}

/**
 * An age Recipient that adds no key wrap, only the key-id stanza. Added to the Encrypter before
 * the real recipient, so its stanza comes first in the header.
 */
export function keyIdRecipient(keyId: string): Recipient {
  if (!isKeyId(keyId)) throw new RangeError('a key id is 16 lowercase hex digits');
  return { wrapFileKey: () => [new Stanza([KEY_ID_STANZA_TYPE, keyId], new Uint8Array(0))] };
}

/** The key id of a well-formed key-id stanza, or null when its shape is wrong. */
export function parseKeyIdStanza(stanza: HeaderStanza): string | null {
  const [type, keyId, ...extra] = stanza.args;
  if (type !== KEY_ID_STANZA_TYPE || keyId === undefined || extra.length > 0) return null;
  if (!isKeyId(keyId) || stanza.body.length !== 0) return null;
  return keyId;
}
