/**
 * The base of the product's errors, below every other part so any can extend it: the port
 * failures ({@link PortError}, which the adapters' errors extend; `lib/ports.ts` re-exports
 * it) and the domain's (`InvalidCustomerError`, `InvalidCustomerIdError`). Errors that are
 * never a retry decision (configuration, usage, a run's abort) keep extending `Error`.
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

/**
 * What went wrong, in the terms the use cases decide on, whichever adapter it came from:
 * - `credentials-rejected`: the service refused the credentials (Piriod's token): nothing
 *   else can succeed, so a run stops, and a retry will not help until they are fixed;
 * - `deadline`: no attempt was started, as none could finish before the caller's deadline
 *   (nothing was asked; a later invocation may try again);
 * - `unavailable`: the service cannot be reached or used at all (the table: unreachable, or
 *   our AWS credentials refused): no call can succeed now, so a run stops;
 * - `network`, `timeout`, `throttled`: this call failed on the way, and may pass later;
 * - `not-found`: what was asked for does not exist;
 * - `failed`: anything else (the message says what).
 */
export type FailureKind =
  | 'credentials-rejected'
  | 'deadline'
  | 'unavailable'
  | 'network'
  | 'timeout'
  | 'throttled'
  | 'not-found'
  | 'failed';

/**
 * A port's failure, of a {@link FailureKind}. Adapters' errors extend it (Piriod's by kind,
 * the table's), so a use case decides on `kind` and `retryable` (the product's one answer to
 * "retry?", {@link isRetryable}), never on an adapter's class.
 */
export class PortError extends PiriodMirrorError {
  override readonly name: string = 'PortError';
  readonly kind: FailureKind;

  constructor(
    message: string,
    options: { kind?: FailureKind; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options);
    this.kind = options.kind ?? 'failed';
  }
}

/** Whether `err` is a port's failure of `kind`. */
export function isFailure(err: unknown, kind: FailureKind): err is PortError {
  return err instanceof PortError && err.kind === kind;
}
