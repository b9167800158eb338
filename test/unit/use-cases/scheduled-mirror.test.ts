import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../lib/ports.js';
import { runScheduledMirror } from '../../../lib/use-cases/scheduled-mirror.js';
import { MemoryBus, MemoryRefreshQueue } from '../../support/fakes.js';
import { MemoryPiriod, MemoryStore } from '../../support/memory-ports.js';

const customer = (n: number, extra: Record<string, unknown> = {}) => ({
  id: `cus_${n}`,
  name: `Cliente ${n}`,
  ...extra,
});

/** This test's time: stands still until a listing page is served, which costs 10 s. */
function pagedTime() {
  let now = Date.parse('2026-11-25T12:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const advance = () => {
    now += 10_000;
  };
  return { clock, start: now, advance };
}

describe('runScheduledMirror with in-memory ports', () => {
  it('stops between pages when the budget runs out and hands the rest on as a continuation', async () => {
    const time = pagedTime();
    const piriod = new MemoryPiriod(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => customer(n)),
      2,
      time.advance,
    );
    const store = new MemoryStore();
    const bus = new MemoryBus();
    const ports = {
      piriod,
      store,
      clock: time.clock,
      workspace: 'acc_1',
      source: 'schedule' as const,
      queue: new MemoryRefreshQueue(),
      continuation: bus,
    };
    const first = await runScheduledMirror(ports, { deadline: time.start + 15_000 });
    expect(first.completed).toBe(false);
    expect(first.continuedAt).toEqual({
      startPage: first.nextPage,
      cycleStartedAt: '2026-11-25T12:00:00.000Z',
      invocation: 2,
    });
    expect(bus.continuations).toEqual([first.continuedAt]);

    const rest = await runScheduledMirror(ports, {
      resume: first.continuedAt,
      deadline: Number.POSITIVE_INFINITY,
    });
    expect(rest.completed).toBe(true);
    expect(rest.continuedAt).toBeUndefined();
    expect(bus.continuations).toHaveLength(1);
    expect(store.items.size).toBe(10);
  });

  it('hands invalid entries and vanished customers to the refresh queue, marked schedule', async () => {
    const time = pagedTime();
    const store = new MemoryStore();
    const queue = new MemoryRefreshQueue();
    const ports = {
      store,
      clock: time.clock,
      workspace: 'acc_1',
      source: 'schedule' as const,
      queue,
      continuation: new MemoryBus(),
    };
    await runScheduledMirror(
      { ...ports, piriod: new MemoryPiriod([customer(1), customer(2)]) },
      { deadline: Number.POSITIVE_INFINITY },
    );
    const r = await runScheduledMirror(
      { ...ports, piriod: new MemoryPiriod([customer(2, { send_invoices: 'yes' })]) },
      { deadline: Number.POSITIVE_INFINITY },
    );
    expect(r.handedOff).toBe(2);
    expect(queue.messages).toEqual([
      { body: '{"customerId":"cus_2"}', syncSource: 'schedule' },
      { body: '{"customerId":"cus_1"}', syncSource: 'schedule' },
    ]);
  });
});
