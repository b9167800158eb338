import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, retry } from '../../../lib/concurrency/retry.js';
import { PiriodMirrorError } from '../../../lib/errors.js';
import { parseRetryAfter } from '../../../lib/piriod/retry-after.js';

describe('backoffDelay', () => {
  it('draws uniformly below an exponentially growing, capped ceiling (full jitter)', () => {
    const top = () => 0.999999;
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, top)).toBe(199);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, top)).toBe(799);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 20, top)).toBe(9999);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, () => 0)).toBe(0);
  });

  it('uses Retry-After as a floor, capped so a hostile value cannot stall a run', () => {
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, () => 0, 2000)).toBe(2000);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, () => 0, 3_600_000)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('retry', () => {
  const transient = () => new PiriodMirrorError('try again', { retryable: true });
  const waits: number[] = [];
  const fast = { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 };

  it('retries a retryable failure with backoff until an attempt succeeds', async () => {
    waits.length = 0;
    const seen: number[] = [];
    const value = await retry(async (n) => {
      seen.push(n);
      if (n < 3) throw transient();
      return 'ok';
    }, fast);
    expect(value).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(waits).toEqual([100, 200]); // half of the 200 ms and 400 ms ceilings
  });

  it('throws a permanent failure at once, without waiting', async () => {
    waits.length = 0;
    let calls = 0;
    const permanent = new Error('no');
    await expect(
      retry(async () => {
        calls++;
        throw permanent;
      }, fast),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('stops after maxAttempts and lets giveUp say how many were made', async () => {
    let calls = 0;
    const err = await retry(
      async () => {
        calls++;
        throw transient();
      },
      {
        ...fast,
        policy: { maxAttempts: 4 },
        giveUp: (e, n) => new Error(`${(e as Error).message} ×${n}`),
      },
    ).catch((e: Error) => e);
    expect(calls).toBe(4);
    expect(err.message).toBe('try again ×4');
  });

  it("takes the failure's own wait as a floor, and retries at once with a zero base", async () => {
    waits.length = 0;
    await retry(
      async (n) => {
        if (n === 1) throw transient();
      },
      { ...fast, retryAfterMs: () => 1500 },
    );
    expect(waits).toEqual([1500]);
    waits.length = 0;
    await retry(
      async (n) => {
        if (n < 3) throw transient();
      },
      { ...fast, policy: { baseDelayMs: 0 } },
    );
    expect(waits).toEqual([]);
  });

  it("uses the caller's test of what is retryable", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('plain');
        },
        { ...fast, policy: { maxAttempts: 3 }, retryable: () => true },
      ),
    ).rejects.toThrow('plain');
    expect(calls).toBe(3);
  });

  it('gives up with the last failure, without waiting, once mayRetry says the next wait and attempt do not fit', async () => {
    waits.length = 0;
    const asked: number[] = [];
    const seen: [number, boolean][] = [];
    const last = await retry(
      async (n) => {
        throw Object.assign(transient(), { n });
      },
      {
        ...fast,
        mayRetry: (delay) => {
          asked.push(delay);
          return asked.length < 2;
        },
        giveUp: (err, attempts, outOfTime) => {
          seen.push([attempts, outOfTime]);
          return err;
        },
      },
    ).catch((err: { n: number }) => err.n);
    expect(last).toBe(2);
    expect(asked).toEqual([100, 200]);
    expect(waits).toEqual([100]);
    expect(seen).toEqual([[2, true]]);
  });
});
