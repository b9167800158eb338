import { awaitAllInFlight } from '../concurrency/in-flight.js';
import { InvalidCustomerError, isValidCustomerId, wireIdOf } from '../customer/errors.js';
import { normalizeCustomer } from '../customer/normalize.js';
import type { CustomerStore, PiriodReader, VersionSnapshot } from '../ports.js';
import { customerWrites } from './customer-writes.js';
import { RunAbortedError } from './errors.js';
import { type CustomerOutcome, failed, type RunSummary, Tally } from './outcome.js';
import { type RefreshByIdsDeps, refreshEach } from './refresh-by-id.js';

/**
 * What {@link mirrorAll} uses: what refreshing ids uses, the listing, the table's version
 * snapshot, and the scope of the mirror.
 */
export type MirrorAllDeps = RefreshByIdsDeps & {
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
}

/** Result of {@link mirrorAll}. */
export interface MirrorResult {
  summary: RunSummary;
  /** False when the deadline stopped the listing; resume at `nextPage`. */
  completed: boolean;
  nextPage: number | undefined;
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

  let completed = false;
  let nextPage: number | undefined = options.startPage ?? 1;
  try {
    const pages = deps.piriod.listCustomers({ startPage: nextPage })[Symbol.asyncIterator]();
    for (;;) {
      if (pipeline.fatal) break;
      const fetchedAt = deps.clock.now().toISOString();
      const next = await pages.next();
      if (next.done) {
        completed = true;
        nextPage = undefined;
        break;
      }
      const page = next.value;
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
        completed = true;
        break;
      }
      if (options.deadline !== undefined && deps.clock.now().getTime() >= options.deadline) break;
    }
    await finish();
    if (completed && options.sweep !== false && !pipeline.fatal) {
      phase = 'sweeping';
      // A resumed run saw only the later pages: list every id again (cheap, no writes) so
      // the sweep does not mistake customers on earlier pages for vanished ones.
      const listed = (options.startPage ?? 1) > 1 ? await listAllIds(deps) : seen;
      // Live customers the run's version snapshot holds that the listing did not return.
      const gone = snapshot.liveIds().filter((id) => !listed.has(id));
      for (let i = 0; i < gone.length; i += 100) {
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
  return { summary: tally.summary(), completed, nextPage, handedOff, listed: seen.size };
}

/** Every id Piriod lists now, without normalizing or writing anything. */
async function listAllIds(deps: Pick<MirrorAllDeps, 'piriod'>): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of deps.piriod.listCustomers()) {
    for (const entry of page.results) {
      const id = wireIdOf(entry);
      if (typeof id === 'string') ids.add(id);
    }
  }
  return ids;
}
