import { isRetryable } from '../errors.js';

/** Final results a customer can have in one run (a full mirror or a refresh). */
export type SuccessResult = 'created' | 'updated' | 'unchanged' | 'stale' | 'deleted';

/** What happened to one customer. A failure always carries its reason. */
export type CustomerOutcome =
  | { id: string; result: SuccessResult }
  | { id: string; result: 'failed'; reason: string; retryable: boolean };

/** The CLI's `--json` summary (a contract). */
export interface RunSummary {
  synced: number;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  deleted: number;
  failed: { id: string; reason: string }[];
}

/** Progress of a long run, for progress bars and logs. */
export interface Progress {
  phase: 'listing' | 'refreshing' | 'sweeping' | 'verifying';
  /** Customers finished so far in this run. */
  done: number;
  /** Customers expected in this phase, when known. */
  total: number | undefined;
  summary: RunSummary;
}

/** Who hears of a run as it goes (logs, metrics, progress bars); each optional. */
export interface RunListeners {
  onProgress?: (progress: Progress) => void;
  /** Called once per customer with its final outcome (logging, metrics). */
  onOutcome?: (outcome: CustomerOutcome) => void;
  /** Called for customers mirrored with content warnings (kept as given). */
  onWarnings?: (id: string, warnings: readonly { path: string; message: string }[]) => void;
}

/** Counts outcomes as they arrive; the one source of every count the product reports. */
export class Tally {
  private readonly counts = { created: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };
  private readonly failures: { id: string; reason: string }[] = [];

  add(outcome: CustomerOutcome): void {
    if (outcome.result === 'failed') this.failures.push({ id: outcome.id, reason: outcome.reason });
    else this.counts[outcome.result]++;
  }

  get done(): number {
    return this.synced + this.failures.length;
  }

  get synced(): number {
    const c = this.counts;
    return c.created + c.updated + c.unchanged + c.stale + c.deleted;
  }

  summary(): RunSummary {
    return { synced: this.synced, ...this.counts, failed: [...this.failures] };
  }
}

/** A failure outcome from an error, keeping the error's own retryability. */
export function failed(id: string, err: unknown): CustomerOutcome {
  const message = (err as { message?: unknown } | null)?.message;
  return {
    id,
    result: 'failed',
    reason: typeof message === 'string' ? message : String(err),
    retryable: isRetryable(err),
  };
}
