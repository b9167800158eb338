import { awaitAllInFlight } from '../concurrency/in-flight.js';
import { InvalidCustomerError } from '../customer/errors.js';
import { isValidCustomerId, wireIdOf } from '../customer/ids.js';
import { normalizeCustomer } from '../customer/normalize.js';
import type { CustomerStore, PiriodReader, VersionSnapshot } from '../ports.js';
import { customerWrites } from './customer-writes.js';
import { RunAbortedError } from './errors.js';
import { type CustomerOutcome, failed, type RunSummary, Tally } from './outcome.js';
import { type RefreshDeps, refreshEach } from './refresh-by-id.js';

/**
 * What {@link mirrorAll} uses: what refreshing ids uses, the listing, the table's version
 * snapshot, and the scope of the mirror.
 */
export type MirrorAllDeps = RefreshDeps & {
  piriod: PiriodReader;
  store: Pick<CustomerStore, 'versionSnapshot'>;
};

/** Options of {@link mirrorAll}. */
export interface MirrorOptions {
  /** First listing page (1-based), to resume a run that was cut short. Default 1. */
  startPage?: number;
  /** Epoch ms after which no new page is started; the result then says where to resume. */
  deadline?: number;
  /**
   * Where listed entries that fail the full schema go. Default: fetched by id here. The
   * scheduled Lambda hands them to the refresh queue instead.
   */
  handOff?: (ids: string[]) => Promise<void>;
  /**
   * After a complete listing, re-check by id the table's live customers the listing did not
   * return (404 → tombstone; page shifts are caught here too). A run resumed at a later
   * page lists all ids again first. Default true.
   */
  sweep?: boolean;
  /**
   * The listing completed in an earlier run whose deadline stopped the sweep: list all ids
   * again (cheap: it writes nothing) and sweep, without mirroring any page.
   */
  resumeSweep?: boolean;
}

/** Result of {@link mirrorAll}. */
export interface MirrorResult {
  summary: RunSummary;
  /**
   * False when the deadline stopped the run: resume the listing at `nextPage`, or, when
   * `sweepPending`, the sweep.
   */
  completed: boolean;
  nextPage: number | undefined;
  /** The listing was complete, but the deadline came before the sweep was done. */
  sweepPending: boolean;
  /**
   * A resumed sweep could not list the ids again before its deadline (an account too large
   * to list in one run): the run ends without its sweep rather than resume it forever.
   */
  sweepSkipped: boolean;
  /** Entries handed off by `handOff` (not counted in `summary`). */
  handedOff: number;
  /** Customers the listing returned in this run. */
  listed: number;
}

/**
 * Full mirror: pages through `GET /customers/`; each listed customer that passes the full
 * schema is upserted straight from the page (no extra API call), anything else is fetched by
 * id. What the table holds is read once, up front, from the narrow version index (a fraction
 * of a read unit per customer) rather than per page; afterwards, live customers of that
 * snapshot the listing did not return are checked by id. Memory: pages are processed as they
 * arrive and writes apply backpressure; the snapshot (packed, ~200 bytes a customer) and the
 * set of listed ids are kept for the run.
 *
 * @throws RunAbortedError when credentials are rejected, DynamoDB is unreachable, or a page
 *   cannot be read after retries; `partial` counts what was really written.
 */
export async function mirrorAll(
  deps: MirrorAllDeps,
  options: MirrorOptions = {},
): Promise<MirrorResult> {
  const tally = new Tally();
  // The snapshot, and so the sweep, holds only this workspace's customers in this mode.
  const scope = { workspace: deps.workspace, testMode: deps.testMode };
  let snapshot: VersionSnapshot;
  try {
    snapshot = await deps.store.versionSnapshot(scope);
  } catch (err) {
    throw new RunAbortedError(err as Error, tally.summary());
  }
  const pipeline = customerWrites(deps, { snapshot });
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let total: number | undefined;
  let phase: 'listing' | 'sweeping' = 'listing';
  let handedOff = 0;
  const report = () =>
    deps.onProgress?.({ phase, done: tally.done, total, summary: tally.summary() });
  const track = (outcome: Promise<CustomerOutcome>) => {
    const p: Promise<void> = outcome.then((o) => {
      inFlight.delete(p);
      tally.add(o);
      deps.onOutcome?.(o);
    });
    inFlight.add(p);
  };
  const byId = (ids: string[]) => refreshEach(ids, deps, pipeline, track);
  const finish = async () => {
    await pipeline.drain();
    await awaitAllInFlight(inFlight);
  };

  const pastDeadline = () =>
    options.deadline !== undefined && deps.clock.now().getTime() >= options.deadline;
  let listingDone = options.resumeSweep === true;
  let sweepPending = false;
  let sweepSkipped = false;
  let nextPage: number | undefined = listingDone ? undefined : (options.startPage ?? 1);
  try {
    const pages = deps.piriod
      .listCustomers({ startPage: nextPage, clock: deps.clock })
      [Symbol.asyncIterator]();
    for (;;) {
      if (listingDone || pipeline.fatal) break;
      const next = await pages.next();
      if (next.done) {
        listingDone = true;
        nextPage = undefined;
        break;
      }
      const page = next.value;
      // The page's own stamp, not the time it is used: a page read ahead may wait while
      // writes catch up, and a refresh or tombstone made meanwhile must not lose to it.
      const fetchedAt = page.requestedAt;
      total = page.count;
      const refetch: string[] = [];
      page.results.forEach((entry, index) => {
        const id = wireIdOf(entry);
        if (typeof id === 'string' && seen.has(id)) return; // a page shift repeated it
        if (isValidCustomerId(id)) seen.add(id);
        try {
          const { customer, warnings } = normalizeCustomer(entry);
          if (warnings.length > 0) deps.onWarnings?.(customer.id, warnings);
          if (isValidCustomerId(customer.id)) track(pipeline.submit({ customer, fetchedAt }));
          else track(Promise.resolve(failed(customer.id, new Error('listed with an invalid id'))));
        } catch (err) {
          if (!(err instanceof InvalidCustomerError)) throw err;
          if (isValidCustomerId(id)) refetch.push(id);
          else track(Promise.resolve(failed(`(page ${page.page}, entry ${index + 1})`, err)));
        }
      });
      if (refetch.length > 0) {
        if (options.handOff) {
          await options.handOff(refetch);
          handedOff += refetch.length;
        } else {
          await byId(refetch);
        }
      }
      await pipeline.waitForRoom();
      report();
      nextPage = page.nextPage;
      if (nextPage === undefined) {
        listingDone = true;
        break;
      }
      if (pastDeadline()) break;
    }
    await finish();
    if (listingDone && options.sweep !== false && !pipeline.fatal) {
      phase = 'sweeping';
      // A resumed run saw only the later pages: list every id again (cheap, no writes) so
      // the sweep does not mistake customers on earlier pages for vanished ones.
      const resumed = options.resumeSweep || (options.startPage ?? 1) > 1;
      const listed = resumed ? await listAllIds(deps, pastDeadline) : seen;
      // Live customers the run's version snapshot holds that the listing did not return.
      const gone = listed ? snapshot.liveIds().filter((id) => !listed.has(id)) : [];
      // A run that only had the sweep left, and still could not list the ids, would hand
      // the same work on for ever: it gives the sweep up instead (the caller reports it).
      if (listed === undefined && options.resumeSweep) sweepSkipped = true;
      else if (listed === undefined) sweepPending = true;
      for (let i = 0; i < gone.length; i += 100) {
        // The deadline holds here too: what is left is swept by a later run, which lists
        // the ids again (no writes) rather than outlive this one. A run that already is that
        // later run finishes: handing off is quick, and handing on again would never end.
        if (!options.resumeSweep && pastDeadline()) {
          sweepPending = true;
          break;
        }
        const vanished = gone.slice(i, i + 100);
        if (options.handOff) {
          await options.handOff(vanished);
          handedOff += vanished.length;
        } else {
          await byId(vanished);
        }
        report();
        if (pipeline.fatal) break;
      }
      await finish();
    }
  } catch (err) {
    await finish();
    throw new RunAbortedError(err as Error, tally.summary());
  }
  if (pipeline.fatal) throw new RunAbortedError(pipeline.fatal, tally.summary());
  report();
  return {
    summary: tally.summary(),
    completed: listingDone && !sweepPending,
    nextPage,
    sweepPending,
    sweepSkipped,
    handedOff,
    listed: seen.size,
  };
}

/**
 * Every id Piriod lists now, without normalizing or writing anything; `undefined` when
 * `pastDeadline` says so between pages before the listing ends.
 */
async function listAllIds(
  deps: Pick<MirrorAllDeps, 'piriod'>,
  pastDeadline: () => boolean,
): Promise<Set<string> | undefined> {
  const ids = new Set<string>();
  for await (const page of deps.piriod.listCustomers()) {
    for (const entry of page.results) {
      const id = wireIdOf(entry);
      if (typeof id === 'string') ids.add(id);
    }
    if (page.nextPage !== undefined && pastDeadline()) return undefined;
  }
  return ids;
}
