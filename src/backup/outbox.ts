// The writer's ciphertext as a ReadableStream that applies back-pressure: `push` resolves only
// while the consumer keeps up (a few chunks queued at most), so the writer never runs ahead of
// whoever stores or uploads the file. A consumer that cancels, or a writer that fails, ends it.

export class Outbox {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private waiter: { resolve: () => void; reject: (reason: unknown) => void } | null = null;
  private ended: { reason: unknown } | null = null;

  /** @param highWaterMark chunks queued before `push` waits for the consumer. */
  constructor(first: Uint8Array, highWaterMark = 2) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
          controller.enqueue(first);
        },
        pull: () => this.wake(),
        cancel: (reason) => this.end(reason ?? new Error('the ciphertext stream was cancelled')),
      },
      { highWaterMark },
    );
  }

  /** Queues a chunk; resolves once the queue has room again. Throws once the stream has ended. */
  async push(chunk: Uint8Array): Promise<void> {
    if (this.ended !== null) throw this.ended.reason;
    this.controller.enqueue(chunk);
    while (this.ended === null && (this.controller.desiredSize ?? 0) <= 0) {
      await new Promise<void>((resolve, reject) => {
        this.waiter = { resolve, reject };
      });
    }
  }

  close(): void {
    if (this.ended !== null) return;
    this.ended = { reason: new Error('the ciphertext stream is closed') };
    this.controller.close();
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
