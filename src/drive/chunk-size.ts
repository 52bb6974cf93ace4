// How many bytes to send in the next resumable-upload chunk. Chrome stops a service worker whose
// fetch has not started answering within 30 s, and Drive answers a chunk only once it has all of
// it, so each chunk must finish well within that: we aim for `targetMs` (8 s) at the speed the
// previous chunks measured. Drive wants multiples of 256 KiB (except the last chunk).

export const CHUNK_UNIT = 256 * 1024;

export interface ChunkSizeOptions {
  /** Smallest chunk (rounded up to a multiple of 256 KiB). */
  minBytes?: number;
  /** Largest chunk (rounded down to a multiple of 256 KiB). */
  maxBytes?: number;
  /** How long one chunk should take at the measured speed. */
  targetMs?: number;
  /** The first chunk, before anything was measured. */
  initialBytes?: number;
  /** The most a chunk may grow over the previous one (a fast small sample is a weak promise). */
  maxGrowth?: number;
}

export const DEFAULT_CHUNK_SIZE: Required<ChunkSizeOptions> = {
  minBytes: CHUNK_UNIT,
  maxBytes: 64 * 1024 * 1024,
  targetMs: 8000,
  initialBytes: 1024 * 1024,
  maxGrowth: 4,
};

function roundDown(bytes: number): number {
  return Math.floor(bytes / CHUNK_UNIT) * CHUNK_UNIT;
}

export class ChunkSizer {
  private readonly min: number;
  private readonly max: number;
  private readonly targetMs: number;
  private readonly maxGrowth: number;
  private current: number;
  private speed: number | undefined;

  constructor(options: ChunkSizeOptions = {}) {
    const o = { ...DEFAULT_CHUNK_SIZE, ...options };
    this.min = Math.max(CHUNK_UNIT, Math.ceil(o.minBytes / CHUNK_UNIT) * CHUNK_UNIT);
    this.max = Math.max(this.min, roundDown(o.maxBytes));
    this.targetMs = o.targetMs;
    this.maxGrowth = Math.max(1, o.maxGrowth);
    this.current = this.clamp(roundDown(o.initialBytes));
  }

  private clamp(bytes: number): number {
    return Math.min(this.max, Math.max(this.min, bytes));
  }

  /** The size of the next chunk: a multiple of 256 KiB within the bounds. */
  get size(): number {
    return this.current;
  }

  /** Measured bytes per second (smoothed), once a chunk has been timed. */
  get bytesPerSecond(): number | undefined {
    return this.speed === undefined ? undefined : this.speed * 1000;
  }

  /**
   * A chunk of `bytes` took `ms` from sending to Drive's answer. The estimate follows the newest
   * chunk most (half weight); the next size aims at `targetMs`, grows at most `maxGrowth` times,
   * and shrinks at once when the network slowed down.
   */
  record(bytes: number, ms: number): void {
    if (bytes <= 0) return;
    const sample = bytes / Math.max(1, ms);
    this.speed = this.speed === undefined ? sample : (this.speed + sample) / 2;
    const wanted = roundDown(this.speed * this.targetMs);
    this.current = this.clamp(Math.min(wanted, this.current * this.maxGrowth));
  }

  /** A chunk failed (timeout, cut connection): try half as much next time. */
  failed(): void {
    this.current = this.clamp(roundDown(this.current / 2));
  }
}
