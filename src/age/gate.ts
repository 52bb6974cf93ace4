// The release gate for plain age files (the keyring, CCTV vectors, anything that is not a backup):
// nothing decrypted reaches the caller before the whole file has authenticated. The general path
// reads the source twice (pass 1 authenticates and discards, pass 2 releases chunks that must
// match pass 1 tag for tag), so memory stays flat whatever the size; decryptAgeBytes is the small
// file helper that keeps the verified plaintext in memory instead.
import { concatBytes } from '../crypto/bytes';
import { openAgeFile, reopenAgeFile, type AgeOpenOptions } from './decrypt';

/** A re-readable input: called once per pass, each call a fresh stream of the same bytes. */
export type Source = () => ReadableStream<Uint8Array>;

export interface AgeDecryptResult {
  keyId: string | null;
  identityIndex: number;
  chunks: number;
  plaintext: number;
}

/**
 * Authenticates the whole file (pass 1), then, if `sink` is given, decrypts it again and hands the
 * sink every plaintext chunk in order (pass 2). Throws AgeError; on a pass 1 error the sink has
 * received nothing.
 */
export async function decryptAge(
  source: Source,
  options: AgeOpenOptions,
  sink?: (chunk: Uint8Array) => void | Promise<void>,
): Promise<AgeDecryptResult> {
  const first = await openAgeFile(source(), options);
  let counts = await drain(first.chunks);
  if (sink !== undefined) {
    const second = await reopenAgeFile(source(), first.pass, options);
    let r = await second.chunks.next();
    while (!r.done) {
      await sink(r.value);
      r = await second.chunks.next();
    }
    counts = r.value;
  }
  return { keyId: first.header.keyId, identityIndex: first.identityIndex, ...counts };
}

/** Single pass for small inputs: returns the plaintext only after the whole file authenticated. */
export async function decryptAgeBytes(bytes: Uint8Array, options: AgeOpenOptions): Promise<Uint8Array> {
  const opened = await openAgeFile(bytesSource(bytes)(), options);
  const parts: Uint8Array[] = [];
  let r = await opened.chunks.next();
  while (!r.done) {
    parts.push(r.value);
    r = await opened.chunks.next();
  }
  return concatBytes(...parts);
}

async function drain<R>(chunks: AsyncGenerator<Uint8Array, R>): Promise<R> {
  let r = await chunks.next();
  while (!r.done) r = await chunks.next();
  return r.value;
}

/** A Source over bytes in memory, served in 64 KiB pieces like a file read. */
export function bytesSource(bytes: Uint8Array, pieceSize = 64 * 1024): Source {
  return () => {
    let offset = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        const end = Math.min(bytes.length, offset + pieceSize);
        controller.enqueue(bytes.subarray(offset, end));
        offset = end;
      },
    });
  };
}
