// The backup writer: entries -> ustar -> age, as one stream. Media go in as they are captured, the
// chat, manifest, MAC and padding at the end (docs/FORMAT.md gives the layout). Memory stays flat:
// every entry streams through with its SHA-256 computed incrementally, except a one-shot media
// stream whose size and hash the caller cannot state up front: its name (media/<sha256>.<ext>) and
// size precede its bytes in the tar, so that one is held until it ends. Runs in the worker or an
// extension page, never in a content script; needs only web APIs.
import { sha256 } from '@noble/hashes/sha2.js';
import { encryptAgeStream } from '../age/encrypt';
import { isKeyId } from '../age/keyid';
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

export interface MediaRef {
  /** media/<sha256>.<ext> */
  path: string;
  sha256: string;
  size: number;
}

/**
 * Media bytes: in memory; a Blob or a stream factory (read twice: once to hash, once to write,
 * and the second read must match the first); or a one-shot stream (held in memory until it ends,
 * unless `expect` states its size and hash, in which case it streams and is checked at its end).
 */
export type MediaInput = Uint8Array | Blob | ReadableStream<Uint8Array> | (() => ReadableStream<Uint8Array>);

export const MEDIA_EXT = /^[a-z0-9]{1,10}$/;
const ZEROS = new Uint8Array(64 * 1024);

export class BackupWriteError extends Error {
  override readonly name = 'BackupWriteError';
}

type State = 'open' | 'finished' | 'failed';

export class BackupWriter {
  /** The .age bytes. The consumer must read it while media are added, or the writer waits. */
  readonly ciphertext: ReadableStream<Uint8Array>;
  private readonly out: WritableStreamDefaultWriter<Uint8Array>;
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
    out: WritableStreamDefaultWriter<Uint8Array>,
    ciphertext: ReadableStream<Uint8Array>,
  ) {
    this.out = out;
    this.ciphertext = ciphertext;
    this.mtime = mtimeOf(createdAt);
  }

  static async create(key: BackupKey, info: BackupInfo): Promise<BackupWriter> {
    if (!isKeyId(key.keyId)) throw new RangeError('a key id is 16 lowercase hex digits');
    const createdAt = normaliseCreatedAt(info.createdAt ?? new Date());
    if (Date.parse(createdAt) < 0) throw new RangeError('the creation time is before 1970');
    const plain = new TransformStream<Uint8Array, Uint8Array>();
    const ciphertext = await encryptAgeStream(plain.readable, { recipients: [key.recipient], keyId: key.keyId });
    return new BackupWriter(key, info.appVersion, createdAt, plain.writable.getWriter(), ciphertext);
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
        if (expect !== undefined) return this.writeMediaStream(extension, expect.sha256, expect.size, data);
        return this.writeBufferedMedia(extension, data);
      }
      const open = typeof data === 'function' ? data : () => data.stream() as ReadableStream<Uint8Array>;
      const first = await hashStream(open());
      return this.writeMediaStream(extension, first.sha256, first.size, open());
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
    await this.out.abort(reason ?? new BackupWriteError('backup aborted')).catch(() => undefined);
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
    await this.out.ready;
    await this.out.write(bytes);
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

  private async writeMediaStream(ext: string, digest: string, size: number, stream: ReadableStream<Uint8Array>): Promise<MediaRef> {
    if (!/^[0-9a-f]{64}$/.test(digest)) throw new RangeError('sha256 must be 64 lowercase hex digits');
    if (this.media.has(`media/${digest}.${ext}`)) {
      await stream.cancel();
      return this.media.get(`media/${digest}.${ext}`)!;
    }
    return this.writeMedia(ext, digest, size, async () => {
      const hash = sha256.create();
      let seen = 0;
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += value.length;
        if (seen > size) {
          await reader.cancel();
          throw new BackupWriteError(`the media stream is longer than its stated ${size} bytes`);
        }
        hash.update(value);
        await this.write(value);
      }
      if (seen !== size || toHex(hash.digest()) !== digest) {
        throw new BackupWriteError('the media bytes differ from their stated size or SHA-256 (a source read twice changed?)');
      }
    });
  }

  private async writeBufferedMedia(ext: string, stream: ReadableStream<Uint8Array>): Promise<MediaRef> {
    const parts: Uint8Array[] = [];
    const hash = sha256.create();
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
    this.state = 'finished';
    await this.out.close();
  }
}

async function hashStream(stream: ReadableStream<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = sha256.create();
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    size += value.length;
  }
  return { sha256: toHex(hash.digest()), size };
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
