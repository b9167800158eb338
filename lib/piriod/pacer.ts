import { Semaphore } from '../concurrency/pool.js';
import { sleep as realSleep } from '../concurrency/sleep.js';

/** Client-side pacing so a full mirror never hammers Piriod. */
export interface PaceOptions {
  /** Requests started per second at most; 0 or Infinity for no rate limit. Default 20. */
  requestsPerSecond: number;
  /** Requests in flight at most. Default 8. */
  concurrency: number;
}

export const DEFAULT_PACE: PaceOptions = { requestsPerSecond: 20, concurrency: 8 };

/**
 * Limits how many requests run at once and how fast they start: a semaphore plus a start
 * schedule spaced `1/requestsPerSecond` apart (a token bucket with a burst of one).
 */
export class Pacer {
  private readonly slots: Semaphore;
  private nextStart = 0;
  private readonly intervalMs: number;

  constructor(
    options: PaceOptions,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {
    this.slots = new Semaphore(options.concurrency);
    this.intervalMs =
      options.requestsPerSecond > 0 && Number.isFinite(options.requestsPerSecond)
        ? 1000 / options.requestsPerSecond
        : 0;
  }

  /** Runs `task` once a slot is free and its start time has come. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.slots.use(async () => {
      await this.waitForTurn();
      return task();
    });
  }

  private async waitForTurn(): Promise<void> {
    if (this.intervalMs === 0) return;
    const now = this.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.intervalMs;
    if (start > now) await this.sleep(start - now);
  }
}
