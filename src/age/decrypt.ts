// Opening an age file for reading: strict header, key-id stanza, file key, then our own STREAM
// decryption. Two ways in: `openAgeFile` (pass 1: unwrap with the given identities) and
// `reopenAgeFile` (pass 2: the same bytes again, checked against pass 1 chunk by chunk).
// Neither releases anything on its own; gate.ts and the backup reader decide when plaintext may
// leave, which is only after a pass has authenticated the whole file.
import { ByteReader } from './bytereader';
import { AgeError } from './errors';
import { readHeader, type AgeHeader } from './header';
import { decryptPayload, type StreamOptions } from './stream';
import { unwrapFileKey, type UnwrapOptions } from './unwrap';
import { constantTimeEqual } from '../crypto/bytes';

export interface AgeOpenOptions extends UnwrapOptions {
  plausibleLength?: StreamOptions['plausibleLength'];
  /** The payload's ChaCha20-Poly1305 (primitives.ts); default: WebCrypto's where it works, else noble. */
  cipher?: StreamOptions['cipher'];
  /** Pass 1 only: the consumer keeps no chunk once it asks for the next (StreamOptions). */
  releaseChunks?: StreamOptions['releaseChunks'];
}

export interface AgeFirstPass {
  readonly header: AgeHeader;
  readonly fileKey: Uint8Array;
  readonly identityIndex: number;
  /** Every chunk's Poly1305 tag, filled in as the payload authenticates. */
  readonly tags: Uint8Array[];
}

export interface OpenedAgeFile {
  readonly header: AgeHeader;
  readonly identityIndex: number;
  /**
   * Authenticated plaintext chunks in order; throws AgeError. The file is whole only once this
   * generator has returned (its return value gives the counts).
   */
  readonly chunks: AsyncGenerator<Uint8Array, { chunks: number; plaintext: number }>;
  /** What pass 2 needs (complete once `chunks` has returned). */
  readonly pass: AgeFirstPass;
  /** Bytes of the file read so far (the file size, once `chunks` has returned). */
  position(): number;
  /** Stops reading the source. */
  cancel(reason?: unknown): Promise<void>;
}

async function withCancelOnError<T>(reader: ByteReader, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    await reader.cancel(e);
    throw e;
  }
}

export async function openAgeFile(stream: ReadableStream<Uint8Array>, options: AgeOpenOptions): Promise<OpenedAgeFile> {
  const reader = new ByteReader(stream);
  return withCancelOnError(reader, async () => {
    const header = await readHeader(reader);
    const { fileKey, identityIndex } = await unwrapFileKey(header, options);
    const tags: Uint8Array[] = [];
    const pass: AgeFirstPass = { header, fileKey, identityIndex, tags };
    const chunks = guarded(reader, decryptPayload(reader, fileKey, header.keyId, {
      plausibleLength: options.plausibleLength,
      onTag: (t) => tags.push(t),
      cipher: options.cipher,
      releaseChunks: options.releaseChunks,
    }));
    return { header, identityIndex, chunks, pass, position: () => reader.offset, cancel: (r) => reader.cancel(r) };
  });
}

/**
 * Pass 2 over the same file: the header must be byte-for-byte the one pass 1 unwrapped (so the
 * file key is the same and is not unwrapped again) and every chunk must carry pass 1's tag.
 */
export async function reopenAgeFile(
  stream: ReadableStream<Uint8Array>,
  first: AgeFirstPass,
  options: Pick<AgeOpenOptions, 'plausibleLength' | 'cipher'> = {},
): Promise<OpenedAgeFile> {
  const reader = new ByteReader(stream);
  return withCancelOnError(reader, async () => {
    let header: AgeHeader;
    try {
      header = await readHeader(reader);
    } catch (e) {
      if (e instanceof AgeError) throw new AgeError('changed', `the header differs from the first read (${e.detail})`, e.extra);
      throw e;
    }
    if (!constantTimeEqual(header.bytes, first.header.bytes)) {
      throw new AgeError('changed', 'the header differs from the first read', { keyId: header.keyId });
    }
    const chunks = guarded(
      reader,
      decryptPayload(reader, first.fileKey, header.keyId, {
        plausibleLength: options.plausibleLength,
        expectTags: first.tags,
        cipher: options.cipher,
      }),
      true,
    );
    return { header, identityIndex: first.identityIndex, chunks, pass: first, position: () => reader.offset, cancel: (r) => reader.cancel(r) };
  });
}

/**
 * Cancels the source when decryption fails or the consumer stops early. On a second pass any
 * failure means the source no longer serves what pass 1 authenticated: 'changed'.
 */
async function* guarded<R>(reader: ByteReader, inner: AsyncGenerator<Uint8Array, R>, secondPass = false): AsyncGenerator<Uint8Array, R> {
  let finished = false;
  try {
    const result = yield* inner;
    finished = true;
    return result;
  } catch (e) {
    if (secondPass && e instanceof AgeError && e.kind !== 'changed') {
      throw new AgeError('changed', `the file differs from the first read (${e.detail})`, e.extra);
    }
    throw e;
  } finally {
    if (!finished) await reader.cancel();
  }
}
