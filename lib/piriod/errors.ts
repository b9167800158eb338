import { type FailureKind, PortError } from '../ports.js';

/**
 * Errors from talking to Piriod. Each says what happened and for which customer, never the
 * token, and carries `retryable` so callers branch on the type, not on message text. Each is
 * a {@link PortError} of its kind, which is all the use cases decide on.
 */
export abstract class PiriodError extends PortError {
  abstract override readonly kind: FailureKind;
  /** Whether the same request may succeed later (timeouts, 429, 5xx, network). */
  abstract override readonly retryable: boolean;
  /** HTTP status when Piriod answered. */
  readonly status: number | undefined;
  /** The customer the request was about, when it was about one. */
  readonly customerId: string | undefined;

  constructor(
    message: string,
    opts: { status?: number; customerId?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.status = opts.status;
    this.customerId = opts.customerId;
  }
}

/** 404: the customer does not exist (or lives in another workspace). */
export class PiriodNotFoundError extends PiriodError {
  override readonly name = 'PiriodNotFoundError';
  readonly kind = 'not-found';
  readonly retryable = false;
}

/**
 * 401 or 403: the token or workspace was rejected. Older Piriod docs swap the two, so both
 * mean "fix your credentials"; never retried, and it stops a whole run.
 */
export class PiriodCredentialsError extends PiriodError {
  override readonly name = 'PiriodCredentialsError';
  readonly kind = 'credentials-rejected';
  readonly retryable = false;
}

/** 400: Piriod rejected the request; `fieldErrors` holds its field → messages map. */
export class PiriodBadRequestError extends PiriodError {
  override readonly name = 'PiriodBadRequestError';
  readonly kind = 'failed';
  readonly retryable = false;
  readonly fieldErrors: Record<string, unknown>;

  constructor(
    message: string,
    fieldErrors: Record<string, unknown>,
    opts: { status?: number; customerId?: string } = {},
  ) {
    super(message, opts);
    this.fieldErrors = fieldErrors;
  }
}

/** An answer that may carry `Retry-After`: the client waits at least that long (capped). */
export abstract class PiriodRetryAfterError extends PiriodError {
  readonly retryable = true;
  /** Piriod's `Retry-After` in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    retryAfterMs: number | undefined,
    opts: { status?: number; customerId?: string } = {},
  ) {
    super(message, opts);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 429: too many requests. */
export class PiriodRateLimitedError extends PiriodRetryAfterError {
  override readonly name = 'PiriodRateLimitedError';
  readonly kind = 'throttled';
}

/** 5xx (and other unexpected statuses): Piriod failed; worth another try. */
export class PiriodServerError extends PiriodRetryAfterError {
  override readonly name = 'PiriodServerError';
  readonly kind = 'failed';
}

/** No complete answer within the per-request timeout. */
export class PiriodTimeoutError extends PiriodError {
  override readonly name = 'PiriodTimeoutError';
  readonly kind = 'timeout';
  readonly retryable = true;
}

/** The connection failed (refused, reset, DNS). */
export class PiriodNetworkError extends PiriodError {
  override readonly name = 'PiriodNetworkError';
  readonly kind = 'network';
  readonly retryable = true;
}

/**
 * No attempt was started: one would not finish (its timeout) before the caller's deadline.
 * Nothing was asked of Piriod, so a later invocation may simply try again.
 */
export class PiriodDeadlineError extends PiriodError {
  override readonly name = 'PiriodDeadlineError';
  readonly kind = 'deadline';
  readonly retryable = true;
}

/**
 * A 2xx whose body is not what Piriod sends: not JSON (a truncated or garbled body, worth a
 * retry) or JSON of the wrong shape (permanent).
 */
export class PiriodMalformedResponseError extends PiriodError {
  override readonly name = 'PiriodMalformedResponseError';
  readonly kind = 'failed';
  readonly retryable: boolean;

  constructor(
    message: string,
    retryable: boolean,
    opts: { status?: number; customerId?: string; cause?: unknown } = {},
  ) {
    super(message, opts);
    this.retryable = retryable;
  }
}

/** True for errors a later attempt may fix. Unknown errors are not retryable. */
export function isRetryable(err: unknown): boolean {
  return err instanceof PiriodError && err.retryable;
}
