import { forEachConcurrent } from '../concurrency/pool.js';
import {
  InvalidCustomerError,
  InvalidCustomerIdError,
  isValidCustomerId,
} from '../customer/errors.js';
import { normalizeCustomer } from '../customer/normalize.js';
import {
  PiriodCredentialsError,
  PiriodDeadlineError,
  PiriodNotFoundError,
} from '../piriod/errors.js';
import { StoreUnavailableError } from '../store/errors.js';
import { type CustomerOutcome, failed } from './outcome.js';
import type { SyncDeps } from './sync-deps.js';
import type { UpsertPipeline } from './upsert-pipeline.js';

/**
 * Refreshes one customer by id (the core of `refreshCustomers`): fetch, normalize, and hand it
 * to the write pipeline; a 404 becomes a tombstone when the customer is in the table.
 * Resolves once the fetch is done, with the outcome still pending on the write, so fetching
 * and writing overlap. Resolves `undefined` when the customer was not started: no Piriod
 * attempt could finish before `deps.deadline`.
 *
 * @throws PiriodCredentialsError — no other customer can succeed either, so the run stops.
 */
export async function refreshById(
  id: string,
  deps: SyncDeps,
  pipeline: UpsertPipeline,
): Promise<{ outcome: Promise<CustomerOutcome> } | undefined> {
  const done = (o: CustomerOutcome | Promise<CustomerOutcome>) => ({ outcome: Promise.resolve(o) });
  if (!isValidCustomerId(id)) return done(failed(id, new InvalidCustomerIdError(id)));
  // Taken before the request: the data is at least this fresh, never fresher.
  const startedAt = deps.clock.now();
  const fetchedAt = startedAt.toISOString();
  let wire: unknown;
  try {
    wire = await deps.piriod.getCustomer(
      id,
      deps.deadline === undefined ? undefined : { timeLeftMs: deps.deadline - startedAt.getTime() },
    );
  } catch (err) {
    if (err instanceof PiriodCredentialsError) throw err;
    if (err instanceof PiriodDeadlineError) return undefined;
    if (err instanceof PiriodNotFoundError) return done(tombstone(id, fetchedAt, deps, pipeline));
    return done(failed(id, err));
  }
  try {
    const { customer, warnings } = normalizeCustomer(wire);
    if (customer.id !== id) {
      return done(
        failed(id, new Error(`Piriod answered GET /customers/${id}/ with customer ${customer.id}`)),
      );
    }
    if (warnings.length > 0) deps.onWarnings?.(id, warnings);
    return done(pipeline.submit(customer, fetchedAt));
  } catch (err) {
    if (err instanceof InvalidCustomerError) return done(failed(id, err));
    throw err;
  }
}

async function tombstone(
  id: string,
  observedAt: string,
  deps: SyncDeps,
  pipeline: UpsertPipeline,
): Promise<CustomerOutcome> {
  try {
    const r = await deps.store.tombstone(id, observedAt, deps.source, deps.workspace);
    if (r === 'absent') {
      return {
        id,
        result: 'failed',
        reason: `customer ${id} was not found in Piriod (404) and is not in the table`,
        retryable: false,
      };
    }
    return { id, result: r };
  } catch (err) {
    if (err instanceof StoreUnavailableError) pipeline.fatal = err;
    return failed(id, err);
  }
}

/**
 * Refreshes many ids by {@link refreshById} with bounded concurrency (`deps.concurrency`,
 * default 8), respecting the pipeline's backpressure and stopping once the table is
 * unusable or `deps.deadline` leaves no time to start another customer (the ids left have
 * no outcome). Each outcome's promise goes to `track` as soon as its fetch is done.
 *
 * @throws PiriodCredentialsError after in-flight fetches settle.
 */
export function refreshEach(
  ids: Iterable<string>,
  deps: SyncDeps,
  pipeline: UpsertPipeline,
  track: (outcome: Promise<CustomerOutcome>) => void,
): Promise<void> {
  // Once one customer could not start for lack of time, none after it can.
  let outOfTime = false;
  const pastDeadline = () =>
    deps.deadline !== undefined && deps.clock.now().getTime() >= deps.deadline;
  return forEachConcurrent(
    ids,
    deps.concurrency ?? 8,
    async (id) => {
      await pipeline.waitForRoom();
      if (outOfTime || pastDeadline()) {
        outOfTime = true;
        return;
      }
      const started = await refreshById(id, deps, pipeline);
      if (started) track(started.outcome);
      else outOfTime = true;
    },
    () => pipeline.fatal !== undefined || outOfTime,
  );
}
