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

/**
 * Encrypts an export of `size` media bytes plus the fixed chat; every ciphertext chunk goes to
 * `sink` (which may discard it). Resolves once the last chunk was handed over.
 */
export async function encryptExport(
  size: number,
  sink: (chunk: Uint8Array) => void | Promise<void>,
  primitives?: CryptoPrimitives,
  media: 'factory' | 'blob' = 'factory',
): Promise<OpResult> {
  const seed = fromHex(BENCH_SEED_HEX);
  const key = {
    recipient: await seedToRecipient(seed, BENCH_KEY_TYPE),
    keyId: await deriveKeyId(seed),
    macKey: await deriveMacKey(seed),
  };
  // Blobs are built before the clock starts (in a browser their bytes live in blob storage, outside
  // the worker's heap).
  const blobs = media === 'blob' ? await Promise.all(mediaSizes(size).map((n, i) => new Response(mediaStream(n, i)).blob())) : [];
  const started = performance.now();
  const writer = await BackupWriter.create(key, { appVersion: 'bench' }, { primitives });
  let bytes = 0;
  const drained = (async () => {
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
    refs.push(await writer.addMedia(media === 'blob' ? blobs[i]! : () => mediaStream(mediaSize, i), 'bin'));
  }
  await writer.finish(fixedChat(refs));
  await drained;
  return { ms: performance.now() - started, bytes };
}

/** Authenticates the backup `source` yields (pass 1 only: nothing is released). */
export async function verifyExport(source: () => ReadableStream<Uint8Array>, primitives?: CryptoPrimitives): Promise<OpResult> {
  const seed = fromHex(BENCH_SEED_HEX);
  let bytes = 0;
  const counted = (): ReadableStream<Uint8Array> =>
    source().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
  const started = performance.now();
  await verifyBackup(counted, [{ seed, type: BENCH_KEY_TYPE }], { primitives });
  return { ms: performance.now() - started, bytes };
}
