import { BatchPipeline } from '../concurrency/batch-pipeline.js';
import type { NormalizedCustomer, SyncSource } from '../customer/record.js';
import { toRecord } from '../customer/record-builder.js';
import type { StoredVersion } from '../customer/write-rule.js';
import { type Clock, type CustomerStore, isFailure, type VersionSnapshot } from '../ports.js';
import { type CustomerOutcome, failed } from './outcome.js';

/** What the writes of mirrored customers go through, and the metadata stamped on each. */
export interface CustomerWritesDeps {
  store: Pick<CustomerStore, 'readVersions' | 'upsertMany'>;
  clock: Clock;
  /** Piriod workspace the data comes from, stored on every item. */
  workspace: string;
  /**
   * Whether the data is Piriod's test-mode data: the deployment's or the command's setting
   * (absent: live), stored on every item as `testMode`, never taken from the wire. A write
   * never lands on the other mode's item.
   */
  testMode?: boolean;
  /** Which path of the product is writing (stored as `syncSource`). */
  source: SyncSource;
}

/** Tuning of {@link customerWrites}. */
export interface CustomerWritesOptions {
  /** Customers per version read (BatchGetItem takes 100 keys). Default 100. */
  batchSize?: number;
  /** Batches being read and written at once. Default 4. */
  parallelBatches?: number;
  /** Submitted but unwritten customers before `waitForRoom` holds producers back. Default 1000. */
  maxPending?: number;
  /**
   * Stored versions read once for the whole run (a full mirror): no per-batch read at all.
   * A customer it lacks is taken as absent; the conditional write finds out otherwise.
   */
  snapshot?: VersionSnapshot;
}

/** A normalized customer to write, and when its data was read from Piriod. */
export interface CustomerWrite {
  customer: NormalizedCustomer;
  fetchedAt: string;
}

/**
 * The writes of a run: customers submitted as they are read (listing pages, fetch workers)
 * go out in batches — one batched version read, then conditional writes of the winners
 * only — each resolving with the customer's outcome. The pipeline stops (`fatal`) once the
 * table cannot be used at all (a failure of kind `unavailable`).
 */
export type CustomerWrites = BatchPipeline<CustomerWrite, CustomerOutcome>;

/** A {@link CustomerWrites} over the store of `deps`. */
export function customerWrites(
  deps: CustomerWritesDeps,
  options: CustomerWritesOptions = {},
): CustomerWrites {
  const { snapshot, ...tuning } = options;
  const knownVersions = async (ids: string[]): Promise<Map<string, StoredVersion>> => {
    if (!snapshot) return deps.store.readVersions(ids);
    const known = new Map<string, StoredVersion>();
    for (const id of ids) {
      const v = snapshot.get(id);
      if (v) known.set(id, v);
    }
    return known;
  };
  return new BatchPipeline<CustomerWrite, CustomerOutcome>(
    async (batch, stop) => {
      const syncedAt = deps.clock.now().toISOString();
      const records = batch.map((w) =>
        toRecord(w.customer, {
          workspace: deps.workspace,
          testMode: deps.testMode,
          fetchedAt: w.fetchedAt,
          syncedAt,
          source: deps.source,
        }),
      );
      let results: Map<string, string | Error>;
      try {
        const known = await knownVersions(records.map((r) => r.id));
        results = await deps.store.upsertMany(records, known);
      } catch (err) {
        if (isFailure(err, 'unavailable')) stop(err);
        return records.map((r) => failed(r.id, err));
      }
      return records.map((record): CustomerOutcome => {
        const r = results.get(record.id);
        if (r instanceof Error || r === undefined) {
          if (isFailure(r, 'unavailable')) stop(r);
          return failed(record.id, r ?? new Error('no write result'));
        }
        return { id: record.id, result: r as 'created' };
      });
    },
    {
      ...tuning,
      keyOf: (w) => w.customer.id,
      stopped: (w, fatal) => failed(w.customer.id, fatal),
    },
  );
}
