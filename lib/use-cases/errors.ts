import type { RunSummary } from './outcome.js';

/**
 * A run stopped before the end because nothing more could succeed (Piriod rejected the
 * credentials, DynamoDB became unreachable). Carries what was done so far; everything in
 * `partial` was really written.
 */
export class RunAbortedError extends Error {
  override readonly name = 'RunAbortedError';
  readonly partial: RunSummary;

  constructor(cause: Error, partial: RunSummary) {
    super(cause.message, { cause });
    this.partial = partial;
  }
}
