// What ChatSeal's age layer found wrong with a file. Every kind is decided by a check of ours
// (header grammar, key-id stanza, which identity was consulted, chunk tags), never by the text of a
// library's exception: callers map these kinds to user-facing ones (src/backup/errors.ts).

export type AgeErrorKind =
  /** The bytes are not an age v1 file and do not carry ChatSeal's key-id stanza. */
  | 'not-age'
  /** A header that breaks the age spec (or ChatSeal's key-id stanza rules). */
  | 'header'
  /** The input ended before the header, the nonce or the final payload chunk. */
  | 'truncated'
  /** The key-id stanza names a key we were not given, and none of our identities opens the file. */
  | 'wrong-key'
  /** None of our identities unwrapped a stanza (no key-id stanza, or one naming a key we hold). */
  | 'no-match'
  /** An identity recognised a stanza of its type that is invalid, or the header MAC did not verify. */
  | 'unwrap'
  /** A payload chunk failed to authenticate, data follows the final chunk, or a final chunk is empty. */
  | 'payload'
  /** A passphrase file asks for a larger scrypt work factor than we accept. */
  | 'work-factor'
  /** The second pass read different bytes than the first. */
  | 'changed';

export class AgeError extends Error {
  override readonly name = 'AgeError';
  constructor(
    readonly kind: AgeErrorKind,
    readonly detail: string,
    readonly extra: {
      /** The key id in the file's key-id stanza, when the header got that far. */
      keyId?: string | null;
      /** Index of the payload chunk at fault (0-based). */
      chunk?: number;
      /** Byte offset in the file where the problem was found. */
      offset?: number;
    } = {},
  ) {
    super(`${kind}: ${detail}`);
  }
}
