import { forEachConcurrent } from '../concurrency/pool.js';
import { InvalidCustomerError, InvalidCustomerIdError } from '../customer/errors.js';
import { isValidCustomerId } from '../customer/ids.js';
import { normalizeCustomer } from '../customer/normalize.js';
import type { SyncSource } from '../customer/record.js';
import { type Clock, type CustomerStore, isFailure, type PiriodReader } from '../ports.js';
import type { CustomerWrites, CustomerWritesDeps } from './customer-writes.js';
import { type CustomerOutcome, failed, type RunListeners } from './outcome.js';

/** What a refresh by id uses. */
export interface RefreshByIdDeps extends Pick<RunListeners, 'onWarnings'> {
  piriod: Pick<PiriodReader, 'getCustomer'>;
  /** Where a customer Piriod no longer has is tombstoned. */
  store: Pick<CustomerStore, 'tombstone'>;
  clock: Clock;
  /** Piriod workspace the ids are of: a tombstone never lands on another workspace's customer. */
  workspace: string;
  /**
   * Whether Piriod is read in test mode (absent: live): a tombstone never lands on the other
   * mode's customer.
   */
  testMode?: boolean;
  /** Which path of the product is syncing (stored as `syncSource`). */
  source: SyncSource;
  /**
   * Epoch ms by which refreshes by id must be over (an invocation's time limit, less a margin
   * for the writes): no customer is started after it, and each Piriod request caps its
   * attempts and waits by the time left. A customer not started has no outcome.
   */
  deadline?: number;
}

/** What refreshing many ids uses: a refresh by id's, and how many at once. */
export interface RefreshEachDeps extends RefreshByIdDeps {
  /** Piriod requests by id in flight at once (the client also paces). Default 8. */
  concurrency?: number;
}

/**
 * Refreshes one customer by id (the core of `refreshCustomers`): fetch, normalize, and hand it
 * to the write pipeline; a 404 becomes a tombstone when the customer is in the table.
 * Resolves once the fetch is done, with the outcome still pending on the write, so fetching
 * and writing overlap. Resolves `undefined` when the customer was not started: no Piriod
 * attempt could finish before `deps.deadline`.
 *
 * @throws PortError of kind `credentials-rejected` — no other customer can succeed either, so
 *   the run stops.
 */
async function refreshById(
  id: string,
  deps: RefreshByIdDeps,
  pipeline: CustomerWrites,
): Promise<{ outcome: Promise<CustomerOutcome> } | undefined> {
  const done = (o: CustomerOutcome | Promise<CustomerOutcome>) => ({ outcome: Promise.resolve(o) });
  if (!isValidCustomerId(id)) return done(failed(id, new InvalidCustomerIdError(id)));
  // Taken before the request: the data is at least this fresh, never fresher.
  const startedAt = deps.clock.now();
  const fetchedAt = startedAt.toISOString();
  let wire: object | undefined;
  try {
    wire = await deps.piriod.getCustomer(
      id,
      deps.deadline === undefined ? undefined : { timeLeftMs: deps.deadline - startedAt.getTime() },
    );
  } catch (err) {
    if (isFailure(err, 'credentials-rejected')) throw err;
    if (isFailure(err, 'deadline')) return undefined;
    return done(failed(id, err));
  }
  if (wire === undefined) return done(tombstone(id, fetchedAt, deps, pipeline));
  try {
    const { customer, warnings } = normalizeCustomer(wire);
    if (customer.id !== id) {
      return done(
        failed(id, new Error(`Piriod answered GET /customers/${id}/ with customer ${customer.id}`)),
      );
    }
    if (warnings.length > 0) deps.onWarnings?.(id, warnings);
    return done(pipeline.submit({ customer, fetchedAt }));
  } catch (err) {
    if (err instanceof InvalidCustomerError) return done(failed(id, err));
    throw err;
  }
}

async function tombstone(
  id: string,
  observedAt: string,
  deps: RefreshByIdDeps,
  pipeline: CustomerWrites,
): Promise<CustomerOutcome> {
  try {
    const scope = { workspace: deps.workspace, testMode: deps.testMode };
    const r = await deps.store.tombstone(id, observedAt, deps.source, scope);
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
    if (isFailure(err, 'unavailable')) pipeline.fatal = err;
    return failed(id, err);
  }
}

/**
 * Refreshes many ids by {@link refreshById} with bounded concurrency (`deps.concurrency`,
 * default 8), respecting the pipeline's backpressure and stopping once the table is
 * unusable or `deps.deadline` leaves no time to start another customer (the ids left have
 * no outcome). Each outcome's promise goes to `track` as soon as its fetch is done.
 *
 * @throws PortError of kind `credentials-rejected`, after in-flight fetches settle.
 */
export function refreshEach(
  ids: Iterable<string>,
  deps: RefreshEachDeps,
  pipeline: CustomerWrites,
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

/** What a refresh of ids uses (`refreshCustomers`): the refreshes', the writes', and who hears of them. */
export type RefreshByIdsDeps = RefreshEachDeps & CustomerWritesDeps & RunListeners;
