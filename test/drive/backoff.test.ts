import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF, realSleep, withRetry } from '../../src/drive/backoff';
import { DriveError } from '../../src/drive/errors';

const policy = { baseMs: 1000, capMs: 32_000, maxRetries: 6 };

describe('backoffDelay', () => {
  it('has ceilings that double per attempt and stop at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffCeiling(n, policy))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 32_000, 32_000, 32_000,
    ]);
  });

  it('waits a uniformly random part of the ceiling (full jitter)', () => {
    expect(backoffDelay(3, () => 0, policy)).toBe(0);
    expect(backoffDelay(3, () => 0.5, policy)).toBe(4000);
    expect(backoffDelay(3, () => 0.999_999, policy)).toBe(7999);
    expect(backoffDelay(10, () => 0.999_999, policy)).toBeLessThan(32_000);
  });

  it('honours Retry-After as a floor, within the cap', () => {
    expect(backoffDelay(0, () => 0.1, policy, 5000)).toBe(5000);
    expect(backoffDelay(0, () => 0.1, policy, 3_600_000)).toBe(32_000);
    expect(backoffDelay(5, () => 0.9, policy, 10)).toBe(28_800);
  });

  it('defaults to Google’s suggestion: 1 s doubling to 32 s, six retries', () => {
    expect(DEFAULT_BACKOFF).toEqual(policy);
  });
});

describe('withRetry', () => {
  it('retries retryable DriveErrors with growing jittered waits, then succeeds', async () => {
    const waits: number[] = [];
    const randoms = [0.9, 0.3, 0.7];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls <= 3) throw new DriveError('server', 'HTTP 503', { status: 503 });
        return 'ok';
      },
      { sleep: async (ms) => void waits.push(ms), random: () => randoms.shift() ?? 0, policy },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(waits).toEqual([900, 600, 2800]);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new DriveError('network', `attempt ${calls}`);
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.999, policy },
    );
    await expect(failing).rejects.toThrow('attempt 7');
    expect(calls).toBe(7);
    expect(waits).toEqual([999, 1998, 3996, 7992, 15_984, 31_968]);
  });

  it('does not retry errors that are not retryable, nor foreign errors', async () => {
    for (const error of [new DriveError('quota', 'full'), new DriveError('bad-request', 'bad'), new TypeError('bug')]) {
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
            throw error;
          },
          { sleep: async () => undefined, random: () => 0.5, policy },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });
});

describe('realSleep', () => {
  it('waits, and an abort cuts the wait short with the signal’s reason', async () => {
    const before = Date.now();
    await realSleep(20);
    expect(Date.now() - before).toBeGreaterThanOrEqual(15);
    const controller = new AbortController();
    const sleeping = realSleep(60_000, controller.signal);
    controller.abort(new Error('paused'));
    await expect(sleeping).rejects.toThrow('paused');
  });
});
