/**
 * Bounded concurrency, in one place: {@link forEachConcurrent} runs a list of tasks with at
 * most N in flight (refreshes by id, conditional writes); a {@link Semaphore} bounds callers
 * that arrive on their own (requests from the listing and from fetch workers, write
 * batches from producers).
 */

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, stopping early when `stop()`
 * turns true. Rejections propagate after in-flight calls settle.
 */
export async function forEachConcurrent<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let error: unknown;
  const worker = async () => {
    for (;;) {
      if (error !== undefined || stop()) return;
      const next = iterator.next();
      if (next.done) return;
      try {
        await fn(next.value);
      } catch (err) {
        error ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (error !== undefined) throw error;
}

/**
 * A counting semaphore: at most `permits` holders at once, the rest wait in arrival order.
 * Used to bound requests to Piriod and batches to DynamoDB.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly permits: number) {}

  /** Resolves once a permit is free; pair every call with one {@link release}. */
  acquire(): Promise<void> {
    if (this.active < this.permits) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the permit to the next waiter, or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  /** Runs `task` holding a permit. */
  async use<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }
}
