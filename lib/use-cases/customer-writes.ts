import { BatchPipeline } from '../concurrency/batch-pipeline.js';
import type { NormalizedCustomer, SyncSource } from '../customer/record.js';
import { toRecord } from '../customer/record-builder.js';
import type { StoredVersion } from '../customer/write-rule.js';
import { type Clock, type CustomerStore, isFailure, type VersionSnapshot } from '../ports.js';
import { type CustomerOutcome, failed } from './outcome.js';

/** What the writes of mirrored customers go through, and the metadata stamped on each. */
export interface CustomerWritesDeps {
  store: Pick<CustomerStore, 'readVersions' | 'upsertMany' | 'tombstone'>;
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
 * only — each resolving with the customer's outcome; a customer Piriod no longer has is
 * tombstoned. The writes stop themselves (`fatal`) once a write's outcome says the table
 * cannot be used at all (a failure of kind `unavailable`): nothing outside sets it.
 */
export interface CustomerWrites {
  /** Queues a customer's write; resolves with its outcome once its batch is written. */
  submit(write: CustomerWrite): Promise<CustomerOutcome>;
  /**
   * Marks a customer Piriod answered 404 for as deleted (`observedAt`: when that was asked);
   * one the table does not hold fails, permanently.
   */
  tombstone(id: string, observedAt: string): Promise<CustomerOutcome>;
  /** Resolves once the writes have room for more (bounds memory). */
  waitForRoom(): Promise<void>;
  /** Writes everything submitted so far and waits for it. */
  drain(): Promise<void>;
  /** Why nothing more can be written, once a write found the table unusable. */
  readonly fatal: Error | undefined;
}

/** A {@link CustomerWrites} over the store of `deps`. */
export function customerWrites(
  deps: CustomerWritesDeps,
  options: CustomerWritesOptions = {},
): CustomerWrites {
  const pipeline = batchedUpserts(deps, options);
  return {
    submit: (write) => pipeline.submit(write),
    tombstone: async (id, observedAt) => {
      try {
        const scope = { workspace: deps.workspace, testMode: deps.testMode };
        const r = await deps.store.tombstone(id, observedAt, deps.source, scope);
        if (r !== 'absent') return { id, result: r };
        const reason = `customer ${id} was not found in Piriod (404) and is not in the table`;
        return { id, result: 'failed', reason, retryable: false };
      } catch (err) {
        if (isFailure(err, 'unavailable')) pipeline.stop(err);
        return failed(id, err);
      }
    },
    waitForRoom: () => pipeline.waitForRoom(),
    drain: () => pipeline.drain(),
    get fatal() {
      return pipeline.fatal;
    },
  };
}

/** The batches of upserts: a version read, then conditional writes of the winners. */
function batchedUpserts(
  deps: CustomerWritesDeps,
  options: CustomerWritesOptions,
): BatchPipeline<CustomerWrite, CustomerOutcome> {
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
  const pipeline = new BatchPipeline<CustomerWrite, CustomerOutcome>(
    async (batch) => {
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
        if (isFailure(err, 'unavailable')) pipeline.stop(err);
        return records.map((r) => failed(r.id, err));
      }
      return records.map((record): CustomerOutcome => {
        const r = results.get(record.id);
        if (r instanceof Error || r === undefined) {
          if (isFailure(r, 'unavailable')) pipeline.stop(r);
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
  return pipeline;
}
