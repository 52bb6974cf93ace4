// The backup writer: entries -> ustar -> age, as one stream. Media go in as they are captured, the
// chat, manifest, MAC and padding at the end (docs/FORMAT.md gives the layout). Each media file is
// named by its SHA-256 before its bytes, so the writer must know the hash first; it hashes each
// byte once where the input cannot change (bytes with WebCrypto's one-shot digest; a Blob streamed
// once to hash, then streamed again unhashed) and twice only where it can (a stream factory is
// read twice and must give the same bytes). Memory stays flat except for a one-shot stream whose
// size and hash the caller cannot state up front, which is held until it ends. The incremental
// SHA-256 and the payload cipher are injectable (src/age/primitives.ts: native in the CLI). Runs in
// the worker or an extension page, never in a content script; needs only web APIs.
import { borrowedChunks } from '../age/byte-stream';
import { beginAgeFile } from '../age/encrypt';
import { isKeyId } from '../age/keyid';
import { resolvePrimitives, type CryptoPrimitives, type Sha256Factory } from '../age/primitives';
import { PayloadSealer } from '../age/stream';
import { YieldCounter } from '../age/yield';
import { sha256Hex, toHex, utf8Encode } from '../crypto/bytes';
import {
  buildManifest,
  CHAT_NAME,
  encodeManifest,
  MAC_NAME,
  MANIFEST_NAME,
  mtimeOf,
  normaliseCreatedAt,
  PADDING_NAME,
  signManifest,
  type ManifestChat,
  type ManifestEntry,
} from './manifest';
import { CiphertextStream } from './ciphertext-stream';
import { paddedTarLength, TAR_BLOCK } from './padding';
import { dataPadding, END_OF_ARCHIVE, MAX_ENTRY_SIZE, tarHeader } from './tar';

export interface BackupKey {
  /** age1… (classic) or age1pq1… (post-quantum hybrid). */
  recipient: string;
  /** 16 lowercase hex digits (deriveKeyId), written in the key-id stanza. */
  keyId: string;
  /** The HMAC key from deriveMacKey; may be non-extractable. */
  macKey: CryptoKey;
}

export interface BackupInfo {
  appVersion: string;
  /** Creation time (ISO 8601); default now. Also every tar entry's mtime, in whole seconds. */
  createdAt?: string;
}

export interface WriterOptions {
  /** Faster SHA-256 / ChaCha20-Poly1305 where the runtime has them (the CLI: node:crypto). */
  primitives?: Partial<CryptoPrimitives>;
}

export interface MediaRef {
  /** media/<sha256>.<ext> */
  path: string;
  sha256: string;
  size: number;
}

/**
 * Media bytes: in memory; a Blob (read once to hash and once to write, unless small enough to
 * read whole); a stream factory (read twice: once to hash, once to write, and the second read must
 * hash the same); or a one-shot stream (held in memory until it ends, unless `expect` states its
 * size and hash, in which case it streams and is checked at its end).
 */
export type MediaInput = Uint8Array | Blob | ReadableStream<Uint8Array> | (() => ReadableStream<Uint8Array>);

export const MEDIA_EXT = /^[a-z0-9]{1,10}$/;
const ZEROS = new Uint8Array(64 * 1024);
/**
 * Media streams that are byte streams (a Blob's, a File's) are read into one buffer of this size,
 * refilled by every read, instead of a new buffer per chunk (src/age/byte-stream.ts).
 */
const READ_BUFFER = 1024 * 1024;
/** A Blob up to this size is read into memory once and hashed natively, instead of read twice. */
const BLOB_IN_MEMORY = 4 * 1024 * 1024;

export class BackupWriteError extends Error {
  override readonly name = 'BackupWriteError';
}

type State = 'open' | 'finished' | 'failed';

export class BackupWriter {
  /**
   * The .age bytes, as a byte stream. The consumer must read it while media are added, or the
   * writer waits. A default reader receives the sealed chunks themselves; a BYOB reader has them
   * copied into its buffer, which lets the writer free each chunk at once.
   */
  readonly ciphertext: ReadableStream<Uint8Array>;
  private readonly mtime: number;
  private tarLength = 0;
  private readonly entries: ManifestEntry[] = [];
  private readonly media = new Map<string, MediaRef>();
  private queue: Promise<unknown> = Promise.resolve();
  private state: State = 'open';

  private constructor(
    private readonly key: BackupKey,
    private readonly appVersion: string,
    private readonly createdAt: string,
    private readonly out: CiphertextStream,
    private readonly sealer: PayloadSealer,
    private readonly sha256: Sha256Factory,
    private readonly pacer: YieldCounter,
  ) {
    this.ciphertext = out.stream;
    this.mtime = mtimeOf(createdAt);
  }

  static async create(key: BackupKey, info: BackupInfo, options: WriterOptions = {}): Promise<BackupWriter> {
    if (!isKeyId(key.keyId)) throw new RangeError('a key id is 16 lowercase hex digits');
    const createdAt = normaliseCreatedAt(info.createdAt ?? new Date());
    if (Date.parse(createdAt) < 0) throw new RangeError('the creation time is before 1970');
    const primitives = await resolvePrimitives(options.primitives);
    const { prefix, cipher } = await beginAgeFile({ recipients: [key.recipient], keyId: key.keyId }, primitives.chacha20poly1305);
    // Sealed chunks a consumer's own buffer received are freed at once (CiphertextStream, ChunkCipher.release).
    const out = new CiphertextStream(prefix, (sealed) => cipher.release?.(sealed));
    // The pacer gives the event loop a task now and then, even when the consumer returns at once.
    const pacer = new YieldCounter();
    const sealer = new PayloadSealer(cipher, async (sealed) => {
      const length = sealed.length; // the stream may transfer the chunk's buffer to the consumer
      await out.push(sealed);
      await pacer.add(length);
    });
    return new BackupWriter(key, info.appVersion, createdAt, out, sealer, primitives.sha256, pacer);
  }

  /** Adds one attachment as media/<sha256>.<ext>; the same bytes and extension are stored once. */
  addMedia(data: MediaInput, ext: string, expect?: { size: number; sha256: string }): Promise<MediaRef> {
    return this.serialised(async () => {
      const extension = ext.toLowerCase();
      if (!MEDIA_EXT.test(extension)) throw new RangeError(`a media extension is 1-10 letters or digits, got ${JSON.stringify(ext)}`);
      if (data instanceof Uint8Array) {
        const digest = await sha256Hex(data); // WebCrypto: native, and the bytes are in memory anyway
        return this.writeMedia(extension, digest, data.length, async () => this.write(data));
      }
      if (data instanceof ReadableStream) {
        if (expect !== undefined) return this.writeMediaStream(extension, expect.sha256, expect.size, data, 'hash');
        return this.writeBufferedMedia(extension, data);
      }
      if (data instanceof Blob) {
        if (data.size <= BLOB_IN_MEMORY) {
          const bytes = new Uint8Array(await data.arrayBuffer());
          return this.writeMedia(extension, await sha256Hex(bytes), bytes.length, () => this.write(bytes));
        }
        // A Blob's bytes cannot change, so the hash of the first read names the second as well.
        const first = await this.hashStream(data.stream() as ReadableStream<Uint8Array>);
        return this.writeMediaStream(extension, first.sha256, first.size, data.stream() as ReadableStream<Uint8Array>, 'length');
      }
      const first = await this.hashStream(data());
      return this.writeMediaStream(extension, first.sha256, first.size, data(), 'hash');
    });
  }

  /** Gzips the chat (CompressionStream) and writes chat.json.gz, manifest.json, manifest.mac, padding. */
  finish(chat: ManifestChat): Promise<void> {
    return this.serialised(async () => {
      const gz = await gzip(utf8Encode(JSON.stringify(chat)));
      await this.finishWith(chat, gz);
    });
  }

  /**
   * finish() with the chat already gzipped (gzip output differs between Node and browsers, so the
   * format's test vectors fix these bytes). `chatGz` must be the gzip of JSON.stringify(chat).
   */
  finishCompressed(chat: ManifestChat, chatGz: Uint8Array): Promise<void> {
    return this.serialised(() => this.finishWith(chat, chatGz));
  }

  /** Stops the backup: the ciphertext stream errors, so no partial file looks complete. */
  async abort(reason?: unknown): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.out.error(reason ?? new BackupWriteError('backup aborted'));
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.state !== 'open') throw new BackupWriteError(`the backup is ${this.state}`);
      try {
        return await work();
      } catch (e) {
        // A half-written entry leaves the tar unusable: fail the whole backup.
        await this.abort(e);
        throw e;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    await this.sealer.update(bytes);
    this.tarLength += bytes.length;
  }

  private async writeZeros(count: number): Promise<void> {
    for (let left = count; left > 0; left -= ZEROS.length) await this.write(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
  }

  private async writeEntry(name: string, bytes: Uint8Array): Promise<ManifestEntry> {
    await this.write(tarHeader(name, bytes.length, this.mtime));
    await this.write(bytes);
    await this.writeZeros(dataPadding(bytes.length));
    return { name, size: bytes.length, sha256: await sha256Hex(bytes) };
  }

  private async writeMedia(ext: string, digest: string, size: number, body: () => Promise<void>): Promise<MediaRef> {
    const path = `media/${digest}.${ext}`;
    const known = this.media.get(path);
    if (known !== undefined) return known;
    if (size > MAX_ENTRY_SIZE) throw new RangeError(`a media file is at most ${MAX_ENTRY_SIZE} bytes`);
    await this.write(tarHeader(path, size, this.mtime));
    await body();
    await this.writeZeros(dataPadding(size));
    const ref: MediaRef = { path, sha256: digest, size };
    this.media.set(path, ref);
    this.entries.push({ name: path, size, sha256: digest });
    return ref;
  }

  /**
   * Streams media whose name is already decided. `check`: 'hash' when the bytes could differ from
   * what named them (stated by the caller, or a second read of a factory), 'length' for a Blob.
   */
  private async writeMediaStream(
    ext: string,
    digest: string,
    size: number,
    stream: ReadableStream<Uint8Array>,
    check: 'hash' | 'length',
  ): Promise<MediaRef> {
    if (!/^[0-9a-f]{64}$/.test(digest)) throw new RangeError('sha256 must be 64 lowercase hex digits');
    if (this.media.has(`media/${digest}.${ext}`)) {
      await stream.cancel();
      return this.media.get(`media/${digest}.${ext}`)!;
    }
    return this.writeMedia(ext, digest, size, async () => {
      const hash = check === 'hash' ? this.sha256() : null;
      let seen = 0;
      // Leaving the loop early (too long, a failed write) cancels the stream.
      for await (const value of borrowedChunks(stream, READ_BUFFER)) {
        seen += value.length;
        if (seen > size) throw new BackupWriteError(`the media stream is longer than its stated ${size} bytes`);
        hash?.update(value);
        await this.write(value); // the sealer keeps nothing of `value` once this settles
      }
      if (seen !== size || (hash !== null && toHex(hash.digest()) !== digest)) {
        throw new BackupWriteError('the media bytes differ from their stated size or SHA-256 (a source read twice changed?)');
      }
    });
  }

  private async writeBufferedMedia(ext: string, stream: ReadableStream<Uint8Array>): Promise<MediaRef> {
    const parts: Uint8Array[] = [];
    const hash = this.sha256();
    let size = 0;
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      parts.push(value);
      size += value.length;
    }
    return this.writeMedia(ext, toHex(hash.digest()), size, async () => {
      for (const p of parts) await this.write(p);
    });
  }

  private async finishWith(chat: ManifestChat, chatGz: Uint8Array): Promise<void> {
    this.entries.push(await this.writeEntry(CHAT_NAME, chatGz));
    const manifest = encodeManifest(buildManifest(chat, this.appVersion, this.createdAt, this.entries));
    await this.writeEntry(MANIFEST_NAME, manifest);
    await this.writeEntry(MAC_NAME, await signManifest(this.key.macKey, manifest));
    // Padding: its data fills the tar up to the padded length of everything else.
    const unpadded = this.tarLength + TAR_BLOCK + END_OF_ARCHIVE;
    const padding = paddedTarLength(unpadded) - unpadded;
    await this.write(tarHeader(PADDING_NAME, padding, this.mtime));
    await this.writeZeros(padding);
    await this.writeZeros(END_OF_ARCHIVE);
    await this.sealer.final();
    this.state = 'finished';
    this.out.close();
  }

  /** The first read of a Blob or a stream factory: its SHA-256 and length. */
  private async hashStream(stream: ReadableStream<Uint8Array>): Promise<{ sha256: string; size: number }> {
    const hash = this.sha256();
    let size = 0;
    for await (const value of borrowedChunks(stream, READ_BUFFER)) {
      hash.update(value);
      size += value.length;
      await this.pacer.add(value.length);
    }
    return { sha256: toHex(hash.digest()), size };
  }
}

/** gzip with the platform's CompressionStream (Node 20, Chromium, Firefox). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const compressed = input.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}
