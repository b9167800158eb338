import { PiriodMirrorError } from '../errors.js';

/** One failing field of a customer that cannot be mirrored, e.g. `contacts.0.email`. */
export interface FieldIssue {
  /** Dotted path of the field, `(customer)` for the record as a whole. */
  path: string;
  /** What is wrong with it, in words a person can act on. */
  message: string;
}

/**
 * A customer whose structure cannot be mirrored faithfully (missing id or name, a field of
 * the wrong type, an unparseable timestamp, too large for a DynamoDB item). Permanent:
 * fetching it again returns the same data, so it is reported, never retried.
 */
export class InvalidCustomerError extends PiriodMirrorError {
  override readonly name = 'InvalidCustomerError';
  /** Piriod id when the record had a usable one. */
  readonly customerId: string | undefined;
  /** Every failing field, not just the first. */
  readonly issues: readonly FieldIssue[];

  constructor(customerId: string | undefined, issues: readonly FieldIssue[]) {
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    super(`customer ${customerId ?? '(no id)'} is not mirrorable: ${list}`);
    this.customerId = customerId;
    this.issues = issues;
  }
}

/** Piriod ids are short tokens like `cus_01H8XYZ123ABC`; anything else never leaves the process. */
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `id` is safe to put in a Piriod URL and a table key. */
export function isValidCustomerId(id: unknown): id is string {
  return typeof id === 'string' && CUSTOMER_ID.test(id);
}

/**
 * A customer id as Piriod issues them: `cus_` and the id characters. Webhooks sign
 * `''.join(values)`, which loses the boundary between values, so a notification counts as a
 * customer's only when its `object_id` has exactly this shape.
 */
export function isPiriodCustomerId(id: unknown): boolean {
  return typeof id === 'string' && /^cus_[A-Za-z0-9_-]{1,60}$/.test(id);
}

/** A refresh asked for an id that cannot be a Piriod customer id (empty, `../`, 10 KB). */
export class InvalidCustomerIdError extends PiriodMirrorError {
  override readonly name = 'InvalidCustomerIdError';
  /** The offending id, shortened for display. */
  readonly customerId: string;

  constructor(id: unknown) {
    const shown = typeof id === 'string' ? id : String(id);
    const short = shown.length > 40 ? `${shown.slice(0, 40)}… (${shown.length} chars)` : shown;
    super(
      `invalid customer id ${JSON.stringify(short)}: expected 1-64 letters, digits, "_" or "-"`,
    );
    this.customerId = short;
  }
}

/** The `id` of a raw wire entry (a listing page item), whatever else it holds. */
export function wireIdOf(entry: unknown): unknown {
  return entry !== null && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined;
}
