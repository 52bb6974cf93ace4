// The two measured operations, written once for both contexts (Node child process, extension
// service worker): encrypt an export with the real BackupWriter into a sink, and authenticate a
// backup with the real verifyBackup (pass 1: every byte, the MAC and entry hashes; output discarded).
import type { CryptoPrimitives } from '../../src/age/primitives';
import { BackupWriter } from '../../src/backup/writer';
import { verifyBackup } from '../../src/backup/reader';
import { fromHex } from '../../src/crypto/bytes';
import { deriveKeyId, deriveMacKey, seedToRecipient, type KeyType } from '../../src/crypto/keys';
import { BENCH_SEED_HEX, fixedChat, mediaSizes, mediaStream } from './workload';

export const BENCH_KEY_TYPE: KeyType = 'classic';

export interface OpResult {
  /** Wall time of the operation alone (key derivation excluded). */
  ms: number;
  /** Backup file bytes produced (encrypt) or read (verify). */
  bytes: number;
}

export interface EncryptOptions {
  /** The extension's defaults when not given. */
  primitives?: CryptoPrimitives;
  /** The media as these Blobs instead of stream factories. */
  blobs?: readonly Blob[];
  /**
   * How the sink reads the ciphertext: 'byob' into one 256 KiB buffer of its own, reused for every
   * read (as a file writer or an uploader filling parts would); 'default' takes the writer's
   * chunks themselves (as the CLI's file writer and the import page do).
   */
  reader?: 'byob' | 'default';
}

/**
 * Encrypts an export of `size` media bytes plus the fixed chat; the ciphertext goes to `sink`
 * piece by piece, each piece only valid until the sink's promise settles (the sink keeps nothing).
 * Resolves once the last piece was handed over.
 */
export async function encryptExport(
  size: number,
  sink: (chunk: Uint8Array) => void | Promise<void>,
  options: EncryptOptions = {},
): Promise<OpResult> {
  const { primitives, blobs, reader: mode = 'default' } = options;
  const seed = fromHex(BENCH_SEED_HEX);
  const key = {
    recipient: await seedToRecipient(seed, BENCH_KEY_TYPE),
    keyId: await deriveKeyId(seed),
    macKey: await deriveMacKey(seed),
  };
  const started = performance.now();
  const writer = await BackupWriter.create(key, { appVersion: 'bench' }, { primitives });
  let bytes = 0;
  const drained = (async () => {
    if (mode === 'byob') {
      const reader = writer.ciphertext.getReader({ mode: 'byob' });
      let buffer = new ArrayBuffer(1024 * 1024);
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done) return;
        bytes += value.length;
        await sink(value);
        buffer = value.buffer as ArrayBuffer;
      }
    }
    const reader = writer.ciphertext.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      bytes += value.length;
      await sink(value);
    }
  })();
  const refs = [];
  // Stream factories (the default, comparable across runs): the writer hashes each in one read and
  // writes it in a second, hashed again because a factory's bytes could change. Blobs: hashed in
  // the first read only (a Blob cannot change). Neither is ever held whole.
  for (const [i, mediaSize] of mediaSizes(size).entries()) {
    refs.push(await writer.addMedia(blobs !== undefined ? blobs[i]! : () => mediaStream(mediaSize, i), 'bin'));
  }
  await writer.finish(fixedChat(refs));
  await drained;
  return { ms: performance.now() - started, bytes };
}

/** Authenticates the backup `source` yields (pass 1 only: nothing is released). */
export async function verifyExport(source: () => ReadableStream<Uint8Array>, primitives?: CryptoPrimitives): Promise<OpResult> {
  const seed = fromHex(BENCH_SEED_HEX);
  const started = performance.now();
  // The source is handed over as it is (no counting stage in between, which would hide that it is
  // a byte stream); the verified file size is the bytes read.
  const verified = await verifyBackup(source, [{ seed, type: BENCH_KEY_TYPE }], { primitives });
  return { ms: performance.now() - started, bytes: verified.fileSize };
}
