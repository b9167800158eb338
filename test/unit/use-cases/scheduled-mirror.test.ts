import { describe, expect, it } from 'vitest';
import { type Clock, PortError } from '../../../lib/ports.js';
import {
  runScheduledMirror,
  type ScheduledMirrorOptions,
  type ScheduledMirrorResult,
  type SkippedInvocation,
} from '../../../lib/use-cases/scheduled-mirror.js';
import { MemoryBus, MemoryRefreshQueue } from '../../support/fakes.js';
import {
  MemoryCycleLease,
  MemoryMirrorStatus,
  MemoryPiriod,
  MemoryStore,
} from '../../support/memory-ports.js';

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
  return { clock, start: now, advance, set: (iso: string) => (now = Date.parse(iso)) };
}

/** A run that mirrored (not a skipped invocation), or the test fails here. */
function ran(r: ScheduledMirrorResult | SkippedInvocation): ScheduledMirrorResult {
  if (r.skipped) throw new Error(`expected a run, got a skip: ${r.skipped.message}`);
  return r;
}

/** No time budget, and a lease that outlasts the test. */
const FOREVER = {
  deadline: Number.POSITIVE_INFINITY,
  invocationEndsAt: Date.parse('2100-01-01T00:00:00Z'),
};

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
      lease: new MemoryCycleLease(),
      status: new MemoryMirrorStatus(),
    };
    const first = ran(
      await runScheduledMirror(ports, {
        deadline: time.start + 15_000,
        invocationEndsAt: time.start + 900_000,
      }),
    );
    expect(first.completed).toBe(false);
    expect(first.continuedAt).toEqual({
      workspace: 'acc_1',
      startPage: first.nextPage,
      cycleStartedAt: '2026-11-25T12:00:00.000Z',
      invocation: 2,
      lease: expect.any(String),
      counts: expect.objectContaining({ listed: 6, created: 6 }),
    });
    expect(bus.continuations).toEqual([first.continuedAt]);

    const rest = ran(await runScheduledMirror(ports, { resume: first.continuedAt, ...FOREVER }));
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
      lease: new MemoryCycleLease(),
      status: new MemoryMirrorStatus(),
    };
    await runScheduledMirror(
      { ...ports, piriod: new MemoryPiriod([customer(1), customer(2)]) },
      FOREVER,
    );
    const r = ran(
      await runScheduledMirror(
        { ...ports, piriod: new MemoryPiriod([customer(2, { send_invoices: 'yes' })]) },
        FOREVER,
      ),
    );
    expect(r.handedOff).toBe(2);
    expect(queue.messages).toEqual([
      { body: '{"customerId":"cus_2","workspace":"acc_1"}', syncSource: 'schedule' },
      { body: '{"customerId":"cus_1","workspace":"acc_1"}', syncSource: 'schedule' },
    ]);
  });
});

describe("runScheduledMirror: a cycle's last invocation keeps the deadline", () => {
  it('stops the re-listing and the sweep at the deadline and hands them to a next invocation, which sweeps once', async () => {
    const time = pagedTime();
    const live = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => customer(n));
    const store = new MemoryStore();
    const queue = new MemoryRefreshQueue();
    const bus = new MemoryBus();
    const lease = new MemoryCycleLease();
    const ports = {
      store,
      clock: time.clock,
      workspace: 'acc_1',
      source: 'schedule' as const,
      queue,
      continuation: bus,
      lease,
      status: new MemoryMirrorStatus(),
    };
    // The table holds four customers more than Piriod now lists: the sweep's work.
    const vanished = [11, 12, 13, 14].map((n) => customer(n));
    await runScheduledMirror(
      { ...ports, piriod: new MemoryPiriod([...live, ...vanished], 100) },
      FOREVER,
    );
    const piriod = new MemoryPiriod(live, 2, time.advance);
    const withPiriod = { ...ports, piriod };
    const invocationEndsAt = time.start + 900_000;

    // Invocation 1 lists pages 1 and 2; invocation 2 lists 3 to 5 and reaches its deadline.
    const first = ran(
      await runScheduledMirror(withPiriod, { deadline: time.start + 15_000, invocationEndsAt }),
    );
    const second = ran(
      await runScheduledMirror(withPiriod, {
        resume: first.continuedAt,
        deadline: time.clock.now().getTime() + 25_000,
        invocationEndsAt,
      }),
    );
    expect(second.completed).toBe(false);
    expect(second.sweepPending).toBe(true);
    expect(second.continuedAt).toEqual({
      workspace: 'acc_1',
      startPage: 1,
      cycleStartedAt: first.continuedAt?.cycleStartedAt,
      invocation: 3,
      lease: first.continuedAt?.lease,
      sweep: true,
      counts: expect.objectContaining({ listed: 10 }),
    });
    expect(queue.messages, 'no sweep past the deadline').toEqual([]);
    const requestsBefore = piriod.requests.length;

    // Five pages of ids at 10 s each end past its 45 s: the sweep is all that is left, so it
    // finishes rather than hand the cycle on again.
    const third = ran(
      await runScheduledMirror(withPiriod, {
        resume: second.continuedAt,
        deadline: time.clock.now().getTime() + 45_000,
        invocationEndsAt,
      }),
    );
    expect(third.completed).toBe(true);
    expect(third.continuedAt).toBeUndefined();
    // It listed the ids again (five pages, no writes, no fetch by id) and swept once.
    expect(piriod.requests.slice(requestsBefore)).toEqual([1, 2, 3, 4, 5].map((p) => `list ${p}`));
    expect(queue.messages.map((m) => JSON.parse(m.body).customerId).sort()).toEqual(
      vanished.map((c) => c.id),
    );
    // The cycle is over: its lease is released, so the next tick starts a new one.
    const tick = ran(await runScheduledMirror(withPiriod, FOREVER));
    expect(tick.completed).toBe(true);
  });

  it('ends the cycle without its sweep when even an invocation with only the sweep left cannot list the ids in time', async () => {
    const time = pagedTime();
    const piriod = new MemoryPiriod(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => customer(n)),
      2,
      time.advance,
    );
    const queue = new MemoryRefreshQueue();
    const ports = {
      piriod,
      store: new MemoryStore(),
      clock: time.clock,
      workspace: 'acc_1',
      source: 'schedule' as const,
      queue,
      continuation: new MemoryBus(),
      lease: new MemoryCycleLease(),
      status: new MemoryMirrorStatus(),
    };
    // The cycle's third invocation holds the lease, and hands the sweep to this, its fourth.
    const heldLease = 'cycle-token';
    ports.lease.item = {
      token: heldLease,
      cycleStartedAt: '2026-11-25T11:50:00.000Z',
      invocation: 3,
      expiresAt: new Date(time.start + 1_800_000).toISOString(),
    };
    const r = ran(
      await runScheduledMirror(ports, {
        resume: {
          workspace: 'acc_1',
          startPage: 1,
          cycleStartedAt: '2026-11-25T11:50:00.000Z',
          invocation: 4,
          lease: heldLease,
          sweep: true,
        },
        deadline: time.start + 15_000,
        invocationEndsAt: time.start + 900_000,
      }),
    );
    // Handing the sweep on again would repeat this invocation for ever.
    expect(r).toMatchObject({ completed: true, sweepSkipped: true, continuedAt: undefined });
    expect(queue.messages).toEqual([]);
  });
});

describe('runScheduledMirror: one cycle at a time (the cycle lease)', () => {
  /** Ten customers in five pages of two; every page served costs 10 s of this test's time. */
  function setUp() {
    const time = pagedTime();
    const customers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => customer(n));
    const piriod = new MemoryPiriod(customers, 2, time.advance);
    const lease = new MemoryCycleLease();
    const status = new MemoryMirrorStatus();
    const store = new MemoryStore();
    const ports = (bus = new MemoryBus(), queue = new MemoryRefreshQueue()) => ({
      piriod,
      store,
      clock: time.clock,
      workspace: 'acc_1',
      source: 'schedule' as const,
      queue,
      continuation: bus,
      lease,
      status,
    });
    // Two pages per invocation; the lease lasts 30 min past each invocation's start.
    const budget = (): ScheduledMirrorOptions => {
      const at = time.clock.now().getTime();
      return { deadline: at + 15_000, invocationEndsAt: at + 900_000 };
    };
    return { time, piriod, lease, store, ports, budget };
  }

  it('skips a tick while a cycle runs: the tick lists, writes and hands on nothing', async () => {
    const { piriod, store, ports, budget } = setUp();
    const first = ran(await runScheduledMirror(ports(), budget()));
    expect(first.continuedAt).toBeDefined();
    const requests = piriod.requests.length;
    const writes = store.writes;

    const bus = new MemoryBus();
    const queue = new MemoryRefreshQueue();
    const tick = await runScheduledMirror(ports(bus, queue), budget());
    expect(tick.skipped).toMatchObject({
      reason: 'cycle-running',
      holder: { cycleStartedAt: '2026-11-25T12:00:00.000Z' },
    });
    expect(tick.skipped?.message).toMatch(/holds the lease until/);
    expect(piriod.requests).toHaveLength(requests);
    expect(store.writes).toBe(writes);
    expect(bus.continuations).toEqual([]);
    expect(queue.messages).toEqual([]);
  });

  it('lets a continuation renew its cycle, releases at the end, and then the next tick runs', async () => {
    const { lease, store, ports, budget } = setUp();
    const bus = new MemoryBus();
    let r = ran(await runScheduledMirror(ports(bus), budget()));
    while (r.continuedAt) {
      r = ran(await runScheduledMirror(ports(bus), { resume: r.continuedAt, ...budget() }));
    }
    expect(r.completed).toBe(true);
    expect(store.items.size).toBe(10);
    expect(bus.continuations.length).toBeGreaterThan(0);
    expect(lease.calls).toEqual([
      'acquire',
      ...bus.continuations.map(() => 'renew'),
      'release (completed)',
    ]);

    const next = ran(await runScheduledMirror(ports(), budget()));
    expect(next.completed).toBe(false);
    expect(next.tookOverFrom).toBeUndefined();
  });

  it("takes over a crashed cycle's expired lease; that cycle's late continuation then stops", async () => {
    const { time, piriod, store, ports, budget } = setUp();
    const crashed = ran(await runScheduledMirror(ports(), budget()));
    // The invocation that should have run crashed-cycle's continuation never did; 31 min on,
    // its lease has expired.
    time.set('2026-11-25T12:31:00Z');
    const takeover = ran(await runScheduledMirror(ports(), budget()));
    expect(takeover.tookOverFrom).toMatchObject({ cycleStartedAt: '2026-11-25T12:00:00.000Z' });

    const requests = piriod.requests.length;
    const writes = store.writes;
    const bus = new MemoryBus();
    const late = await runScheduledMirror(ports(bus), { resume: crashed.continuedAt, ...budget() });
    expect(late.skipped).toMatchObject({
      reason: 'cycle-superseded',
      holder: { cycleStartedAt: '2026-11-25T12:31:00.000Z' },
    });
    expect(piriod.requests).toHaveLength(requests);
    expect(store.writes).toBe(writes);
    expect(bus.continuations).toEqual([]);
  });

  it('does nothing for a repeated continuation of a cycle that already completed', async () => {
    const { piriod, ports, budget } = setUp();
    const bus = new MemoryBus();
    let r = ran(await runScheduledMirror(ports(bus), budget()));
    const firstContinuation = r.continuedAt;
    while (r.continuedAt) {
      r = ran(await runScheduledMirror(ports(bus), { resume: r.continuedAt, ...budget() }));
    }
    const requests = piriod.requests.length;
    const again = await runScheduledMirror(ports(), { resume: firstContinuation, ...budget() });
    expect(again.skipped?.reason).toBe('cycle-completed');
    expect(piriod.requests).toHaveLength(requests);
  });

  it('runs a continuation delivered twice once: the copy does nothing while its cycle runs on', async () => {
    const { piriod, lease, time, ports, budget } = setUp();
    const first = ran(await runScheduledMirror(ports(), budget()));
    const next = first.continuedAt;
    if (!next?.lease) throw new Error('expected a continuation carrying the lease');
    // Invocation 2 is running: it has renewed the lease (what its own run does first).
    const now = time.clock.now().toISOString();
    const until = new Date(time.clock.now().getTime() + 1_800_000).toISOString();
    const claim = { token: next.lease, cycleStartedAt: next.cycleStartedAt, invocation: 2 };
    expect(await lease.renew({ ...claim, now, expiresAt: until })).toEqual({ held: true });
    const requests = piriod.requests.length;
    // EventBridge delivers at least once: the same continuation arrives again.
    const copy = await runScheduledMirror(ports(), { resume: next, ...budget() });
    expect(copy.skipped).toMatchObject({
      reason: 'duplicate-continuation',
      holder: { invocation: 2 },
    });
    expect(piriod.requests).toHaveLength(requests);
  });

  it('releases the lease when an invocation fails, so the next tick need not wait for its expiry', async () => {
    const { lease, ports, budget } = setUp();
    const failing = {
      ...ports(),
      queue: new MemoryRefreshQueue(),
      continuation: Object.assign(new MemoryBus(), {
        continueFrom: async () => {
          throw new Error('EventBridge unavailable');
        },
      }),
    };
    await expect(runScheduledMirror(failing, budget())).rejects.toThrow(/EventBridge/);
    expect(lease.calls).toEqual(['acquire', 'release (failed)']);
    const next = ran(await runScheduledMirror(ports(), budget()));
    expect(next.tookOverFrom).toMatchObject({ cycleStartedAt: '2026-11-25T12:00:00.000Z' });
  });
});

describe('runScheduledMirror: the status and the announcements of a cycle', () => {
  const counts = (c: Partial<Record<string, number>>) => ({
    listed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    stale: 0,
    deleted: 0,
    failed: 0,
    handedOff: 0,
    ...c,
  });

  function setUp(customers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => customer(n))) {
    const time = pagedTime();
    const piriod = new MemoryPiriod(customers, 2, time.advance);
    const status = new MemoryMirrorStatus();
    const bus = new MemoryBus();
    const ports = {
      piriod,
      store: new MemoryStore(),
      clock: time.clock,
      workspace: 'acc_1',
      source: 'schedule' as const,
      queue: new MemoryRefreshQueue(),
      continuation: bus,
      lease: new MemoryCycleLease(),
      status,
    };
    // Two pages per invocation.
    const budget = (ms = 15_000): ScheduledMirrorOptions => {
      const at = time.clock.now().getTime();
      return { deadline: at + ms, invocationEndsAt: at + 900_000, schedulePeriodMinutes: 15 };
    };
    return { time, piriod, status, bus, ports, budget };
  }

  it('records a cycle across its invocations once, with the counts of the whole cycle, and announces it once', async () => {
    const { status, bus, ports, budget } = setUp();
    const first = ran(await runScheduledMirror(ports, budget()));
    expect(status.item).toEqual({
      lastStartedAt: '2026-11-25T12:00:00.000Z',
      schedulePeriodMinutes: 15,
    });
    let at = first;
    while (at.continuedAt) {
      // Room for the rest of the listing and the sweep's re-listing.
      at = ran(await runScheduledMirror(ports, { ...budget(60_000), resume: at.continuedAt }));
    }
    expect(at.completedAt).toBeDefined();
    const whole = counts({ listed: 10, created: 10 });
    expect(status.item).toMatchObject({
      lastStartedAt: '2026-11-25T12:00:00.000Z',
      lastCompletedAt: at.completedAt,
      lastCycle: whole,
    });
    expect(bus.completed).toEqual([
      {
        workspace: 'acc_1',
        testMode: false,
        startedAt: '2026-11-25T12:00:00.000Z',
        completedAt: at.completedAt,
        ...whole,
      },
    ]);
    expect(bus.failed).toEqual([]);
  });

  it('a cycle that fails is recorded and announced as failed with its partial counts, and never as completed', async () => {
    const { piriod, status, bus, ports, budget } = setUp();
    const first = ran(await runScheduledMirror(ports, budget()));
    piriod.failListing = new PortError('Piriod rejected the token', {
      kind: 'credentials-rejected',
    });
    await expect(
      runScheduledMirror(ports, { ...budget(), resume: first.continuedAt }),
    ).rejects.toThrow(/rejected the token/);
    expect(status.item.lastCompletedAt).toBeUndefined();
    expect(status.item.lastFailure).toEqual({
      at: expect.any(String),
      reason: 'Piriod rejected the token',
    });
    expect(bus.completed).toEqual([]);
    expect(bus.failed).toEqual([
      expect.objectContaining({
        workspace: 'acc_1',
        testMode: false,
        reason: 'Piriod rejected the token',
        // The first invocation's work still counts.
        created: 6,
        listed: 6,
      }),
    ]);
  });

  it('a cycle that ends without its sweep is partial: a failure, not a completed cycle', async () => {
    const { status, bus, ports } = setUp([]);
    // The cycle's earlier invocation holds the lease, and hands the sweep to this one.
    ports.lease.item = {
      token: 'cycle-token',
      cycleStartedAt: '2026-11-25T11:00:00.000Z',
      invocation: 1,
      expiresAt: '2100-01-01T00:00:00.000Z',
    };
    const skipped = ran(
      await runScheduledMirror(
        {
          ...ports,
          piriod: new MemoryPiriod([customer(1), customer(2), customer(3)], 1, () => {}),
        },
        {
          deadline: 0,
          invocationEndsAt: Date.parse('2100-01-01T00:00:00Z'),
          resume: {
            workspace: 'acc_1',
            startPage: 1,
            cycleStartedAt: '2026-11-25T11:00:00.000Z',
            invocation: 2,
            lease: 'cycle-token',
            sweep: true,
          },
        },
      ),
    );
    expect(skipped.sweepSkipped).toBe(true);
    expect(status.item.lastCompletedAt).toBeUndefined();
    expect(status.item.lastFailure?.reason).toMatch(/without its sweep/);
    expect(bus.completed).toEqual([]);
    expect(bus.failed).toHaveLength(1);
  });

  it('a tick skipped on the lease records nothing and announces nothing', async () => {
    const { status, bus, ports, budget } = setUp();
    ran(await runScheduledMirror(ports, budget()));
    const before = { ...status.item };
    const tick = await runScheduledMirror(ports, budget());
    expect(tick.skipped?.reason).toBe('cycle-running');
    expect(status.item).toEqual(before);
    expect(bus.completed).toEqual([]);
    expect(bus.failed).toEqual([]);
  });

  it('a bus that refuses the announcement leaves the cycle completed and says so', async () => {
    const { status, bus, ports } = setUp([customer(1)]);
    bus.failAnnouncements = true;
    const done = ran(
      await runScheduledMirror(ports, {
        deadline: Number.POSITIVE_INFINITY,
        invocationEndsAt: Date.parse('2100-01-01T00:00:00Z'),
      }),
    );
    expect(done.completedAt).toBeDefined();
    expect(status.item.lastCompletedAt).toBe(done.completedAt);
    expect(done.unannounced).toBe('bus unavailable');
  });
});
