// Checks the backup's plaintext (a ustar stream) as it is decrypted, without holding it: strict
// headers, entry order (media/…, chat.json.gz, manifest.json, manifest.mac, padding, end of
// archive, nothing after), zero fill, every entry's SHA-256 and length, one mtime throughout, and
// the Padmé length. Only manifest.json and manifest.mac are kept. On pass 2 the same checker
// streams each entry to a sink once its header matched pass 1's name and size; it does not hash
// again, because pass 2 already requires every chunk to carry pass 1's tag under the same file
// key, which makes the plaintext identical (and SHA-256 is the slowest step of a read).
import { nobleSha256, type Sha256, type Sha256Factory } from '../age/primitives';
import { toHex } from '../crypto/bytes';
import { CHAT_NAME, MAC_ENTRY_SIZE, MAC_NAME, MANIFEST_NAME, MAX_MANIFEST_SIZE, MEDIA_NAME, PADDING_NAME } from './manifest';
import { paddedTarLength, TAR_BLOCK } from './padding';
import { dataPadding, END_OF_ARCHIVE, parseTarHeader } from './tar';

export interface ObservedEntry {
  name: string;
  size: number;
  sha256: string;
}

export interface CheckedContents {
  /** Every entry in order, padding included. */
  entries: ObservedEntry[];
  manifestBytes: Uint8Array;
  macBytes: Uint8Array;
  mtime: number;
  /** The tar's length (the age plaintext's length). */
  length: number;
}

export class ContentError extends Error {
  override readonly name = 'ContentError';
  constructor(
    readonly detail: string,
    /** Whether the plaintext had begun like a ChatSeal tar (its first header was one of ours). */
    readonly recognised: boolean,
  ) {
    super(detail);
  }
}

export interface ReleasedEntry {
  name: string;
  bytes: Uint8Array;
}

export interface EntryInfo {
  name: string;
  size: number;
}

/** Receives one entry's bytes in order; `close` after the last, `abort` if the read fails first. */
export interface EntryWriter {
  write(chunk: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
  abort?(reason: unknown): void | Promise<void>;
}

/**
 * Pass 2: called at the start of each entry except padding; returns where its bytes go, or
 * nothing to skip them. The chunks it is handed are not reused by the reader.
 */
export type EntryStreamSink = (entry: EntryInfo) => void | null | EntryWriter | Promise<void | null | EntryWriter>;

// Where the checker is in the tar: which entry may come next.
const Phase = { Media: 0, Manifest: 1, Mac: 2, Padding: 3, EndOfArchive: 4, Done: 5 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

type Step =
  | { kind: 'header' }
  | { kind: 'data'; name: string; size: number; left: number }
  | { kind: 'fill'; left: number }
  | { kind: 'end'; left: number }
  | { kind: 'eof' };

export class ContentChecker {
  private step: Step = { kind: 'header' };
  private phase: Phase = Phase.Media;
  private recognised = false;
  private offset = 0;
  private headerBuffer = new Uint8Array(TAR_BLOCK);
  private headerFill = 0;
  private mtime: number | null = null;
  private readonly entries: ObservedEntry[] = [];
  private readonly names = new Set<string>();
  private hash: Sha256 | null = null;
  private parts: Uint8Array[] = [];
  private keep = false;
  private manifestBytes: Uint8Array | null = null;
  private macBytes: Uint8Array | null = null;
  private current: EntryWriter | null = null;
  private readonly sha256: Sha256Factory;

  /**
   * @param release pass 2: where each entry except padding goes, once its header matched `expected`.
   * @param expected pass 2: the entries pass 1 observed.
   */
  constructor(
    private readonly release?: EntryStreamSink,
    private readonly expected?: readonly ObservedEntry[],
    options: { sha256?: Sha256Factory } = {},
  ) {
    this.sha256 = options.sha256 ?? nobleSha256;
  }

  private fail(detail: string): never {
    throw new ContentError(`${detail} (at tar offset ${this.offset})`, this.recognised);
  }

  async push(chunk: Uint8Array): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const step = this.step;
      switch (step.kind) {
        case 'header': {
          const n = Math.min(TAR_BLOCK - this.headerFill, chunk.length - at);
          this.headerBuffer.set(chunk.subarray(at, at + n), this.headerFill);
          this.headerFill += n;
          at += n;
          if (this.headerFill === TAR_BLOCK) {
            this.headerFill = 0;
            this.header(this.headerBuffer);
            this.offset += TAR_BLOCK;
            const next = this.step as Step;
            if (next.kind === 'data' && this.release !== undefined && next.name !== PADDING_NAME) {
              this.current = (await this.release({ name: next.name, size: next.size })) || null;
            }
            if (next.kind === 'data' && next.size === 0) await this.endEntry(next.name, 0);
          }
          break;
        }
        case 'data': {
          const n = Math.min(step.left, chunk.length - at);
          const piece = chunk.subarray(at, at + n);
          if (step.name === PADDING_NAME) this.zeros(piece, 'padding data is not all zeros');
          else this.hash?.update(piece);
          if (this.keep) this.parts.push(piece.slice());
          if (this.current !== null) await this.current.write(piece);
          step.left -= n;
          at += n;
          this.offset += n;
          if (step.left === 0) await this.endEntry(step.name, step.size);
          break;
        }
        case 'fill':
        case 'end': {
          const n = Math.min(step.left, chunk.length - at);
          this.zeros(chunk.subarray(at, at + n), step.kind === 'fill' ? 'the fill after an entry is not zeros' : 'the end-of-archive blocks are not zeros');
          step.left -= n;
          at += n;
          this.offset += n;
          if (step.left === 0) this.step = step.kind === 'fill' ? { kind: 'header' } : { kind: 'eof' };
          break;
        }
        case 'eof':
          this.fail('bytes follow the end of the archive');
      }
    }
  }

  /** The plaintext has ended: returns what was checked, or throws ContentError. */
  end(): CheckedContents {
    if (this.step.kind !== 'eof') this.fail('the tar ends early');
    const padding = this.entries[this.entries.length - 1]!;
    const unpadded = this.offset - padding.size;
    if (paddedTarLength(unpadded) !== this.offset) {
      this.fail(`the tar is ${this.offset} bytes; padding should make it ${paddedTarLength(unpadded)}`);
    }
    return {
      entries: this.entries,
      manifestBytes: this.manifestBytes!,
      macBytes: this.macBytes!,
      mtime: this.mtime!,
      length: this.offset,
    };
  }

  private zeros(bytes: Uint8Array, problem: string): void {
    for (const b of bytes) if (b !== 0) this.fail(problem);
  }

  private header(block: Uint8Array): void {
    if (block.every((b) => b === 0)) {
      if (this.phase !== Phase.EndOfArchive) this.fail('a zero block where an entry header belongs');
      this.phase = Phase.Done;
      this.step = { kind: 'end', left: END_OF_ARCHIVE - TAR_BLOCK };
      return;
    }
    const h = parseTarHeader(block);
    if (h === null) this.fail('an entry header is not one ChatSeal writes');
    if (this.mtime === null) this.mtime = h.mtime;
    else if (h.mtime !== this.mtime) this.fail('entries carry different modification times');
    const name = h.name;
    if (MEDIA_NAME.test(name) && this.phase === Phase.Media) {
      if (this.names.has(name)) this.fail(`media entry ${name} appears twice`);
    } else if (name === CHAT_NAME && this.phase === Phase.Media) {
      this.phase = Phase.Manifest;
    } else if (name === MANIFEST_NAME && this.phase === Phase.Manifest) {
      if (h.size > MAX_MANIFEST_SIZE) this.fail('manifest.json is too large');
      this.phase = Phase.Mac;
    } else if (name === MAC_NAME && this.phase === Phase.Mac) {
      if (h.size !== MAC_ENTRY_SIZE) this.fail(`manifest.mac is ${h.size} bytes, not ${MAC_ENTRY_SIZE}`);
      this.phase = Phase.Padding;
    } else if (name === PADDING_NAME && this.phase === Phase.Padding) {
      this.phase = Phase.EndOfArchive;
    } else {
      this.fail(`entry ${JSON.stringify(name)} is not allowed here`);
    }
    this.recognised = true;
    this.names.add(name);
    if (this.expected !== undefined) {
      const want = this.expected[this.entries.length];
      if (want === undefined || want.name !== name || want.size !== h.size) this.fail(`entry ${name} differs from the first read`);
    }
    // Pass 2 neither hashes (the chunk tags already match pass 1's) nor keeps anything.
    this.hash = this.expected === undefined && name !== PADDING_NAME ? this.sha256() : null;
    this.parts = [];
    this.keep = this.expected === undefined && (name === MANIFEST_NAME || name === MAC_NAME);
    this.step = { kind: 'data', name, size: h.size, left: h.size };
  }

  private async endEntry(name: string, size: number): Promise<void> {
    const want = this.expected?.[this.entries.length];
    const digest = name === PADDING_NAME ? '' : want !== undefined ? want.sha256 : toHex(this.hash!.digest());
    const entry: ObservedEntry = { name, size, sha256: digest };
    if (this.keep) {
      const bytes = concat(this.parts, size);
      if (name === MANIFEST_NAME) this.manifestBytes = bytes;
      if (name === MAC_NAME) this.macBytes = bytes;
    }
    this.parts = [];
    this.hash = null;
    this.entries.push(entry);
    const fill = dataPadding(size);
    this.step = fill > 0 ? { kind: 'fill', left: fill } : { kind: 'header' };
    const current = this.current;
    this.current = null;
    if (current !== null) await current.close();
  }

  /** The read failed: tells the entry being released, if any, that it will not end. */
  async abort(reason: unknown): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current !== null) await current.abort?.(reason);
  }
}

/** An EntryWriter that collects the entry and hands it whole to `done` once it has ended. */
export function collectEntry(info: EntryInfo, done: (entry: ReleasedEntry) => Promise<void>): EntryWriter {
  const parts: Uint8Array[] = [];
  return {
    write: (chunk) => void parts.push(chunk),
    // A copy: the pieces are views into the reader's 64 KiB chunks.
    close: () => done({ name: info.name, bytes: concat(parts, info.size, true) }),
  };
}

function concat(parts: Uint8Array[], size: number, copy = false): Uint8Array {
  if (parts.length === 1 && !copy) return parts[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
