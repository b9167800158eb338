import { customerWrites } from './customer-writes.js';
import { RunAbortedError } from './errors.js';
import { type CustomerOutcome, type RunSummary, Tally } from './outcome.js';
import { type RefreshDeps, refreshEach } from './refresh-by-id.js';

/** Result of {@link refreshCustomers}: one outcome per distinct id, and their summary. */
export interface RefreshCustomersResult {
  outcomes: Map<string, CustomerOutcome>;
  summary: RunSummary;
}

/**
 * Refreshes customers by id: fetch each (bounded concurrency), normalize, upsert by the
 * write rule; a 404 tombstones a known customer. Duplicate ids are fetched once. Every id
 * ends with an outcome: created, updated, unchanged, stale, deleted, or failed with reason.
 *
 * @throws RunAbortedError when Piriod rejects the credentials or DynamoDB is unreachable;
 *   its `partial` summary counts only what was really written.
 */
export async function refreshCustomers(
  ids: readonly string[],
  deps: RefreshDeps,
): Promise<RefreshCustomersResult> {
  const tally = new Tally();
  const outcomes = new Map<string, CustomerOutcome>();
  const unique = [...new Set(ids)];
  const writes = customerWrites(deps);
  const written: Promise<void>[] = [];
  const record = (o: CustomerOutcome) => {
    outcomes.set(o.id, o);
    tally.add(o);
    deps.onOutcome?.(o);
    deps.onProgress?.({
      phase: 'refreshing',
      done: tally.done,
      total: unique.length,
      summary: tally.summary(),
    });
  };
  let fatal: Error | undefined;
  try {
    await refreshEach(unique, deps, writes, (outcome) => written.push(outcome.then(record)));
  } catch (err) {
    fatal = err as Error;
  }
  await writes.drain();
  await Promise.all(written);
  fatal ??= writes.fatal;
  if (fatal) throw new RunAbortedError(fatal, tally.summary());
  return { outcomes, summary: tally.summary() };
}
