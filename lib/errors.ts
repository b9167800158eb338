/**
 * The base of the product's errors, below every other room so each can extend it: the port
 * failures (`PortError` in `lib/ports.ts`, which the adapters' errors extend) and the domain's (`InvalidCustomerError`, `InvalidCustomerIdError`).
 */

/**
 * An error of piriod-mirror: it says what went wrong and whether trying again later may help
 * (`retryable`). That flag is the one answer to "retry?", read through {@link isRetryable}:
 * by the retry loop, the Piriod client and every customer's outcome.
 *
 * @example
 * ```ts
 * throw new PiriodMirrorError('DynamoDB throttled the write', { retryable: true });
 * ```
 */
export class PiriodMirrorError extends Error {
  override readonly name: string = 'PiriodMirrorError';
  /** Whether the same call may succeed later (a timeout, a 5xx, throttling). */
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Whether a later attempt may fix `err`: a {@link PiriodMirrorError} that says so. Anything
 * else (a bug, an unknown error) is not retryable.
 */
export function isRetryable(err: unknown): boolean {
  return err instanceof PiriodMirrorError && err.retryable;
}
