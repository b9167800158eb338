import { awaitAllInFlight } from './in-flight.js';
import { Semaphore } from './pool.js';

/** Tuning and rules of a {@link BatchPipeline}. */
export interface BatchPipelineOptions<T, R> {
  /** Items with the same key never share a batch: a second one sends the first's batch off. */
  keyOf: (item: T) => string;
  /** The result of an item whose batch gets its turn after the pipeline was stopped. */
  stopped: (item: T, fatal: Error) => R;
  /** Items per batch. Default 100. */
  batchSize?: number;
  /** Batches being written at once. Default 4. */
  parallelBatches?: number;
  /** Submitted but unwritten items before `waitForRoom` holds producers back. Default 1000. */
  maxPending?: number;
}

/** Writes one batch: one result per item, in order. */
export type BatchWriter<T, R> = (batch: readonly T[]) => Promise<R[]>;

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
}

/**
 * A write-batching engine: groups submitted items into batches of `batchSize` (or whatever
 * arrived by the next turn of the event loop), writes up to `parallelBatches` of them at
 * once, and resolves each item with its result. Producers submit without waiting for the
 * write, so reading and writing overlap; `waitForRoom` bounds memory.
 */
export class BatchPipeline<T, R> {
  private buffer: Pending<T, R>[] = [];
  private scheduled = false;
  private pending = 0;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly batchSize: number;
  private readonly slots: Semaphore;
  private readonly maxPending: number;
  private readonly all = new Set<Promise<unknown>>();
  private stoppedBy: Error | undefined;

  constructor(
    private readonly writeBatch: BatchWriter<T, R>,
    private readonly options: BatchPipelineOptions<T, R>,
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.slots = new Semaphore(options.parallelBatches ?? 4);
    this.maxPending = options.maxPending ?? 1000;
  }

  /** Set once nothing more can be written ({@link stop}); producers should stop. */
  get fatal(): Error | undefined {
    return this.stoppedBy;
  }

  /**
   * Says nothing more can be written (a write's outcome found the target unusable): batches
   * not yet written resolve with `options.stopped` instead.
   */
  stop(fatal: Error): void {
    this.stoppedBy = fatal;
  }

  /** Queues an item; resolves with its result once its batch is written. */
  submit(item: T): Promise<R> {
    const key = this.options.keyOf(item);
    if (this.buffer.some((p) => this.options.keyOf(p.item) === key)) this.flush();
    this.pending++;
    const promise = new Promise<R>((resolve) => {
      this.buffer.push({ item, resolve });
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

  /** Resolves once fewer than `maxPending` items wait to be written. */
  async waitForRoom(): Promise<void> {
    while (this.pending >= this.maxPending) {
      await new Promise<void>((r) => this.roomWaiters.push(r));
    }
  }

  /** Writes everything submitted so far and waits for it. */
  async drain(): Promise<void> {
    this.flush();
    await awaitAllInFlight(this.all);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const run = this.write(batch).finally(() => this.all.delete(run));
    this.all.add(run);
  }

  private async write(batch: Pending<T, R>[]): Promise<void> {
    await this.slots.acquire();
    try {
      const fatal = this.fatal;
      if (fatal) {
        for (const p of batch) this.settle(p, this.options.stopped(p.item, fatal));
        return;
      }
      const results = await this.writeBatch(batch.map((p) => p.item));
      for (const [i, p] of batch.entries()) this.settle(p, results[i] as R);
    } finally {
      this.slots.release();
    }
  }

  private settle(p: Pending<T, R>, result: R): void {
    this.pending--;
    p.resolve(result);
    if (this.pending < this.maxPending) {
      for (const w of this.roomWaiters.splice(0)) w();
    }
  }
}
