// The writer's ciphertext as a ReadableStream that applies back-pressure: bytes go out only while
// the consumer has a read waiting, so the writer is never more than one read (a chunk, or the
// buffer the consumer brought) ahead of whoever stores or uploads the file. A consumer that
// cancels, or a writer that fails, ends it.
//
// It is a byte stream. A default reader gets the sealed chunks themselves (handed over, not
// copied). A reader that brings its own buffer (BYOB: a file writer, an uploader filling parts)
// has the bytes copied into it, as many chunks as fit before its read completes, and each sealed
// chunk is then given back to the cipher to free at once (`release`): that way a whole backup
// leaves no dead 64 KiB buffers, and few per-read objects, for the collector.

export class CiphertextStream {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableByteStreamController;
  /** Set while a read is waiting (the stream called pull): resolving it lets the stream pull again. */
  private demand: (() => void) | null = null;
  /** Bytes written into the waiting BYOB read's buffer and not yet handed back. */
  private filled = 0;
  private waiter: { resolve: () => void; reject: (reason: unknown) => void } | null = null;
  private ended: { reason: unknown } | null = null;

  /**
   * @param first the file's first bytes (a buffer the outbox may hand over).
   * @param release called with each pushed chunk whose bytes were all copied into a consumer's
   *   buffer: nothing refers to it any more.
   */
  constructor(
    first: Uint8Array,
    private readonly release?: (chunk: Uint8Array) => void,
  ) {
    this.stream = new ReadableStream(
      {
        type: 'bytes',
        start: (controller) => {
          this.controller = controller;
          if (first.length > 0) controller.enqueue(first as Uint8Array<ArrayBuffer>);
        },
        pull: () =>
          new Promise<void>((resolve) => {
            this.demand = resolve;
            this.wake();
          }),
        cancel: (reason) => this.end(reason ?? new Error('the ciphertext stream was cancelled')),
      },
      { highWaterMark: 0 },
    ) as ReadableStream<Uint8Array>;
  }

  /**
   * Hands `chunk` to the consumer as it reads; resolves once all of it went out (into a
   * consumer's buffer, or handed over). `chunk` must be a buffer the caller gives up: it may be
   * transferred to the consumer. Throws once the stream has ended.
   */
  async push(chunk: Uint8Array): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      while (this.demand === null) {
        if (this.ended !== null) throw this.ended.reason;
        await new Promise<void>((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      }
      if (this.ended !== null) throw this.ended.reason;
      const view = this.controller.byobRequest?.view;
      if (view == null) {
        // A default reader: the chunk itself (the rest of it) goes out.
        this.controller.enqueue((at === 0 ? chunk : chunk.subarray(at)) as Uint8Array<ArrayBuffer>);
        this.answer();
        return;
      }
      // The consumer's buffer is filled across chunks and handed back once full (or at the end):
      // one read per buffer, however small the chunks.
      const n = Math.min(view.byteLength - this.filled, chunk.length - at);
      new Uint8Array(view.buffer, view.byteOffset + this.filled, n).set(chunk.subarray(at, at + n));
      this.filled += n;
      at += n;
      if (this.filled === view.byteLength) this.respond();
    }
    this.release?.(chunk);
  }

  close(): void {
    if (this.ended !== null) return;
    this.ended = { reason: new Error('the ciphertext stream is closed') };
    if (this.filled > 0) this.respond();
    this.controller.close();
    // A BYOB read waiting when the stream closes is answered with its empty view.
    this.controller.byobRequest?.respond(0);
    this.answer();
  }

  /** Completes the consumer's BYOB read with the bytes written into its buffer so far. */
  private respond(): void {
    const filled = this.filled;
    this.filled = 0;
    this.controller.byobRequest!.respond(filled);
    this.answer();
  }

  /** The waiting read was served: the stream may pull again. */
  private answer(): void {
    const answered = this.demand;
    this.demand = null;
    answered?.();
  }

  /** Errors the stream (the consumer's read rejects with `reason`) and stops a waiting push. */
  error(reason: unknown): void {
    if (this.ended !== null) return;
    this.controller.error(reason);
    this.end(reason);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.resolve();
  }

  private end(reason: unknown): void {
    this.ended ??= { reason };
    const w = this.waiter;
    this.waiter = null;
    w?.reject(reason);
  }
}
