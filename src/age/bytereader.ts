// Pull-based reading of a ReadableStream<Uint8Array> by exact byte counts, with look-ahead, so the
// header parser and the STREAM decryptor can ask "is there more?" without consuming it. Only what
// the caller asked for (plus at most one source chunk) is held in memory.
//
// A byte stream (a Blob's or a fetch body's) is read BYOB into one window the reader owns, so
// reading a whole backup allocates no buffer per chunk (see byte-stream.ts). Any other stream is
// held as its own chunks. `take` returns bytes the caller owns; `borrow`, for the payload's hot
// path, returns a view that is valid only until the next call on the reader.
import { byobReaderOf, readAtLeast } from './byte-stream';

/** The BYOB window's starting size: a few 64 KiB payload chunks, so reads are large. */
const WINDOW = 1024 * 1024;
const EMPTY = new Uint8Array(0);

export class ByteReader {
  private readonly byob: ReadableStreamBYOBReader | null;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | null;
  // Any stream: its chunks, the first of them consumed up to `head`.
  private chunks: Uint8Array[] = [];
  private head = 0;
  // Byte stream: the buffered bytes are window[start, end).
  private window = EMPTY;
  private start = 0;
  private end = 0;
  /** Where `borrow` assembles bytes that span source chunks (reused). */
  private scratch = EMPTY;
  private bufferedBytes = 0;
  private done = false;
  /** Bytes consumed so far (the file offset of the next byte `take` returns). */
  offset = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.byob = byobReaderOf(stream);
    this.reader = this.byob === null ? stream.getReader() : null;
  }

  /** Bytes available without reading further. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /** Reads until at least `n` bytes are buffered or the stream ends; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    while (this.bufferedBytes < n && !this.done) {
      if (this.byob !== null) await this.readIntoWindow(this.byob, n);
      else await this.readChunk(this.reader!);
    }
    return this.bufferedBytes;
  }

  private async readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const { done, value } = await reader.read();
    if (done) {
      this.done = true;
      return;
    }
    if (!(value instanceof Uint8Array)) throw new TypeError('source stream must yield Uint8Array chunks');
    if (value.length === 0) return;
    this.chunks.push(value);
    this.bufferedBytes += value.length;
  }

  private async readIntoWindow(reader: ReadableStreamBYOBReader, n: number): Promise<void> {
    this.makeRoom(n);
    // Fills the whole free part of the window (fewer, larger reads), or what is left of the stream.
    const free = new Uint8Array(this.window.buffer as ArrayBuffer, this.end, this.window.length - this.end);
    const read = await readAtLeast(reader, free);
    if (read.buffer === null) {
      // Only a cancel while the read waited takes the buffer: nothing more will be read.
      this.window = EMPTY;
      this.start = this.end = this.bufferedBytes = 0;
      this.done = true;
      return;
    }
    // The read transferred the window's buffer to the view it returned.
    this.window = new Uint8Array(read.buffer);
    if (read.bytes !== null) {
      this.end += read.bytes.length;
      this.bufferedBytes += read.bytes.length;
    }
    if (read.done) this.done = true;
  }

  /** Makes the window able to hold `n` buffered bytes from `start`, with free space after `end`. */
  private makeRoom(n: number): void {
    if (this.window.length - this.start >= n && this.end < this.window.length) return;
    if (this.window.length >= n && this.bufferedBytes < this.window.length) {
      this.window.copyWithin(0, this.start, this.end);
    } else {
      const bigger = new Uint8Array(Math.max(n, WINDOW, 2 * this.window.length));
      bigger.set(this.window.subarray(this.start, this.end));
      this.window = bigger;
    }
    this.end -= this.start;
    this.start = 0;
  }

  /** True once the stream has ended and every buffered byte was taken. */
  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  /** The buffered byte at `index` (relative to the next unread byte); call fill first. */
  peekByte(index: number): number | undefined {
    if (index < 0 || index >= this.bufferedBytes) return undefined;
    if (this.byob !== null) return this.window[this.start + index];
    let i = index + this.head;
    for (const c of this.chunks) {
      if (i < c.length) return c[i];
      i -= c.length;
    }
    return undefined;
  }

  /**
   * Reads up to and including the next `byte`, looking at most `max` bytes ahead. Returns the bytes
   * taken and whether they end with `byte`; without it (stream end or `max` reached) nothing is
   * taken and `found` is false, with `available` saying how many bytes were there to look at.
   */
  async readThrough(byte: number, max: number): Promise<{ found: true; bytes: Uint8Array } | { found: false; available: number }> {
    let scanned = 0;
    for (;;) {
      if (scanned >= max) return { found: false, available: scanned };
      const have = Math.min(await this.fill(scanned + 1), max);
      if (have <= scanned) return { found: false, available: have }; // the stream ended
      if (this.byob !== null) {
        for (let i = scanned; i < have; i++) {
          if (this.window[this.start + i] === byte) return { found: true, bytes: this.take(i + 1) };
        }
        scanned = have;
        continue;
      }
      // Walk to byte `scanned`, then look at the newly buffered bytes only.
      let ci = 0;
      let pos = this.head + scanned;
      while (pos >= this.chunks[ci]!.length) {
        pos -= this.chunks[ci]!.length;
        ci++;
      }
      for (let i = scanned; i < have; i++) {
        const c = this.chunks[ci]!;
        if (c[pos] === byte) return { found: true, bytes: this.take(i + 1) };
        if (++pos === c.length) {
          ci++;
          pos = 0;
        }
      }
      scanned = have;
    }
  }

  /** Takes min(n, buffered) bytes as an array the caller may keep. */
  take(n: number): Uint8Array {
    const count = Math.min(n, this.bufferedBytes);
    if (this.byob !== null) {
      const out = this.window.slice(this.start, this.start + count);
      this.consumeWindow(count);
      return out;
    }
    // A view when the bytes lie within one source chunk (chunks are never reused), else a copy.
    return this.takeChunks(count, (size) => new Uint8Array(size));
  }

  /**
   * Takes min(n, buffered) bytes as a view that is valid only until the next call on this reader
   * (its bytes may be overwritten or its buffer moved). Allocates no buffer.
   */
  borrow(n: number): Uint8Array {
    const count = Math.min(n, this.bufferedBytes);
    if (this.byob !== null) {
      const out = this.window.subarray(this.start, this.start + count);
      this.consumeWindow(count);
      return out;
    }
    return this.takeChunks(count, (size) => {
      if (this.scratch.length < size) this.scratch = new Uint8Array(size);
      return this.scratch.subarray(0, size);
    });
  }

  private consumeWindow(count: number): void {
    this.start += count;
    if (this.start === this.end) this.start = this.end = 0;
    this.bufferedBytes -= count;
    this.offset += count;
  }

  private takeChunks(count: number, target: (size: number) => Uint8Array): Uint8Array {
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first !== undefined && first.length - this.head >= count) {
      out = first.subarray(this.head, this.head + count);
      this.head += count;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    } else {
      out = target(count);
      let filled = 0;
      while (filled < count) {
        const c = this.chunks[0]!;
        const n2 = Math.min(c.length - this.head, count - filled);
        out.set(c.subarray(this.head, this.head + n2), filled);
        filled += n2;
        this.head += n2;
        if (this.head === c.length) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    this.bufferedBytes -= count;
    this.offset += count;
    return out;
  }

  /** Reads and takes up to `n` bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Uint8Array> {
    await this.fill(n);
    return this.take(n);
  }

  /** Reads and counts everything left, keeping none of it. */
  async skipToEnd(): Promise<number> {
    let skipped = 0;
    for (;;) {
      const n = await this.fill(1);
      if (n === 0) return skipped;
      skipped += n;
      this.offset += n;
      this.chunks = [];
      this.head = 0;
      this.start = this.end = 0;
      this.bufferedBytes = 0;
    }
  }

  /** Stops reading; the source is cancelled so it can release what it holds. */
  async cancel(reason?: unknown): Promise<void> {
    this.chunks = [];
    this.window = EMPTY;
    this.start = this.end = 0;
    this.bufferedBytes = 0;
    if (!this.done) {
      this.done = true;
      await (this.byob ?? this.reader!).cancel(reason).catch(() => undefined);
    }
  }
}
