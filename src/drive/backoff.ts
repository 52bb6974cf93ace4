// Truncated exponential backoff with full jitter (each wait uniformly random below a ceiling that
// doubles per attempt up to a cap), as Google asks of Drive clients: many clients failing together
// spread their retries instead of returning in step. Sleep and randomness are injected so tests
// run instantly and see every delay.
import { DriveError } from './errors';

export interface BackoffPolicy {
  /** The first ceiling. */
  baseMs: number;
  /** No ceiling exceeds this (Google suggests 32-64 s). */
  capMs: number;
  /** Retries after the first attempt; the error of the last one is thrown. */
  maxRetries: number;
}

// Six retries wait at most 1+2+4+8+16+32 s: about a minute in the worst case, half on average.
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 32_000, maxRetries: 6 };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** setTimeout as a promise that an AbortSignal cuts short (rejecting with the signal's reason). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The ceiling for retry number `attempt` (0 = the first retry): min(cap, base · 2^attempt). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
}

/**
 * How long to wait before retry number `attempt`: uniform in [0, ceiling), but never less than a
 * Retry-After the server sent (capped too, so a silly header cannot stall an upload for hours).
 */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF, retryAfterMs?: number): number {
  const jittered = Math.floor(random() * backoffCeiling(attempt, policy));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.capMs));
}

export interface RetryContext {
  sleep: Sleep;
  random: () => number;
  policy?: BackoffPolicy;
  signal?: AbortSignal;
  /** Called before each wait (logging, progress "retrying in N s"). */
  onRetry?: (info: { attempt: number; delayMs: number; error: DriveError }) => void;
}

/**
 * Runs `op` until it succeeds, throws something not retryable, or has failed `maxRetries + 1`
 * times. Only DriveErrors that say `retryable` are retried; anything else is thrown at once.
 */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, context: RetryContext): Promise<T> {
  const policy = context.policy ?? DEFAULT_BACKOFF;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (error) {
      if (!(error instanceof DriveError) || !error.retryable || attempt >= policy.maxRetries) throw error;
      if (context.signal?.aborted === true) throw context.signal.reason;
      const delayMs = backoffDelay(attempt, context.random, policy, error.retryAfterMs);
      context.onRetry?.({ attempt, delayMs, error });
      await context.sleep(delayMs, context.signal);
    }
  }
}
