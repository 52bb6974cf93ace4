// The keyring: every identity the user had before the current one, as an age file encrypted to the
// current recipient. Its plaintext is an age identity file, so `age -d -i current.txt keyring.age`
// lists the older identities and `age -d -i <that output> old-backup.age` opens old backups; the
// ChatSeal CLI reads it the same way. Rotating re-seals it to the new recipient, so the newest key
// (or password) always opens every older backup.
import { Decrypter, Encrypter, type Identity } from 'age-encryption';
import { utf8Decode } from './bytes';
import { deriveKeyId, identityToSeed, InvalidIdentityError, KEY_TYPES, seedToIdentity, type KeyType } from './keys';

export interface KeyringEntry {
  seed: Uint8Array;
  type: KeyType;
  keyId: string;
  /** When this key was created (ISO), if known. */
  createdAt?: string;
}

export class KeyringWrongKeyError extends Error {
  override readonly name = 'KeyringWrongKeyError';
  constructor() {
    super('The keyring is not sealed to this key.');
  }
}

export class KeyringCorruptError extends Error {
  override readonly name = 'KeyringCorruptError';
  constructor(detail: string) {
    super(`The keyring is damaged: ${detail}`);
  }
}

const HEADER = '# ChatSeal keyring: older keys, newest first; each opens the backups made while it was current.';
const COMMENT = /^# key id: ([0-9a-f]{16}) \((pq|classic)(?:, created (\S+))?\)$/;

export function keyringPlaintext(entries: readonly KeyringEntry[]): string {
  const lines = [HEADER];
  for (const e of entries) {
    lines.push(`# key id: ${e.keyId} (${e.type}${e.createdAt ? `, created ${e.createdAt}` : ''})`);
    lines.push(seedToIdentity(e.seed, e.type));
  }
  return `${lines.join('\n')}\n`;
}

/** Seals `entries` (newest first) to `recipient`, the current key's. Key ids are checked first. */
export async function sealKeyring(entries: readonly KeyringEntry[], recipient: string): Promise<Uint8Array> {
  for (const e of entries) {
    const actual = await deriveKeyId(e.seed);
    if (actual !== e.keyId) throw new RangeError(`keyring entry says key id ${e.keyId} but its seed has ${actual}`);
  }
  const enc = new Encrypter();
  enc.addRecipient(recipient);
  return enc.encrypt(keyringPlaintext(entries));
}

/**
 * Opens the keyring with the current key. `type` may be omitted when unknown: both identities of the
 * seed are tried. Throws KeyringWrongKeyError when no identity matches the file's recipient, and
 * KeyringCorruptError for anything else.
 */
export async function openKeyring(
  bytes: Uint8Array,
  current: { seed: Uint8Array; type?: KeyType },
): Promise<KeyringEntry[]> {
  const d = new Decrypter();
  for (const type of current.type ? [current.type] : KEY_TYPES) d.addIdentity(seedToIdentity(current.seed, type));
  // age asks identities in order and stops at the first that unwraps the file key; this last one is
  // asked only when none did, which tells "wrong key" apart from a damaged file without reading a
  // library's error message.
  const noMatch = new NoMatchProbe();
  d.addIdentity(noMatch);
  let plaintext: Uint8Array;
  try {
    plaintext = await d.decrypt(bytes);
  } catch (e) {
    if (noMatch.asked) throw new KeyringWrongKeyError();
    throw new KeyringCorruptError(e instanceof Error ? e.message : String(e));
  }
  return parseKeyringPlaintext(plaintext);
}

class NoMatchProbe implements Identity {
  asked = false;
  unwrapFileKey(): null {
    this.asked = true;
    return null;
  }
}

export async function parseKeyringPlaintext(plaintext: Uint8Array): Promise<KeyringEntry[]> {
  let text: string;
  try {
    text = utf8Decode(plaintext);
  } catch {
    throw new KeyringCorruptError('not UTF-8 text');
  }
  const entries: KeyringEntry[] = [];
  let pending: { keyId: string; type: KeyType; createdAt?: string } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = COMMENT.exec(line);
      if (m) pending = { keyId: m[1]!, type: m[2] as KeyType, ...(m[3] ? { createdAt: m[3] } : {}) };
      continue;
    }
    let parsed: { seed: Uint8Array; type: KeyType };
    try {
      parsed = identityToSeed(line);
    } catch (e) {
      if (e instanceof InvalidIdentityError) throw new KeyringCorruptError(`bad identity line (${e.reason})`);
      throw e;
    }
    const keyId = await deriveKeyId(parsed.seed);
    if (pending && (pending.keyId !== keyId || pending.type !== parsed.type)) {
      throw new KeyringCorruptError(`comment says ${pending.keyId} (${pending.type}) but the identity is ${keyId} (${parsed.type})`);
    }
    entries.push({ seed: parsed.seed, type: parsed.type, keyId, ...(pending?.createdAt ? { createdAt: pending.createdAt } : {}) });
    pending = undefined;
  }
  return entries;
}
