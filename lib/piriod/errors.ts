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

  /**
   * The same failure, its message followed by `note` (how many attempts were made): a new
   * error of the same class and details, as no error's message is edited in place.
   */
  withNote(note: string): this {
    return this.copy(`${this.message}${note}`);
  }

  /** A new error of this class with `message` and this one's details. */
  protected copy(message: string): this {
    const Same = this.constructor as new (message: string, opts: PiriodErrorDetails) => this;
    return new Same(message, this.details());
  }

  /** What the constructor took besides the message. */
  protected details(): PiriodErrorDetails {
    return { status: this.status, customerId: this.customerId, cause: this.cause };
  }
}

/** What a Piriod error carries besides its message. */
interface PiriodErrorDetails {
  status?: number;
  customerId?: string;
  cause?: unknown;
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

  protected override copy(message: string): this {
    const Same = this.constructor as new (
      message: string,
      fieldErrors: Record<string, unknown>,
      opts: PiriodErrorDetails,
    ) => this;
    return new Same(message, this.fieldErrors, this.details());
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

  protected override copy(message: string): this {
    const Same = this.constructor as new (
      message: string,
      retryAfterMs: number | undefined,
      opts: PiriodErrorDetails,
    ) => this;
    return new Same(message, this.retryAfterMs, this.details());
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

  protected override copy(message: string): this {
    const Same = this.constructor as new (
      message: string,
      retryable: boolean,
      opts: PiriodErrorDetails,
    ) => this;
    return new Same(message, this.retryable, this.details());
  }
}
