// Shared fixtures for the backup tests: deterministic backups, re-encryption of altered plaintext,
// and an assertion that a file is refused with a given kind and nothing released.
import { expect } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { decryptAgeBytes, bytesSource } from '../../src/age/gate';
import { encryptAgeBytes } from '../../src/age/encrypt';
import { BackupError, type BackupErrorKind } from '../../src/backup/errors';
import { openBackup, type UnlockedKey } from '../../src/backup/reader';
import { BackupWriter, type MediaRef } from '../../src/backup/writer';
import { deriveKeyId, deriveMacKey, seedToIdentity, seedToRecipient, type KeyType } from '../../src/crypto/keys';
import type { ManifestChat } from '../../src/backup/manifest';

/** The format's fixed test seed: bytes 00 01 02 … 1f. */
export const FIXED_SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
export const OTHER_SEED = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

/** Deterministic pseudo-random bytes (SHA-256 in counter mode), so fixtures never change. */
export function prngBytes(length: number, label = 'chatseal test media'): Uint8Array {
  const out = new Uint8Array(length);
  const prefix = new TextEncoder().encode(label);
  for (let i = 0, block = 0; i < length; block++) {
    const input = new Uint8Array(prefix.length + 4);
    input.set(prefix);
    new DataView(input.buffer).setUint32(prefix.length, block);
    const h = sha256(input);
    out.set(h.subarray(0, Math.min(32, length - i)), i);
    i += 32;
  }
  return out;
}

const sampleChat = {
  schema: 'chatseal/1',
  source: { site: 'whatsapp-export' },
  conversation: { title: 'Alice', participants: [{ name: 'Me', isMe: true }, { name: 'Alice' }] },
  capture: { reachedStart: true },
  messages: [{ key: 'm1' }, { key: 'm2' }, { key: 'm3' }],
};
export const SAMPLE_CHAT: ManifestChat = sampleChat;

export async function backupKey(seed: Uint8Array, type: KeyType) {
  return { recipient: await seedToRecipient(seed, type), keyId: await deriveKeyId(seed), macKey: await deriveMacKey(seed) };
}

/** Writes a backup with the given media (each one entry) and the sample chat. */
export async function makeBackup(options: {
  seed?: Uint8Array;
  type?: KeyType;
  media?: Uint8Array[];
  chat?: ManifestChat;
  createdAt?: string;
  chatGz?: Uint8Array;
}): Promise<{ file: Uint8Array; refs: MediaRef[] }> {
  const seed = options.seed ?? FIXED_SEED;
  const writer = await BackupWriter.create(await backupKey(seed, options.type ?? 'classic'), {
    appVersion: '0.1.0',
    createdAt: options.createdAt ?? '2026-11-26T10:15:03Z',
  });
  const collected = new Response(writer.ciphertext).arrayBuffer();
  const refs: MediaRef[] = [];
  for (const m of options.media ?? []) refs.push(await writer.addMedia(m, 'bin'));
  const chat = options.chat ?? SAMPLE_CHAT;
  if (options.chatGz !== undefined) await writer.finishCompressed(chat, options.chatGz);
  else await writer.finish(chat);
  return { file: new Uint8Array(await collected), refs };
}

/** The age plaintext (the tar) of a file, via our own single-pass helper. */
export async function plaintextOf(file: Uint8Array, seed = FIXED_SEED, type: KeyType = 'classic'): Promise<Uint8Array> {
  return decryptAgeBytes(file, { identities: [seedToIdentity(seed, type)] });
}

const recipients = new Map<string, Promise<{ recipient: string; keyId: string }>>();

/** Encrypts plaintext validly to the seed's recipient, with or without ChatSeal's key-id stanza. */
export async function encryptTo(plaintext: Uint8Array, seed = FIXED_SEED, options: { keyId?: boolean; type?: KeyType } = {}): Promise<Uint8Array> {
  const type = options.type ?? 'classic';
  const cacheKey = `${type}:${seed.join(',')}`;
  if (!recipients.has(cacheKey)) {
    recipients.set(cacheKey, (async () => ({ recipient: await seedToRecipient(seed, type), keyId: await deriveKeyId(seed) }))());
  }
  const { recipient, keyId } = await recipients.get(cacheKey)!;
  return encryptAgeBytes(plaintext, { recipients: [recipient], keyId: options.keyId === false ? undefined : keyId });
}

/**
 * Asserts that opening `file` fails with `kind` and that the sink received nothing. Returns the
 * error for further checks.
 */
export async function expectRefused(
  file: Uint8Array,
  kind: BackupErrorKind,
  keys: UnlockedKey[] = [{ seed: FIXED_SEED }],
  label = '',
): Promise<BackupError> {
  let released = 0;
  let error: unknown = null;
  try {
    await openBackup(bytesSource(file), keys, async () => {
      released++;
    });
  } catch (e) {
    error = e;
  }
  expect(error, `${label}: expected ${kind}`).toBeInstanceOf(BackupError);
  expect({ label, kind: (error as BackupError).kind, detail: (error as BackupError).detail }).toMatchObject({ label, kind });
  expect(released, label).toBe(0);
  return error as BackupError;
}

export function flip(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = copy[index]! ^ mask;
  return copy;
}

export { entryRange } from './tar-entries';
