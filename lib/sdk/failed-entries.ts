import { retry } from '../concurrency/retry.js';

/**
 * A batch call (`PutEvents`, `SendMessageBatch`, `BatchGetItem`) succeeded as a whole but the
 * service failed or left some entries one by one. `detail` describes them for the final error.
 */
export class EntriesFailed<T> extends Error {
  constructor(
    readonly detail: T,
    readonly transient: boolean,
  ) {
    super('some entries of a batch call failed');
  }
}

/**
 * Runs `round` again while it throws {@link EntriesFailed} that may clear (`transient`),
 * up to `maxAttempts` rounds with full-jitter backoff (`baseDelayMs`, default 200 ms,
 * doubling to at most 2 s); `round` keeps the entries still to send, so accepted ones are
 * never sent twice. The SDK already retries a call that fails as a whole. What is left when
 * the rounds are spent, or is permanent, becomes `giveUp`'s error; any other failure
 * propagates as it is.
 */
export function retryFailedEntries<T>(
  round: () => Promise<void>,
  options: {
    maxAttempts: number;
    baseDelayMs?: number;
    sleep: (ms: number) => Promise<void>;
    giveUp: (detail: T, attempts: number, transient: boolean) => Error;
  },
): Promise<void> {
  return retry(round, {
    policy: {
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? 200,
      maxDelayMs: 2_000,
    },
    retryable: (err) => err instanceof EntriesFailed && err.transient,
    giveUp: (err, attempts) =>
      err instanceof EntriesFailed ? options.giveUp(err.detail as T, attempts, err.transient) : err,
    sleep: options.sleep,
  });
}
