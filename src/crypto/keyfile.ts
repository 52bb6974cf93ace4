// Password mode's key file: a standard age passphrase (scrypt) file whose plaintext is an age
// identity file, so `age -d keyfile.age > identity.txt` with the password gives back the identity
// that opens every backup. The password is used exactly as typed: no trimming, no Unicode
// normalisation, because the age CLI does none and must open the same file with the same password.
//
// Writing uses age-encryption's own Encrypter (the file is whatever age writes). Opening uses our
// own scrypt identity: it decides wrong password versus damaged file from its own checks rather
// than a library's error message, caps the work factor before spending memory on it, and runs scrypt
// asynchronously so a service worker stays responsive during the ~2 s it takes at 2^18.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { base64nopad } from '@scure/base';
import { Decrypter, Encrypter, type Identity, type Stanza } from 'age-encryption';
import { concatBytes, utf8Decode, utf8Encode } from './bytes';
import { deriveKeyId, identityToSeed, InvalidIdentityError, seedToIdentity, type KeyType } from './keys';

/** scrypt log2(N) for new key files: age's default, which every age implementation opens. */
export const KEY_FILE_WORK_FACTOR = 18;
/** Highest work factor we open: 2^20 needs 1 GiB; age-encryption and the cctv vectors use this cap. */
export const MAX_OPEN_WORK_FACTOR = 20;

export class WrongPasswordError extends Error {
  override readonly name = 'WrongPasswordError';
  constructor() {
    super('The password does not open this key file.');
  }
}

export type KeyFileCorruption =
  | 'not-age' // not an age v1 file (header unreadable)
  | 'not-password-file' // an age file, but not protected by a password
  | 'bad-stanza' // the scrypt stanza is malformed, or not alone
  | 'work-factor' // scrypt work factor outside what we open
  | 'damaged' // the password unlocked the file key, but the header MAC or payload failed
  | 'contents'; // decrypted, but not a ChatSeal key file

export class KeyFileCorruptError extends Error {
  override readonly name = 'KeyFileCorruptError';
  constructor(
    readonly kind: KeyFileCorruption,
    detail: string,
  ) {
    super(`The key file is damaged or not a key file (${kind}): ${detail}`);
  }
}

export interface KeyFileOptions {
  /** scrypt log2(N). Defaults to KEY_FILE_WORK_FACTOR; lower only where a test makes that explicit. */
  workFactor?: number;
  /** ISO date for the `# created:` comment (default now). */
  createdAt?: string;
}

export interface OpenedKeyFile {
  seed: Uint8Array;
  type: KeyType;
  keyId: string;
  /** From the `# created:` comment, if present. */
  createdAt?: string;
  workFactor: number;
}

/** The identity file inside: comments age ignores, then the identity line. */
export function keyFilePlaintext(identity: string, keyId: string, createdAt: string): string {
  return `# ChatSeal key file\n# key id: ${keyId}\n# created: ${createdAt}\n${identity}\n`;
}

export async function sealKeyFile(
  seed: Uint8Array,
  type: KeyType,
  password: string,
  opts: KeyFileOptions = {},
): Promise<Uint8Array> {
  if (password.length === 0) throw new RangeError('a key file needs a password');
  const keyId = await deriveKeyId(seed);
  const createdAt = opts.createdAt ?? new Date().toISOString();
  const e = new Encrypter();
  e.setPassphrase(password);
  e.setScryptWorkFactor(opts.workFactor ?? KEY_FILE_WORK_FACTOR);
  return e.encrypt(keyFilePlaintext(seedToIdentity(seed, type), keyId, createdAt));
}

const SCRYPT_LABEL = utf8Encode('age-encryption.org/v1/scrypt');

/** age's scrypt recipient stanza, unwrapped by us; records what happened for precise errors. */
class PasswordIdentity implements Identity {
  outcome: 'no-stanza' | 'wrong-password' | 'unwrapped' | undefined;
  workFactor = 0;

  constructor(private readonly password: string) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    const scrypt = stanzas.filter((s) => s.args[0] === 'scrypt');
    if (scrypt.length === 0) {
      this.outcome = 'no-stanza';
      return null;
    }
    // age: a passphrase stanza must be the only one, so a file cannot be both password- and key-
    // protected (which would let a recipient swap the contents under a known password).
    if (stanzas.length !== 1) throw new KeyFileCorruptError('bad-stanza', 'the password stanza is not alone');
    const s = scrypt[0]!;
    const [, saltText, logNText] = s.args;
    if (s.args.length !== 3 || saltText === undefined || logNText === undefined || !/^[1-9][0-9]*$/.test(logNText)) {
      throw new KeyFileCorruptError('bad-stanza', 'malformed scrypt stanza');
    }
    let salt: Uint8Array;
    try {
      salt = base64nopad.decode(saltText);
    } catch {
      throw new KeyFileCorruptError('bad-stanza', 'the scrypt salt is not base64');
    }
    if (salt.length !== 16 || s.body.length !== 32) throw new KeyFileCorruptError('bad-stanza', 'wrong salt or body size');
    const logN = Number(logNText);
    if (logN > MAX_OPEN_WORK_FACTOR) {
      throw new KeyFileCorruptError('work-factor', `work factor 2^${logN} is above 2^${MAX_OPEN_WORK_FACTOR}`);
    }
    this.workFactor = logN;
    const key = await scryptAsync(utf8Encode(this.password), concatBytes(SCRYPT_LABEL, salt), {
      N: 2 ** logN,
      r: 8,
      p: 1,
      dkLen: 32,
    });
    try {
      const fileKey = chacha20poly1305(key, new Uint8Array(12)).decrypt(s.body);
      this.outcome = 'unwrapped';
      return fileKey;
    } catch {
      // The stanza body is authenticated under the scrypt key: failing here means this password is
      // not the one (a damaged body is indistinguishable, and just as unopenable).
      this.outcome = 'wrong-password';
      return null;
    }
  }
}

export async function openKeyFile(bytes: Uint8Array, password: string): Promise<OpenedKeyFile> {
  const identity = new PasswordIdentity(password);
  const d = new Decrypter();
  d.addIdentity(identity);
  let plaintext: Uint8Array;
  try {
    plaintext = await d.decrypt(bytes);
  } catch (e) {
    if (e instanceof KeyFileCorruptError) throw e;
    switch (identity.outcome) {
      case 'wrong-password':
        throw new WrongPasswordError();
      case 'no-stanza':
        throw new KeyFileCorruptError('not-password-file', 'the file is not protected by a password');
      case 'unwrapped':
        throw new KeyFileCorruptError('damaged', 'the password is right but the file was altered or cut short');
      default:
        // The identity was never asked: the header itself did not parse.
        throw new KeyFileCorruptError('not-age', 'not an age file');
    }
  }
  const parsed = await parseKeyFilePlaintext(plaintext);
  return { ...parsed, workFactor: identity.workFactor };
}

/** Reads the identity file inside a key file; checks the key id comment against the identity. */
export async function parseKeyFilePlaintext(plaintext: Uint8Array): Promise<Omit<OpenedKeyFile, 'workFactor'>> {
  let text: string;
  try {
    text = utf8Decode(plaintext);
  } catch {
    throw new KeyFileCorruptError('contents', 'not UTF-8 text');
  }
  const lines = text.split(/\r?\n/);
  const identities = lines.filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (identities.length !== 1) {
    throw new KeyFileCorruptError('contents', `expected one identity line, found ${identities.length}`);
  }
  let seed: Uint8Array;
  let type: KeyType;
  try {
    ({ seed, type } = identityToSeed(identities[0]!.trim()));
  } catch (e) {
    if (e instanceof InvalidIdentityError) throw new KeyFileCorruptError('contents', `bad identity (${e.reason})`);
    throw e;
  }
  const keyId = await deriveKeyId(seed);
  const stated = commentValue(lines, 'key id');
  if (stated !== undefined && stated.toLowerCase() !== keyId) {
    throw new KeyFileCorruptError('contents', `key id comment ${stated} does not match the identity (${keyId})`);
  }
  const createdAt = commentValue(lines, 'created');
  return createdAt === undefined ? { seed, type, keyId } : { seed, type, keyId, createdAt };
}

function commentValue(lines: string[], name: string): string | undefined {
  const prefix = `# ${name}:`;
  const line = lines.find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim();
}
