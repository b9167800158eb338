/** How the client retries a failed request. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts: number;
  /** First backoff ceiling in ms; doubles each attempt. Default 200. */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms. Default 10 000. */
  maxDelayMs: number;
  /** `Retry-After` is honoured up to this many ms, so a hostile value cannot stall a run. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 30_000,
};

/**
 * Exponential backoff with full jitter (a uniform draw in `[0, ceiling)`), so many clients
 * that failed together do not retry together. `Retry-After`, when given, is a floor.
 *
 * @param attempt the attempt that just failed, from 1.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date. Returns ms from `now`, or
 * `undefined` when absent or unparseable.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
