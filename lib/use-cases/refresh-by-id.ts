import { forEachConcurrent } from '../concurrency/pool.js';
import { InvalidCustomerError, InvalidCustomerIdError } from '../customer/errors.js';
import { isValidCustomerId } from '../customer/ids.js';
import { normalizeCustomer } from '../customer/normalize.js';
import { isFailure, type PiriodReader } from '../ports.js';
import type { CustomerWrites, CustomerWritesDeps } from './customer-writes.js';
import { type CustomerOutcome, failed, type RunListeners } from './outcome.js';

/**
 * What refreshing customers by id uses (`refreshCustomers`, and the full mirror's fetches by
 * id): one workspace's Piriod, the table's writes and their scope, the time, the pace, and who
 * hears of it.
 */
export interface RefreshDeps extends CustomerWritesDeps, RunListeners {
  piriod: Pick<PiriodReader, 'getCustomer'>;
  /**
   * Epoch ms by which refreshes by id must be over (an invocation's time limit, less a margin
   * for the writes): no customer is started after it, and each Piriod request caps its
   * attempts and waits by the time left. A customer not started has no outcome.
   */
  deadline?: number;
  /** Piriod requests by id in flight at once (the client also paces). Default 8. */
  concurrency?: number;
}

/**
 * Refreshes one customer by id (the core of `refreshCustomers`): fetch, normalize, and hand it
 * to the writes; a 404 becomes a tombstone when the customer is in the table.
 * Resolves once the fetch is done, with the outcome still pending on the write, so fetching
 * and writing overlap. Resolves `undefined` when the customer was not started: no Piriod
 * attempt could finish before `deps.deadline`.
 *
 * @throws PortError of kind `credentials-rejected` — no other customer can succeed either, so
 *   the run stops.
 */
async function refreshById(
  id: string,
  deps: RefreshDeps,
  writes: CustomerWrites,
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
  if (wire === undefined) return done(writes.tombstone(id, fetchedAt));
  try {
    const { customer, warnings } = normalizeCustomer(wire);
    if (customer.id !== id) {
      return done(
        failed(id, new Error(`Piriod answered GET /customers/${id}/ with customer ${customer.id}`)),
      );
    }
    if (warnings.length > 0) deps.onWarnings?.(id, warnings);
    return done(writes.submit({ customer, fetchedAt }));
  } catch (err) {
    if (err instanceof InvalidCustomerError) return done(failed(id, err));
    throw err;
  }
}

/**
 * Refreshes many ids by {@link refreshById} with bounded concurrency (`deps.concurrency`,
 * default 8), respecting the writes' backpressure and stopping once the table is
 * unusable or `deps.deadline` leaves no time to start another customer (the ids left have
 * no outcome). Each outcome's promise goes to `track` as soon as its fetch is done.
 *
 * @throws PortError of kind `credentials-rejected`, after in-flight fetches settle.
 */
export function refreshEach(
  ids: Iterable<string>,
  deps: RefreshDeps,
  writes: CustomerWrites,
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
      await writes.waitForRoom();
      if (outOfTime || pastDeadline()) {
        outOfTime = true;
        return;
      }
      const started = await refreshById(id, deps, writes);
      if (started) track(started.outcome);
      else outOfTime = true;
    },
    () => writes.fatal !== undefined || outOfTime,
  );
}
