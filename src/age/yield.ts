// Giving the event loop back during long encryptions and decryptions. When every read and write
// the backup path awaits settles at once (bytes in memory, a sink that returns immediately), a
// whole backup runs as one chain of microtasks: a service worker could not answer a message for
// the half-minute a 512 MiB backup takes. The writer and the payload decryptor therefore yield a
// real task every YIELD_INTERVAL bytes.
//
// Not scheduler.yield(): its continuation is queued ahead of other tasks of the same priority, so
// extension messages could still wait behind it. setImmediate (Node) and a MessageChannel
// (browsers) queue a task without setTimeout's 4 ms clamp on nested timers.

/** Bytes of work between two yields: ~1-10 ms of work, so a yield costs well under 1%. */
export const YIELD_INTERVAL = 2 * 1024 * 1024;

type Immediate = (callback: () => void) => unknown;

let channel: { port: MessagePort; waiting: (() => void)[] } | undefined;

function viaMessageChannel(): Promise<void> {
  if (channel === undefined) {
    const mc = new MessageChannel();
    const waiting: (() => void)[] = [];
    mc.port1.onmessage = () => waiting.shift()?.();
    channel = { port: mc.port2, waiting };
  }
  const { port, waiting } = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}

/** Resolves in a later task of the event loop (not a microtask). */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => void immediate(resolve));
  if (typeof MessageChannel === 'function') return viaMessageChannel();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Counts bytes of work and yields once every YIELD_INTERVAL of them. */
export class YieldCounter {
  private since = 0;
  constructor(private readonly interval = YIELD_INTERVAL) {}

  /** Adds `bytes` of work; yields when the interval is reached. */
  async add(bytes: number): Promise<void> {
    this.since += bytes;
    if (this.since < this.interval) return;
    this.since = 0;
    await yieldToEventLoop();
  }
}
