import { forEachConcurrent } from '../concurrency/pool.js';
import { contentHash } from '../customer/content-hash.js';
import { InvalidCustomerError } from '../customer/errors.js';
import { wireIdOf } from '../customer/ids.js';
import { normalizeCustomer } from '../customer/normalize.js';
import type { NormalizedCustomer } from '../customer/record.js';
import type { StoredVersion } from '../customer/write-rule.js';
import { decideWrite } from '../customer/write-rule.js';
import type { Clock, CustomerStore, PiriodReader } from '../ports.js';
import { type RunListeners, Tally } from './outcome.js';

/** What {@link verifyMirror} reads, and of which scope. */
export interface VerifyMirrorDeps extends Pick<RunListeners, 'onProgress'> {
  piriod: PiriodReader;
  store: Pick<CustomerStore, 'readVersions' | 'liveIds'>;
  clock: Clock;
  /** The Piriod workspace compared. */
  workspace: string;
  /** Whether Piriod is read in test mode; only that mode's customers are compared. */
  testMode?: boolean;
  /** Piriod requests by id in flight at once. Default 8. */
  concurrency?: number;
}

/** The drift report of `verify` (a contract). */
export interface DriftReport {
  /** In Piriod but not in the table (or only as a tombstone). */
  missing: string[];
  /** Newer (or different at the same `updated`) in Piriod than in the table. */
  stale: string[];
  /** In the table, not yet tombstoned, but no longer in Piriod (confirmed by a 404). */
  gone: string[];
  /** Listed customers that are not mirrorable, with their reasons (reported, not drift). */
  invalid: { id: string; reason: string }[];
  /**
   * How many customers were compared: every id Piriod listed, and every id the table holds
   * for the workspace and mode that the listing did not return. 0 means nothing was checked.
   */
  compared: number;
}

/**
 * Compares Piriod with the table without writing anything. A table id the listing did not
 * return is confirmed by id before it is called gone, since page-number listings can skip
 * records that move while the listing runs.
 */
export async function verifyMirror(deps: VerifyMirrorDeps): Promise<DriftReport> {
  const report: DriftReport = { missing: [], stale: [], gone: [], invalid: [], compared: 0 };
  const seen = new Set<string>();
  const judge = (customer: NormalizedCustomer, stored: StoredVersion | undefined) => {
    if (!stored || stored.deleted) report.missing.push(customer.id);
    else {
      const now = deps.clock.now().toISOString();
      const incoming = {
        updated: customer.updated,
        contentHash: contentHash(customer),
        fetchedAt: now,
      };
      if (decideWrite(stored, incoming) === 'update') report.stale.push(customer.id);
    }
  };
  let done = 0;
  for await (const page of deps.piriod.listCustomers()) {
    const customers: NormalizedCustomer[] = [];
    for (const entry of page.results) {
      const id = wireIdOf(entry);
      if (typeof id === 'string') seen.add(id);
      try {
        customers.push(normalizeCustomer(entry).customer);
      } catch (err) {
        if (!(err instanceof InvalidCustomerError)) throw err;
        report.invalid.push({ id: String(id ?? '(no id)'), reason: err.message });
      }
    }
    const stored = await deps.store.readVersions(customers.map((c) => c.id));
    for (const c of customers) judge(c, stored.get(c.id));
    done += page.results.length;
    deps.onProgress?.({
      phase: 'verifying',
      done,
      total: page.count,
      summary: new Tally().summary(),
    });
  }
  for await (const ids of deps.store.liveIds({
    workspace: deps.workspace,
    testMode: deps.testMode,
  })) {
    const unlisted = ids.filter((id) => !seen.has(id));
    report.compared += unlisted.length;
    await forEachConcurrent(unlisted, deps.concurrency ?? 8, async (id) => {
      try {
        const wire = await deps.piriod.getCustomer(id);
        if (wire === undefined) {
          report.gone.push(id);
          return;
        }
        const { customer } = normalizeCustomer(wire);
        const stored = await deps.store.readVersions([id]);
        judge(customer, stored.get(id));
      } catch (err) {
        if (err instanceof InvalidCustomerError) report.invalid.push({ id, reason: err.message });
        else throw err;
      }
    });
  }
  report.compared += seen.size;
  for (const list of [report.missing, report.stale, report.gone]) list.sort();
  return report;
}
