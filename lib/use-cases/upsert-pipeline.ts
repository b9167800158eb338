import { Semaphore } from '../concurrency/pool.js';
import type { NormalizedCustomer } from '../customer/record.js';
import type { StoredVersion } from '../customer/write-rule.js';
import type { VersionSnapshot } from '../ports.js';
import { StoreUnavailableError } from '../store/errors.js';
import { type CustomerOutcome, failed } from './outcome.js';
import { toRecord } from './record-builder.js';
import type { SyncDeps } from './sync-deps.js';

interface Pending {
  customer: NormalizedCustomer;
  fetchedAt: string;
  resolve: (o: CustomerOutcome) => void;
}

/** Tuning of an {@link UpsertPipeline}. */
export interface PipelineOptions {
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

/**
 * Groups normalized customers into batches: one batched version read, then conditional
 * writes of the winners only. Producers (listing pages, fetch workers) submit without
 * waiting for the write, so Piriod and DynamoDB work overlap; `waitForRoom` bounds memory.
 */
export class UpsertPipeline {
  private buffer: Pending[] = [];
  private scheduled = false;
  private pending = 0;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly batchSize: number;
  private readonly slots: Semaphore;
  private readonly maxPending: number;
  private readonly all = new Set<Promise<unknown>>();
  private readonly snapshot: VersionSnapshot | undefined;
  /** Set when the table became unusable; producers should stop. */
  fatal: Error | undefined;

  constructor(
    private readonly deps: SyncDeps,
    options: PipelineOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.slots = new Semaphore(options.parallelBatches ?? 4);
    this.maxPending = options.maxPending ?? 1000;
    this.snapshot = options.snapshot;
  }

  /** Queues a customer for the write rule; resolves with its outcome once written or judged. */
  submit(customer: NormalizedCustomer, fetchedAt: string): Promise<CustomerOutcome> {
    if (this.buffer.some((p) => p.customer.id === customer.id)) this.flush();
    this.pending++;
    const promise = new Promise<CustomerOutcome>((resolve) => {
      this.buffer.push({ customer, fetchedAt, resolve });
    });
    if (this.buffer.length >= this.batchSize) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return promise;
  }

  /** Resolves once fewer than `maxPending` customers wait to be written. */
  async waitForRoom(): Promise<void> {
    while (this.pending >= this.maxPending) {
      await new Promise<void>((r) => this.roomWaiters.push(r));
    }
  }

  /** Writes everything submitted so far and waits for it. */
  async drain(): Promise<void> {
    this.flush();
    while (this.all.size > 0) await Promise.all([...this.all]);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const run = this.write(batch).finally(() => this.all.delete(run));
    this.all.add(run);
  }

  private async write(batch: Pending[]): Promise<void> {
    await this.slots.acquire();
    try {
      if (this.fatal) {
        for (const p of batch) this.settle(p, failed(p.customer.id, this.fatal));
        return;
      }
      const syncedAt = this.deps.clock.now().toISOString();
      const records = batch.map((p) =>
        toRecord(p.customer, {
          workspace: this.deps.workspace,
          fetchedAt: p.fetchedAt,
          syncedAt,
          source: this.deps.source,
        }),
      );
      let results: Map<string, string | Error>;
      try {
        const known = await this.knownVersions(records.map((r) => r.id));
        results = await this.deps.store.upsertMany(records, known);
      } catch (err) {
        if (err instanceof StoreUnavailableError) this.fatal = err;
        for (const p of batch) this.settle(p, failed(p.customer.id, err));
        return;
      }
      records.forEach((record, i) => {
        const pending = batch[i] as Pending;
        const r = results.get(record.id);
        if (r instanceof Error || r === undefined) {
          if (r instanceof StoreUnavailableError) this.fatal = r;
          this.settle(pending, failed(record.id, r ?? new Error('no write result')));
          return;
        }
        this.settle(pending, { id: record.id, result: r as 'created' });
      });
    } finally {
      this.slots.release();
    }
  }

  private async knownVersions(ids: string[]): Promise<Map<string, StoredVersion>> {
    const snapshot = this.snapshot;
    if (!snapshot) return this.deps.store.readVersions(ids);
    const known = new Map<string, StoredVersion>();
    for (const id of ids) {
      const v = snapshot.get(id);
      if (v) known.set(id, v);
    }
    return known;
  }

  private settle(p: Pending, outcome: CustomerOutcome): void {
    this.pending--;
    p.resolve(outcome);
    if (this.pending < this.maxPending) {
      for (const w of this.roomWaiters.splice(0)) w();
    }
  }
}
