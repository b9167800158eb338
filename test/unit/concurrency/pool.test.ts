import { describe, expect, it } from 'vitest';
import { forEachConcurrent, Semaphore } from '../../../lib/concurrency/pool.js';
import { Pacer } from '../../../lib/piriod/pacer.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('never lets more than its permits run at once, and serves waiters in order', async () => {
    const sem = new Semaphore(2);
    const started: number[] = [];
    const gates = new Map<number, () => void>();
    const tasks = [0, 1, 2, 3].map((i) =>
      sem.use(
        () =>
          new Promise<void>((resolve) => {
            started.push(i);
            gates.set(i, resolve);
          }),
      ),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    gates.get(0)?.();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates.get(1)?.();
    gates.get(2)?.();
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    gates.get(3)?.();
    await Promise.all(tasks);
  });
});

describe('Pacer', () => {
  it('schedules request starts 1/rate apart', async () => {
    const waits: number[] = [];
    const pacer = new Pacer(
      { requestsPerSecond: 10, concurrency: 4 },
      () => 0,
      async (ms) => {
        waits.push(ms);
      },
    );
    await Promise.all([1, 2, 3, 4].map(() => pacer.run(async () => {})));
    expect(waits).toEqual([100, 200, 300]);
  });
});

describe('forEachConcurrent', () => {
  it('stops taking new items once stop() turns true, and rethrows the first error', async () => {
    const seen: number[] = [];
    await forEachConcurrent(
      [1, 2, 3, 4, 5],
      1,
      async (i) => {
        seen.push(i);
      },
      () => seen.length >= 2,
    );
    expect(seen).toEqual([1, 2]);
    await expect(
      forEachConcurrent([1, 2, 3], 2, async (i) => {
        if (i === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
