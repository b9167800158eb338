import { isRetryable } from '../errors.js';
import { sleep as realSleep } from './sleep.js';

/** How an operation is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff ceiling in ms; doubles each attempt. 0 retries at once. */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms. */
  maxDelayMs: number;
  /** A server's `Retry-After` is honoured up to this many ms, so a hostile value cannot stall a run. */
  maxRetryAfterMs: number;
}

/** The Piriod client's policy: 5 attempts, 200 ms doubling to 10 s, `Retry-After` up to 30 s. */
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

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Attempts and waits; fields left out take {@link DEFAULT_RETRY_POLICY}'s. */
  policy?: Partial<RetryPolicy>;
  /** Whether a failure may clear on a later attempt. Default: {@link isRetryable}. */
  retryable?: (err: unknown) => boolean;
  /** A floor for the next wait the failure itself asks for (an HTTP `Retry-After`). */
  retryAfterMs?: (err: unknown) => number | undefined;
  /**
   * Whether there is time to wait `delayMs` and make another attempt (a caller's deadline).
   * False gives up with the last failure, so no wait ever sleeps past the deadline. Default:
   * always.
   */
  mayRetry?: (delayMs: number) => boolean;
  /**
   * What to throw once no attempt is left (or the failure is permanent), from the last
   * failure and the attempts made; `outOfTime` when `mayRetry` refused the next attempt.
   * Default: the last failure as it is.
   */
  giveUp?: (err: unknown, attempts: number, outOfTime: boolean) => unknown;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Runs `attempt` until it resolves: a failure `retryable` says may clear waits
 * {@link backoffDelay} and tries again, up to `policy.maxAttempts` attempts in all, and while
 * `mayRetry` says the wait and the next attempt still fit; any other failure, or the last
 * one, goes through `giveUp` and is thrown. The one retry loop of the
 * project: Piriod requests, AWS entries a batch call failed one by one, DynamoDB keys left
 * unprocessed and conditional-write races all go through it.
 *
 * @param attempt called with the attempt number, from 1. An operation that makes progress
 *   between attempts (a batch whose accepted entries are done) keeps that state itself.
 */
export async function retry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const retryable = options.retryable ?? isRetryable;
  const wait = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!retryable(err) || n >= policy.maxAttempts) {
        throw options.giveUp ? options.giveUp(err, n, false) : err;
      }
      const delay = backoffDelay(policy, n, random, options.retryAfterMs?.(err));
      if (options.mayRetry && !options.mayRetry(delay)) {
        throw options.giveUp ? options.giveUp(err, n, true) : err;
      }
      if (delay > 0) await wait(delay);
    }
  }
}
