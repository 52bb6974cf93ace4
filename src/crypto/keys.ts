// ChatSeal's key model. One 32-byte seed is the whole secret; everything else is derived from it:
//   seed -> 64 hex digits (what the user writes down, in 16 groups of 4)
//   seed -> age identity (Bech32 of the same 32 bytes; classic X25519 or ML-KEM-768+X25519 hybrid)
//   seed -> recipient (age1… / age1pq1…), via age-encryption
//   seed -> key id (HKDF, public, names the key in backups) and MAC key (HKDF, non-extractable HMAC)
// The key id and MAC key depend on the seed only, not on the type, so typing the digits is enough
// to recognise a key even when the user does not remember which type it was.
import { bech32 } from '@scure/base';
import { identityToRecipient } from 'age-encryption';
import { asBufferSource, fromHex, toHex, utf8Encode } from './bytes';

export type KeyType = 'pq' | 'classic'; // pq = ML-KEM-768+X25519 hybrid (default)
export const KEY_TYPES: readonly KeyType[] = ['pq', 'classic'];

export const SEED_BYTES = 32;
export const DIGIT_COUNT = 64;
export const GROUP_SIZE = 4;
export const GROUP_COUNT = 16;

/** Bech32 human-readable parts of age's native identities (encoded upper case). */
export const IDENTITY_PREFIX: Readonly<Record<KeyType, string>> = {
  classic: 'AGE-SECRET-KEY-',
  pq: 'AGE-SECRET-KEY-PQ-',
};

// Identities are 74 (classic) and 77 (pq) characters, under Bech32's default limit of 90; we still
// pass an explicit limit so that limit is a decision here rather than a library default.
const IDENTITY_MAX_LENGTH = 100;

/** HKDF-SHA-256 inputs of the key id and the MAC key (docs/FORMAT.md); strings, so no one can alter them. */
export const KDF_SALT = 'chatseal.app/v1';
export const KDF_INFO_KEY_ID = 'key-id';
export const KDF_INFO_MANIFEST_MAC = 'manifest-mac';
/** The key id is the first 8 bytes of its HKDF output. */
export const KEY_ID_BYTES = 8;

const SALT_BYTES = utf8Encode(KDF_SALT);
const INFO_KEY_ID_BYTES = utf8Encode(KDF_INFO_KEY_ID);
const INFO_MANIFEST_MAC_BYTES = utf8Encode(KDF_INFO_MANIFEST_MAC);

export type InvalidIdentityReason = 'prefix' | 'checksum' | 'length';

export class InvalidIdentityError extends Error {
  override readonly name = 'InvalidIdentityError';
  constructor(
    readonly reason: InvalidIdentityReason,
    message: string,
  ) {
    super(message);
  }
}

function assertSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
    throw new RangeError(`a seed is ${SEED_BYTES} bytes, got ${seed instanceof Uint8Array ? seed.length : typeof seed}`);
  }
}

/** 32 random bytes from the platform CSPRNG. */
export function generateSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SEED_BYTES));
}

/** 64 lowercase hex digits, no spaces. */
export function seedToDigits(seed: Uint8Array): string {
  assertSeed(seed);
  return toHex(seed);
}

/** Inverse of seedToDigits for exactly 64 hex digits; user input goes through parseKeyInput instead. */
export function digitsToSeed(digits: string): Uint8Array {
  if (digits.length !== DIGIT_COUNT) throw new RangeError(`expected ${DIGIT_COUNT} hex digits, got ${digits.length}`);
  return fromHex(digits);
}

/** 16 groups of 4 digits, the unit the UI shows and typo hints refer to (1-based there). */
export function groupDigits(digits: string): string[] {
  if (digits.length !== DIGIT_COUNT) throw new RangeError(`expected ${DIGIT_COUNT} digits, got ${digits.length}`);
  const groups: string[] = [];
  for (let i = 0; i < DIGIT_COUNT; i += GROUP_SIZE) groups.push(digits.slice(i, i + GROUP_SIZE));
  return groups;
}

/** 'pq' -> 'AGE-SECRET-KEY-PQ-1…', 'classic' -> 'AGE-SECRET-KEY-1…' (Bech32 of the same 32 bytes). */
export function seedToIdentity(seed: Uint8Array, type: KeyType): string {
  assertSeed(seed);
  const prefix = IDENTITY_PREFIX[type];
  if (prefix === undefined) throw new TypeError(`unknown key type ${String(type)}`);
  return bech32.encode(prefix, bech32.toWords(seed), IDENTITY_MAX_LENGTH).toUpperCase();
}

/**
 * Parses an age native identity (either case, no surrounding whitespace) and checks its checksum.
 * Throws InvalidIdentityError with a reason the UI can turn into words.
 */
export function identityToSeed(identity: string): { seed: Uint8Array; type: KeyType } {
  const upper = identity.toUpperCase();
  // PQ first: the classic prefix is a prefix of nothing else, but test the longer one to be explicit.
  const type: KeyType | undefined = upper.startsWith(`${IDENTITY_PREFIX.pq}1`)
    ? 'pq'
    : upper.startsWith(`${IDENTITY_PREFIX.classic}1`)
      ? 'classic'
      : undefined;
  if (type === undefined) {
    throw new InvalidIdentityError('prefix', 'not an age identity (expected AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…)');
  }
  let words: number[];
  let prefix: string;
  try {
    // bech32 rejects mixed case, so hand it one case; the checksum is case-independent.
    ({ prefix, words } = bech32.decode(upper as `${string}1${string}`, IDENTITY_MAX_LENGTH));
  } catch (e) {
    throw new InvalidIdentityError('checksum', `the identity's checksum does not match: ${(e as Error).message}`);
  }
  if (prefix.toUpperCase() !== IDENTITY_PREFIX[type]) {
    throw new InvalidIdentityError('prefix', 'not an age identity');
  }
  let seed: Uint8Array;
  try {
    seed = bech32.fromWords(words);
  } catch (e) {
    throw new InvalidIdentityError('length', `the identity does not hold whole bytes: ${(e as Error).message}`);
  }
  if (seed.length !== SEED_BYTES) {
    throw new InvalidIdentityError('length', `the identity holds ${seed.length} bytes, expected ${SEED_BYTES}`);
  }
  return { seed, type };
}

/** age1pq1… (pq) or age1… (classic), computed by age-encryption itself. */
export async function seedToRecipient(seed: Uint8Array, type: KeyType): Promise<string> {
  return identityToRecipient(seedToIdentity(seed, type));
}

async function hkdfBaseKey(seed: Uint8Array): Promise<CryptoKey> {
  assertSeed(seed);
  return crypto.subtle.importKey('raw', asBufferSource(seed), 'HKDF', false, ['deriveBits', 'deriveKey']);
}

/** HKDF-SHA-256(ikm = seed, salt = "chatseal.app/v1", info = "key-id"), first 8 bytes as 16 lowercase hex. */
export async function deriveKeyId(seed: Uint8Array): Promise<string> {
  const base = await hkdfBaseKey(seed);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT_BYTES, info: INFO_KEY_ID_BYTES },
    base,
    KEY_ID_BYTES * 8,
  );
  return toHex(new Uint8Array(bits));
}

/**
 * The manifest MAC key: HKDF (same salt, info = "manifest-mac") -> HMAC SHA-256, 256-bit, never
 * extractable. Whoever needs to check it (tests, the format vector) signs known data with it and
 * compares with an independent HKDF + HMAC; the CLI signs with it like the extension does.
 */
export async function deriveMacKey(seed: Uint8Array): Promise<CryptoKey> {
  const base = await hkdfBaseKey(seed);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT_BYTES, info: INFO_MANIFEST_MAC_BYTES },
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}
