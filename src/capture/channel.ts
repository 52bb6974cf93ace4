// The page's end of the capture port: it turns the engine's operations and media into bounded
// port messages (at most PORT_LIMITS.maxItems items or maxItemChars of JSON each; media in base64
// pieces of maxMediaPiece bytes) and sends them with acknowledgement-based flow control: at most
// PORT_LIMITS.window messages unacknowledged, so the page never runs ahead of the worker.
import type { CapturedItem, MediaSource } from './adapter';
import type { CaptureSink } from './engine';
import type { FetchedMedia } from './media';
import {
  PORT_LIMITS,
  type BeginMessage,
  type CaptureProblem,
  type ItemOp,
  type PageToWorkerPort,
  type RefusalReason,
  type WorkerToPagePort,
} from './protocol';
import type { StopReason } from '../export/types';

/** The part of runtime.Port the channel uses (tests pass a pair of fakes). */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}

export class CaptureRefusedError extends Error {
  override readonly name = 'CaptureRefusedError';
  constructor(readonly reason: RefusalReason) {
    super(`the worker refused the capture: ${reason}`);
  }
}

export type SaveResult = Extract<WorkerToPagePort, { t: 'saved' }> | Extract<WorkerToPagePort, { t: 'failed' }>;

type Limits = { readonly [K in keyof typeof PORT_LIMITS]: number };

export class CaptureChannel implements CaptureSink {
  private seq = 0;
  private readonly unacked = new Set<number>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private begun: { resolve: (m: WorkerToPagePort) => void; reject: (e: Error) => void } | null = null;
  private ended: { resolve: (m: SaveResult) => void; reject: (e: Error) => void } | null = null;
  private readonly disconnectListeners: (() => void)[] = [];
  private readonly pinger: ReturnType<typeof setInterval>;

  constructor(
    private readonly port: PortLike,
    private readonly limits: Limits = PORT_LIMITS,
  ) {
    port.onMessage.addListener((message) => this.receive(message as WorkerToPagePort));
    port.onDisconnect.addListener(() => this.close());
    // The worker must outlive quiet stretches (a pause, a slow batch, its own encrypting at the end).
    this.pinger = setInterval(() => {
      try {
        if (!this.closed) this.post({ t: 'ping' });
      } catch {
        // the port is gone: close() has told the listeners
      }
    }, limits.pingMs);
  }

  /** Called once if the worker goes away before the capture ended (extension reloaded or updated). */
  onDisconnect(listener: () => void): void {
    this.disconnectListeners.push(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async begin(message: Omit<BeginMessage, 't'>): Promise<void> {
    const answer = await new Promise<WorkerToPagePort>((resolve, reject) => {
      this.begun = { resolve, reject };
      this.post({ t: 'begin', ...message });
    });
    if (answer.t === 'refused') throw new CaptureRefusedError(answer.reason);
  }

  async items(ops: ItemOp[]): Promise<void> {
    let batch: ItemOp[] = [];
    let count = 0;
    let chars = 0;
    for (const op of ops) {
      // An insert larger than one message is split into consecutive runs.
      const parts = op.op === 'insert' ? this.splitInsert(op) : [op];
      for (const part of parts) {
        const size = part.op === 'insert' ? part.items.length : 1;
        const partChars = JSON.stringify(part).length;
        if (batch.length > 0 && (count + size > this.limits.maxItems || chars + partChars > this.limits.maxItemChars)) {
          await this.send({ t: 'items', seq: 0, ops: batch });
          batch = [];
          count = 0;
          chars = 0;
        }
        batch.push(part);
        count += size;
        chars += partChars;
      }
    }
    if (batch.length > 0) await this.send({ t: 'items', seq: 0, ops: batch });
  }

  async media(source: MediaSource, fetched: FetchedMedia): Promise<void> {
    const { mediaKey } = source;
    if (!fetched.ok) {
      await this.send({ t: 'media-failed', seq: 0, mediaKey, reason: fetched.reason });
      return;
    }
    const bytes = fetched.bytes;
    const sha256 = await sha256Hex(bytes);
    const mime = fetched.mime ?? source.mime;
    await this.send({
      t: 'media-begin',
      seq: 0,
      mediaKey,
      size: bytes.length,
      sha256,
      ...(mime ? { mime } : {}),
      ...(source.name ? { name: source.name } : {}),
      ...(source.url.startsWith('blob:') ? {} : { url: source.url }),
    });
    for (let at = 0; at < bytes.length; at += this.limits.maxMediaPiece) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + this.limits.maxMediaPiece));
      await this.send({ t: 'media-data', seq: 0, mediaKey, base64: toBase64(piece) });
    }
    await this.send({ t: 'media-end', seq: 0, mediaKey });
  }

  /** Ends the capture; resolves with what the worker made of it. */
  async end(result: { stopReason: StopReason; reachedStart: boolean; problems: CaptureProblem[]; finishedAt: string }): Promise<SaveResult> {
    const answer = new Promise<SaveResult>((resolve, reject) => {
      this.ended = { resolve, reject };
    });
    await this.send({ t: 'end', seq: 0, ...result });
    return answer;
  }

  /** Nothing is kept: the worker aborts the backup. */
  cancel(): void {
    if (this.closed) return;
    try {
      this.port.postMessage({ t: 'cancel' } satisfies PageToWorkerPort);
    } catch {
      // the worker is gone already: nothing was kept there either
    }
    this.port.disconnect();
    this.close(false);
  }

  private splitInsert(op: Extract<ItemOp, { op: 'insert' }>): ItemOp[] {
    const parts: ItemOp[] = [];
    let run: CapturedItem[] = [];
    let chars = 0;
    let place = op.place;
    for (const item of op.items) {
      const c = JSON.stringify(item).length;
      if (run.length > 0 && (run.length >= this.limits.maxItems || chars + c > this.limits.maxItemChars)) {
        parts.push({ op: 'insert', place, items: run });
        place = { after: run[run.length - 1]!.key };
        run = [];
        chars = 0;
      }
      run.push(item);
      chars += c;
    }
    if (run.length > 0) parts.push({ op: 'insert', place, items: run });
    return parts;
  }

  private async send(message: Extract<PageToWorkerPort, { seq: number }>): Promise<void> {
    while (!this.closed && this.unacked.size >= this.limits.window) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.closed) throw new ChannelClosedError('the capture port is closed');
    const seq = ++this.seq;
    this.unacked.add(seq);
    this.post({ ...message, seq } as PageToWorkerPort);
  }

  private post(message: PageToWorkerPort): void {
    try {
      this.port.postMessage(message);
    } catch {
      this.close();
      throw new ChannelClosedError('the capture port is closed');
    }
  }

  private receive(message: WorkerToPagePort): void {
    switch (message.t) {
      case 'ready':
      case 'refused':
        this.begun?.resolve(message);
        this.begun = null;
        return;
      case 'ack': {
        this.unacked.delete(message.seq);
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
        return;
      }
      case 'saved':
      case 'failed':
        this.ended?.resolve(message);
        this.ended = null;
        return;
    }
  }

  private close(notify = true): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    const error = new ChannelClosedError('the capture port closed');
    this.begun?.reject(error);
    this.ended?.reject(error);
    this.begun = null;
    this.ended = null;
    for (const w of this.waiters) w();
    this.waiters = [];
    if (notify) for (const l of this.disconnectListeners) l();
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
