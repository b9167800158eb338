import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFullMirrorHandler,
  type FullMirrorDeps,
} from '../../../functions/full-mirror/handler.js';
import { createRefreshCustomersHandler } from '../../../functions/refresh-customers/handler.js';
import { EVENT_SOURCE, MIRROR_CONTINUED } from '../../../lib/messages/events.js';
import { PiriodClient } from '../../../lib/piriod/client.js';
import type { Clock } from '../../../lib/ports.js';
import { countCalls } from '../../../lib/store/call-counter.js';
import { createDocumentClient } from '../../../lib/store/dynamodb-client.js';
import { DynamoCustomerStore } from '../../../lib/store/dynamodb-customer-store.js';
import { DynamoCycleLease, fullMirrorLeaseId } from '../../../lib/store/dynamodb-cycle-lease.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { fixture, sqsEvent } from '../../support/events.js';
import {
  lambdaContext,
  MemoryBus,
  MemoryDeadLetters,
  MemoryRefreshQueue,
} from '../../support/fakes.js';
import { customerPart, expectedMirror, scanTable } from '../../support/oracle.js';
import { fullMirrorOf, inWorkspace } from '../../support/workspace-deps.js';

let sandbox: Sandbox;
let t: TestTable;
let now: number;
/** Simulated time: every listing page served costs 10 s, so budgets run out deterministically. */
const clock: Clock = { now: () => new Date(now) };

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 1200, invalidEvery: 400 });
  sandbox.onListPage(() => {
    now += 10_000;
  });
  t = await createTestTable('full_mirror');
  now = Date.parse('2026-11-25T12:00:00Z');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

function deps(queue: MemoryRefreshQueue, bus: MemoryBus, table: TestTable = t): FullMirrorDeps {
  const piriod = new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
    // One request at a time: the simulated clock charges 10 s per page served, a model of
    // time that holds only when pages are fetched one after another (no prefetch).
    pace: { requestsPerSecond: 0, concurrency: 1 },
  });
  return fullMirrorOf({
    piriod,
    store: table.store,
    lease: table.lease({ workspace: sandbox.workspace }),
    queue,
    continuation: bus,
    workspace: sandbox.workspace,
    clock,
  });
}

type Report = Awaited<ReturnType<ReturnType<typeof createFullMirrorHandler>>>;
/** The report of an invocation that mirrored, or the test fails here. */
function ran(report: Report) {
  if ('skipped' in report) throw new Error(`expected a run, got a skip: ${report.reason}`);
  return report;
}

/** Runs a whole cycle the way AWS would: schedule, then each continuation event. */
async function cycle(remainingMs: number) {
  const queue = new MemoryRefreshQueue();
  const bus = new MemoryBus();
  const handler = createFullMirrorHandler(async () => deps(queue, bus));
  const reports = [ran(await handler(fixture('scheduled-event.json'), lambdaContext(remainingMs)))];
  while (bus.continuations.length > 0) {
    reports.push(
      ran(await handler(continuation(bus.continuations.shift()), lambdaContext(remainingMs))),
    );
  }
  return { reports, queue };
}

function continuation(detail: unknown) {
  return { source: EVENT_SOURCE, 'detail-type': MIRROR_CONTINUED, detail };
}

/** Drains the refresh queue through the real worker, ten messages per batch. */
async function drainQueue(queue: MemoryRefreshQueue) {
  const piriod = new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
  });
  const dlq = new MemoryDeadLetters();
  const worker = createRefreshCustomersHandler(async () =>
    inWorkspace({
      piriod,
      store: t.store,
      deadLetters: dlq,
      workspace: sandbox.workspace,
      concurrency: 4,
      clock,
    }),
  );
  while (queue.messages.length > 0) {
    const batch = queue.take(10).map((m) => ({ body: m.body, syncSource: m.syncSource }));
    const res = await worker(sqsEvent(batch), lambdaContext());
    expect(res.batchItemFailures).toEqual([]);
  }
  return dlq;
}

describe('full-mirror handler', () => {
  it('works within its time budget, continues across invocations and ends consistent', async () => {
    // 60 s left, 20% margin → 48 s of budget → 5 pages of 10 s per invocation. The third
    // lists pages 11-12 and then has no time to list the ids again for its sweep: a fourth
    // gets the sweep. Here listing ids costs as much as mirroring (10 s a page), so 12 pages
    // never fit one budget, and the cycle ends without its sweep rather than outlive it.
    const { reports, queue } = await cycle(60_000);
    expect(reports.map((r) => r.completed)).toEqual([false, false, false, true]);
    expect(reports.map((r) => r.nextPage)).toEqual([6, 11, undefined, undefined]);
    expect(reports.map((r) => [r.sweepPending, r.sweepSkipped])).toEqual([
      [false, false],
      [false, false],
      [true, false],
      [false, true],
    ]);
    expect(reports.reduce((n, r) => n + r.created, 0)).toBe(1197);

    // Invalid snapshots were handed to the refresh queue, marked as scheduled work.
    expect(queue.messages).toHaveLength(3);
    expect(queue.messages.every((m) => m.syncSource === 'schedule')).toBe(true);
    const dlq = await drainQueue(queue);
    expect(dlq.sent.map((m) => m.customerId).sort()).toEqual(
      [...expectedMirror(sandbox).invalid].sort(),
    );

    const oracle = expectedMirror(sandbox);
    const items = await scanTable(t);
    expect(items.size).toBe(oracle.customers.size);
    for (const [id, c] of oracle.customers) expect(customerPart(items.get(id)!)).toEqual(c);
    expect([...items.values()].every((i) => i.syncSource === 'schedule')).toBe(true);
  });

  it('tombstones customers deleted in Piriod within one full cycle', async () => {
    const victims = sandbox
      .customers()
      .filter((c) => c.send_invoices !== 'yes')
      .slice(50, 53)
      .map((c) => c.id);
    for (const id of victims) {
      sandbox.corruptCustomer(id, { aggregations: { sales: 0 } });
      sandbox.deleteCustomer(id);
    }
    // 160 s left → 128 s of budget: the twelve pages and the sweep fit one invocation.
    const { reports, queue } = await cycle(160_000);
    expect(reports.map((r) => r.completed)).toEqual([true]);
    const handedOff = queue.messages.map((m) => JSON.parse(m.body).customerId);
    expect(handedOff).toEqual(expect.arrayContaining(victims));
    await drainQueue(queue);
    const items = await scanTable(t);
    for (const id of victims) expect(items.get(id)).toMatchObject({ deleted: true });
  });

  /**
   * Another invocation's view of the same table: its own client, so what that invocation
   * calls and writes is counted apart.
   */
  function otherInvocation() {
    const client = createDocumentClient({ endpoint: t.endpoint });
    const counter = countCalls(client);
    const queue = new MemoryRefreshQueue();
    const bus = new MemoryBus();
    const lease = new DynamoCycleLease({
      client,
      tableName: t.tableName,
      leaseId: fullMirrorLeaseId({ workspace: sandbox.workspace }),
    });
    const handler = createFullMirrorHandler(async () => ({
      ...deps(queue, bus),
      store: new DynamoCustomerStore({ client, tableName: t.tableName }),
      leaseOf: () => lease,
    }));
    return { handler, counter, queue, bus };
  }

  /** What an invocation that wrote nothing did: one rejected lease claim, nothing else. */
  function expectNothingWritten(other: ReturnType<typeof otherInvocation>) {
    expect(other.counter.calls).toEqual({ UpdateItemCommand: 1 });
    expect(other.counter.capacity).toMatchObject({ writeUnits: 0, conditionalFailures: 1 });
    expect(other.queue.messages).toEqual([]);
    expect(other.bus.continuations).toEqual([]);
  }

  it('runs one cycle when two invocations overlap; the other ends with its reason and writes nothing', async () => {
    const queue = new MemoryRefreshQueue();
    const bus = new MemoryBus();
    const handler = createFullMirrorHandler(async () => deps(queue, bus));
    const other = otherInvocation();
    // A second tick arrives while the first invocation is listing its first page.
    let overlapping: Promise<Report> | undefined;
    sandbox.onListPage(() => {
      now += 10_000;
      overlapping ??= other.handler(fixture('scheduled-event.json'), lambdaContext(60_000));
    });
    let first: Report;
    try {
      first = await handler(fixture('scheduled-event.json'), lambdaContext(60_000));
    } finally {
      sandbox.onListPage(() => {
        now += 10_000;
      });
    }
    expect(overlapping).toBeDefined();
    expect(await overlapping).toEqual({
      completed: false,
      skipped: 'cycle-running',
      reason: expect.stringMatching(/cycle started at .* holds the lease until/),
    });
    expectNothingWritten(other);

    // A tick between two invocations of the running cycle is skipped the same way…
    const between = otherInvocation();
    const tick = await between.handler(fixture('scheduled-event.json'), lambdaContext(60_000));
    expect(tick).toMatchObject({ skipped: 'cycle-running' });
    expectNothingWritten(between);

    // …and the running cycle carries on through its continuations to the end.
    expect(ran(first).completed).toBe(false);
    let last = ran(first);
    while (bus.continuations.length > 0) {
      last = ran(await handler(continuation(bus.continuations.shift()), lambdaContext(60_000)));
    }
    expect(last.completed).toBe(true);
  });

  it("lets the next tick take over a crashed cycle's expired lease, and stops that cycle's late continuation", async () => {
    const lost = new MemoryBus();
    const handler = createFullMirrorHandler(async () => deps(new MemoryRefreshQueue(), lost));
    const crashed = ran(await handler(fixture('scheduled-event.json'), lambdaContext(60_000)));
    expect(crashed.completed).toBe(false);
    const stale = lost.continuations.shift(); // never delivered: the chain broke

    // The lease lasts the invocation (60 s) plus one schedule period (15 min) past its start.
    now += 17 * 60_000;
    const { reports } = await cycle(60_000);
    expect(reports[0]?.tookOverFrom).toMatchObject({ cycleStartedAt: stale?.cycleStartedAt });
    expect(reports.at(-1)?.completed).toBe(true);

    const late = otherInvocation();
    expect(await late.handler(continuation(stale), lambdaContext(60_000))).toMatchObject({
      skipped: 'cycle-superseded',
      reason: expect.stringMatching(/lost its lease/),
    });
    expectNothingWritten(late);
  });

  it('rejects an event that is neither the schedule nor a continuation', async () => {
    const handler = createFullMirrorHandler(async () =>
      deps(new MemoryRefreshQueue(), new MemoryBus()),
    );
    await expect(handler({ hello: 'world' }, lambdaContext())).rejects.toThrow(
      /expects an EventBridge "Scheduled Event"/,
    );
  });
});
