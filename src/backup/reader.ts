// Reading a backup: inspect (no key), verify (pass 1: authenticate everything, release nothing)
// and open (pass 1, then pass 2 releasing entries that match pass 1: streamed to a sink, or whole
// for small callers). Nothing decrypted reaches a caller before the whole age stream, the tar
// layout, the manifest MAC and every entry hash have checked out. Each failure becomes one
// BackupError kind, as docs/FORMAT.md's table gives.
import { ByteReader } from '../age/bytereader';
import { openAgeFile, reopenAgeFile, type AgeFirstPass } from '../age/decrypt';
import { AgeError } from '../age/errors';
import { readHeader } from '../age/header';
import { chunkCount, NONCE_SIZE, plaintextLength } from '../age/stream';
import { deriveKeyId, deriveMacKey, KEY_TYPES, seedToIdentity, type KeyType } from '../crypto/keys';
import { resolvePrimitives, type CryptoPrimitives } from '../age/primitives';
import { findTypo } from '../crypto/typo';
import {
  collectEntry,
  ContentChecker,
  ContentError,
  type CheckedContents,
  type EntryStreamSink,
  type ObservedEntry,
  type ReleasedEntry,
} from './contents';
import { BackupError, type TypoHint } from './errors';
import { mtimeOf, parseManifest, verifyManifestMac, type Manifest } from './manifest';
import { isPaddedTarLength } from './padding';

export interface UnlockedKey {
  seed: Uint8Array;
  /** Unknown -> both types are tried. */
  type?: KeyType;
}

import type { Source } from '../age/gate';
export type { Source };

export interface BackupInspection {
  /** From the key-id stanza; null when the file has none. */
  keyId: string | null;
  fileSize: number;
  headerSize: number;
  /** Plaintext (tar) length implied by the file size. */
  payloadSize: number;
  chunks: number;
  stanzaTypes: string[];
}

export interface VerifiedBackup {
  keyId: string | null;
  /** Index into the keys given of the one that opened the file, and its type. */
  keyIndex: number;
  keyType: KeyType;
  manifest: Manifest;
  /** Every tar entry in order (padding included; padding's sha256 is ""). */
  entries: ObservedEntry[];
  fileSize: number;
  plaintextSize: number;
  chunks: number;
}

export interface ReadOptions {
  /** Look for one mistyped digit or two swapped neighbours on a wrong key (default true). */
  typoSearch?: boolean;
  /** Faster SHA-256 / ChaCha20-Poly1305 where the runtime has them (the CLI: node:crypto). */
  primitives?: Partial<CryptoPrimitives>;
}

export type EntrySink = (entry: ReleasedEntry) => Promise<void>;
export type { EntryInfo, EntryStreamSink, EntryWriter, ReleasedEntry } from './contents';

export async function inspectBackup(src: Source): Promise<BackupInspection> {
  const reader = new ByteReader(src());
  try {
    const header = await readHeader(reader);
    const rest = await reader.skipToEnd();
    const fileSize = header.bytes.length + rest;
    if (rest < NONCE_SIZE) throw new BackupError('truncated', 'the file ends inside the payload nonce', { keyId: header.keyId });
    const payloadSize = plaintextLength(rest - NONCE_SIZE);
    if (payloadSize === null) {
      throw new BackupError('truncated', 'the payload length is not one a whole age file can have', { keyId: header.keyId });
    }
    return {
      keyId: header.keyId,
      fileSize,
      headerSize: header.bytes.length,
      payloadSize,
      chunks: chunkCount(payloadSize),
      stanzaTypes: header.stanzas.map((s) => s.args[0]!),
    };
  } catch (e) {
    await reader.cancel(e);
    throw e instanceof AgeError ? fromAgeError(e) : e;
  }
}

export async function verifyBackup(src: Source, keys: readonly UnlockedKey[], options: ReadOptions = {}): Promise<VerifiedBackup> {
  return (await firstPass(src, keys, options, await resolvePrimitives(options.primitives))).verified;
}

/**
 * Pass 1, then pass 2 handing each entry except padding to `sink` whole, in tar order, once it has
 * ended and matched pass 1. Holds one entry in memory at a time: for small entries and tests; the
 * CLI streams with openBackupStreaming.
 */
export async function openBackup(
  src: Source,
  keys: readonly UnlockedKey[],
  sink: EntrySink,
  options: ReadOptions = {},
): Promise<VerifiedBackup> {
  return openBackupStreaming(src, keys, (info) => collectEntry(info, sink), options);
}

/**
 * Pass 1, then pass 2 streaming each entry except padding to the writer `sink` returns for it, in
 * tar order. Pass 2 starts only after pass 1 authenticated everything, an entry only after its
 * header matched pass 1's, and every chunk only after its tag matched pass 1's, so each byte
 * released is one pass 1 authenticated. If the file changes during pass 2 the open entry's writer
 * is aborted and the read fails as corrupted; what was released before was identical to pass 1's.
 */
export async function openBackupStreaming(
  src: Source,
  keys: readonly UnlockedKey[],
  sink: EntryStreamSink,
  options: ReadOptions = {},
): Promise<VerifiedBackup> {
  const primitives = await resolvePrimitives(options.primitives);
  const { verified, agePass } = await firstPass(src, keys, options, primitives);
  const checker = new ContentChecker(sink, verified.entries);
  try {
    const second = await reopenAgeFile(src(), agePass, { plausibleLength: isPaddedTarLength, cipher: primitives.chacha20poly1305 });
    try {
      for await (const chunk of second.chunks) await checker.push(chunk);
      checker.end();
    } catch (e) {
      await second.cancel(e);
      throw e;
    }
  } catch (e) {
    await checker.abort(e).catch(() => undefined);
    if (e instanceof AgeError) throw fromAgeError(e);
    if (e instanceof ContentError) throw new BackupError('corrupted', `the file changed between reads: ${e.detail}`);
    throw e;
  }
  return verified;
}

interface Candidate {
  keyIndex: number;
  type: KeyType;
  seed: Uint8Array;
}

async function firstPass(
  src: Source,
  keys: readonly UnlockedKey[],
  options: ReadOptions,
  primitives: CryptoPrimitives,
): Promise<{ verified: VerifiedBackup; agePass: AgeFirstPass }> {
  if (keys.length === 0) throw new RangeError('verifying a backup needs at least one key');
  const candidates: Candidate[] = keys.flatMap((k, keyIndex) =>
    (k.type !== undefined ? [k.type] : KEY_TYPES).map((type) => ({ keyIndex, type, seed: k.seed })),
  );
  const keyIds = await Promise.all(keys.map((k) => deriveKeyId(k.seed)));

  let opened;
  try {
    opened = await openAgeFile(src(), {
      identities: candidates.map((c) => seedToIdentity(c.seed, c.type)),
      keyIds,
      plausibleLength: isPaddedTarLength,
      cipher: primitives.chacha20poly1305,
      // The checker keeps nothing of a chunk (it copies manifest.json and manifest.mac).
      releaseChunks: true,
    });
  } catch (e) {
    if (e instanceof AgeError) throw await withTypo(fromAgeError(e), keys, options);
    throw e;
  }
  const keyId = opened.header.keyId;
  const checker = new ContentChecker(undefined, undefined, { sha256: primitives.sha256 });
  let contentError: ContentError | null = null;
  let counts: { chunks: number; plaintext: number };
  try {
    // The plaintext checker may give up early; the age stream is still read to its end, because a
    // damaged or cut file must be reported as such rather than as odd plaintext.
    const it = opened.chunks;
    let r = await it.next();
    while (!r.done) {
      if (contentError === null) {
        try {
          await checker.push(r.value);
        } catch (e) {
          if (!(e instanceof ContentError)) throw e;
          contentError = e;
        }
      }
      r = await it.next();
    }
    counts = r.value;
  } catch (e) {
    if (e instanceof AgeError) throw fromAgeError(e);
    throw e;
  }
  let contents: CheckedContents;
  try {
    if (contentError !== null) throw contentError;
    contents = checker.end();
  } catch (e) {
    if (!(e instanceof ContentError)) throw e;
    // The age layer authenticated all of it, so this is not damage in transit: whoever made the
    // file holds the recipient but did not write what ChatSeal writes.
    if (keyId === null && !e.recognised) {
      throw new BackupError('not-a-backup', `an age file encrypted to this key whose contents are not a ChatSeal backup: ${e.detail}`, { keyId });
    }
    throw new BackupError('mac-failed', `the contents are not authenticated as a ChatSeal backup: ${e.detail}`, { keyId });
  }

  const candidate = candidates[opened.identityIndex]!;
  const macKey = await deriveMacKey(candidate.seed);
  if (!(await verifyManifestMac(macKey, contents.manifestBytes, contents.macBytes))) {
    throw new BackupError('mac-failed', 'manifest.mac does not authenticate manifest.json with this key', { keyId });
  }
  const manifest = parseManifest(contents.manifestBytes);
  if (typeof manifest === 'string') throw new BackupError('mac-failed', manifest, { keyId });
  const problem = compareWithManifest(manifest, contents);
  if (problem !== null) throw new BackupError('mac-failed', problem, { keyId });

  return {
    agePass: opened.pass,
    verified: {
      keyId,
      keyIndex: candidate.keyIndex,
      keyType: candidate.type,
      manifest,
      entries: contents.entries,
      fileSize: opened.position(),
      plaintextSize: counts.plaintext,
      chunks: counts.chunks,
    },
  };
}

/** The authenticated manifest must describe exactly the entries before it, and their mtime. */
function compareWithManifest(manifest: Manifest, contents: CheckedContents): string | null {
  const before = contents.entries.slice(0, contents.entries.length - 3);
  if (manifest.entries.length !== before.length) {
    return `the manifest lists ${manifest.entries.length} entries, the tar holds ${before.length}`;
  }
  for (const [i, e] of before.entries()) {
    const m = manifest.entries[i]!;
    if (m.name !== e.name || m.size !== e.size || m.sha256 !== e.sha256) {
      return `entry ${e.name} does not match the manifest (name, length or SHA-256)`;
    }
  }
  if (mtimeOf(manifest.createdAt) !== contents.mtime) return 'the tar entries do not carry the manifest creation time';
  return null;
}

/** One AgeError kind to one BackupError kind (docs/FORMAT.md, "Error kinds"). */
export function fromAgeError(e: AgeError): BackupError {
  const keyId = e.extra.keyId ?? null;
  const extra = { keyId, cause: e };
  switch (e.kind) {
    case 'not-age':
      return new BackupError('not-a-backup', e.detail, extra);
    case 'truncated':
      return new BackupError('truncated', e.detail, extra);
    case 'wrong-key':
      return new BackupError('wrong-key', e.detail, extra);
    case 'no-match':
      return keyId === null
        ? new BackupError('not-a-backup', 'an age file that is not encrypted to this key and carries no ChatSeal key id', extra)
        : new BackupError('corrupted', 'the file names this key, but its recipient stanza does not open with it (the header was altered)', extra);
    case 'changed':
      return new BackupError('corrupted', `the file changed between reads: ${e.detail}`, extra);
    case 'work-factor':
      return new BackupError('not-a-backup', e.detail, extra);
    case 'header':
    case 'unwrap':
    case 'payload':
      return new BackupError('corrupted', e.detail, extra);
  }
}

async function withTypo(error: BackupError, keys: readonly UnlockedKey[], options: ReadOptions): Promise<BackupError> {
  const fileKeyId = error.extra.keyId;
  if (error.kind !== 'wrong-key' || fileKeyId == null || options.typoSearch === false) return error;
  for (const k of keys) {
    const hit = await findTypo(k.seed, fileKeyId);
    if (hit !== null) {
      const typo: TypoHint = { group: hit.group, groups: hit.groups, kind: hit.kind, position: hit.position, seed: hit.seed };
      return new BackupError('wrong-key', error.detail, { ...error.extra, typo });
    }
  }
  return error;
}
