import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Who builds AWS SDK clients: one of the stack's functions, or the CLI (and local tools). */
export type SdkCaller =
  | 'receive-webhook'
  | 'publish-changes'
  | 'refresh-customers'
  | 'full-mirror'
  | 'cli';

/** How long one AWS SDK call may take, per attempt and in attempts. */
export interface SdkBudget {
  /** TCP connection to the endpoint, in ms. */
  connectionTimeoutMs: number;
  /**
   * One attempt, from sending the request to the end of the answer, in ms. Exceeding it
   * throws a `TimeoutError` (the SDK treats it as transient and retries).
   */
  requestTimeoutMs: number;
  /** Attempts per call, the SDK's own retries included. */
  maxAttempts: number;
}

/**
 * The SDK budget of each caller. Without these, a stalled endpoint (connection accepted,
 * no answer) holds a call until the socket's idle timeout — minutes — and the function is
 * killed by its own timeout with nothing reported. Each timed-out attempt is retried by the
 * SDK, so a call's worst case is `maxAttempts × requestTimeoutMs` plus backoff (at most
 * ~0.1 s × 2^n per retry); that worst case is what is sized against the function's
 * timeout (infra/mirror-function.ts). A timed-out attempt may still have been applied,
 * so its retry can send a message or event twice: harmless here (refreshes are idempotent,
 * "Customer Changed" is at least once), but the reason per-attempt limits stay far above
 * AWS's normal latency (tens of milliseconds) and slow-but-successful answers.
 */
export const SDK_BUDGETS: Readonly<Record<SdkCaller, SdkBudget>> = {
  // 10 s function, but Piriod waits only 6 s for the answer: a (cold) secret read plus one
  // PutEvents, each ≤ 2 × 1 s + backoff, still answers 500 in time for Piriod to retry.
  'receive-webhook': { connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 2 },
  // 30 s function: a stalled PutEvents fails within ~13 s, and the handler reports the
  // first unpublished record for the stream to redeliver.
  'publish-changes': { connectionTimeoutMs: 1_000, requestTimeoutMs: 4_000, maxAttempts: 3 },
  // 60 s function with a batch of messages: each call ≤ 3 × 5 s + backoff (~16 s), so a
  // stalled table or queue hands the batch back to SQS well before the deadline. Three
  // attempts (not DynamoDB's usual six): SQS retries a throttled refresh anyway.
  'refresh-customers': { connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, maxAttempts: 3 },
  // 15 min function that keeps ≥ 10 s (20 % of the remaining time) in reserve: six attempts
  // ride out throttling on big batches; a stalled call still fails within ~70 s.
  'full-mirror': { connectionTimeoutMs: 2_000, requestTimeoutMs: 10_000, maxAttempts: 6 },
  // A person or a script waiting, possibly on a loaded DynamoDB Local: generous, but a
  // stalled endpoint still ends the command with an error instead of hanging.
  cli: { connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000, maxAttempts: 6 },
};

/** The SDK's backoff before retry `n` is at most min(20 s, 100 ms × 2^n) for a timeout. */
const MAX_BACKOFF_MS = 20_000;
const BACKOFF_BASE_MS = 100;

/**
 * The longest one SDK call can take under `budget` when every attempt times out: each
 * attempt's request timeout plus the SDK's longest backoff between attempts.
 */
export function worstCaseCallMs(budget: SdkBudget): number {
  let total = budget.maxAttempts * budget.requestTimeoutMs;
  for (let n = 1; n < budget.maxAttempts; n++) {
    total += Math.min(MAX_BACKOFF_MS, BACKOFF_BASE_MS * 2 ** n);
  }
  return total;
}

/**
 * The HTTP handler of every SDK client: connection and per-attempt timeouts that throw.
 * `throwOnRequestTimeout` matters: without it `requestTimeout` only logs a warning.
 */
export function sdkRequestHandler(budget: SdkBudget): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: budget.connectionTimeoutMs,
    requestTimeout: budget.requestTimeoutMs,
    throwOnRequestTimeout: true,
  });
}
