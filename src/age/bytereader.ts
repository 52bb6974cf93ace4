// Pull-based reading of a ReadableStream<Uint8Array> by exact byte counts, with look-ahead, so the
// header parser and the STREAM decryptor can ask "is there more?" without consuming it. Only what
// the caller asked for (plus at most one source chunk) is held in memory.

export class ByteReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private chunks: Uint8Array[] = [];
  private head = 0; // bytes already consumed from chunks[0]
  private bufferedBytes = 0;
  private done = false;
  /** Bytes consumed so far (the file offset of the next byte `take` returns). */
  offset = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Bytes available without reading further. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /** Reads until at least `n` bytes are buffered or the stream ends; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    while (this.bufferedBytes < n && !this.done) {
      const { done, value } = await this.reader.read();
      if (done) {
        this.done = true;
        break;
      }
      if (!(value instanceof Uint8Array)) throw new TypeError('source stream must yield Uint8Array chunks');
      if (value.length === 0) continue;
      this.chunks.push(value);
      this.bufferedBytes += value.length;
    }
    return this.bufferedBytes;
  }

  /** True once the stream has ended and every buffered byte was taken. */
  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  /** The buffered byte at `index` (relative to the next unread byte); call fill first. */
  peekByte(index: number): number | undefined {
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

  /** Takes min(n, buffered) bytes as one array (a copy unless it lies within one source chunk). */
  take(n: number): Uint8Array {
    const count = Math.min(n, this.bufferedBytes);
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
      out = new Uint8Array(count);
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
      this.bufferedBytes = 0;
    }
  }

  /** Stops reading; the source is cancelled so it can release what it holds. */
  async cancel(reason?: unknown): Promise<void> {
    this.chunks = [];
    this.bufferedBytes = 0;
    if (!this.done) {
      this.done = true;
      await this.reader.cancel(reason).catch(() => undefined);
    }
  }
}
