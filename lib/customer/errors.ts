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
