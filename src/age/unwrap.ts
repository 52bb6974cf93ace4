// Getting the file key out of a header that already passed our strict parser, with
// age-encryption's Decrypter.decryptHeader (it unwraps the stanza and checks the header MAC).
// The library only says "it threw"; what went wrong is decided from what we observe ourselves:
// each identity gets its own Decrypter followed by a sentinel identity, and age-encryption 0.3.1
// consults identities in order, stopping at the first that returns a key or throws. So:
//   key returned                   -> this identity opens the file;
//   threw, sentinel was consulted  -> this identity found nothing to unwrap (try the next one);
//   threw, sentinel not consulted  -> this identity unwrapped a stanza whose header MAC failed,
//                                     or recognised a stanza of its own type and rejected it.
// test/age/unwrap.test.ts pins that behaviour, so a library update that changes it fails there.
import { Decrypter, type Identity } from 'age-encryption';
import { AgeError } from './errors';
import { scryptWorkFactor, type AgeHeader } from './header';

/**
 * What can open a file: an age identity string (`AGE-SECRET-KEY-1…`, `AGE-SECRET-KEY-PQ-1…`), an
 * X25519 private CryptoKey, a custom age Identity, or a passphrase.
 */
export type AgeIdentity = string | CryptoKey | Identity | { passphrase: string };

/** Largest scrypt work factor (log2 N) we compute; age-encryption itself stops at 20. */
export const MAX_SCRYPT_WORK_FACTOR = 20;

export interface UnwrapOptions {
  identities: readonly AgeIdentity[];
  /**
   * Key ids (ChatSeal key-id stanza) of the keys behind `identities`. When given, a file whose
   * key-id stanza names none of them is 'wrong-key' rather than 'no-match'.
   */
  keyIds?: readonly string[];
  /** Default MAX_SCRYPT_WORK_FACTOR; may only be lowered. */
  maxScryptWorkFactor?: number;
}

export interface Unwrapped {
  fileKey: Uint8Array;
  /** Index into `identities` of the one that opened the file. */
  identityIndex: number;
}

function isPassphrase(id: AgeIdentity): id is { passphrase: string } {
  return typeof id === 'object' && id !== null && 'passphrase' in id && typeof id.passphrase === 'string';
}

export async function unwrapFileKey(header: AgeHeader, options: UnwrapOptions): Promise<Unwrapped> {
  const keyId = header.keyId;
  const keyIdKnown = keyId !== null && options.keyIds !== undefined && options.keyIds.includes(keyId);
  const workFactor = scryptWorkFactor(header);
  const maxWorkFactor = Math.min(options.maxScryptWorkFactor ?? MAX_SCRYPT_WORK_FACTOR, MAX_SCRYPT_WORK_FACTOR);

  for (const [index, identity] of options.identities.entries()) {
    if (isPassphrase(identity) && workFactor !== null && workFactor > maxWorkFactor) {
      throw new AgeError('work-factor', `the scrypt work factor 2^${workFactor} is above the 2^${maxWorkFactor} we accept`, { keyId });
    }
    let sentinelConsulted = false;
    const sentinel: Identity = {
      unwrapFileKey: () => {
        sentinelConsulted = true;
        return null;
      },
    };
    const decrypter = new Decrypter();
    if (isPassphrase(identity)) decrypter.addPassphrase(identity.passphrase);
    else decrypter.addIdentity(identity);
    decrypter.addIdentity(sentinel);
    let fileKey: Uint8Array;
    try {
      fileKey = await decrypter.decryptHeader(header.bytes);
    } catch {
      if (sentinelConsulted) continue;
      throw new AgeError(
        'unwrap',
        'a recipient stanza for this key is invalid, or the header MAC does not match (the header was altered)',
        { keyId },
      );
    }
    if (sentinelConsulted || fileKey.length !== 16) {
      // Cannot happen with age-encryption 0.3.1; refuse rather than guess if it ever does.
      throw new AgeError('unwrap', 'the age library returned a file key in an unexpected way', { keyId });
    }
    if (keyId !== null && options.keyIds !== undefined && !keyIdKnown) {
      throw new AgeError('header', 'the key-id stanza names another key than the one that opens the file', { keyId });
    }
    return { fileKey, identityIndex: index };
  }
  if (keyId !== null && options.keyIds !== undefined && !keyIdKnown) {
    throw new AgeError('wrong-key', `the file was made with key ${keyId}, not with the key given`, { keyId });
  }
  throw new AgeError('no-match', 'none of the given keys opens this file', { keyId });
}
