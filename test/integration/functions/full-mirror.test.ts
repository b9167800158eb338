import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFullMirrorHandler,
  type FullMirrorDeps,
} from '../../../functions/full-mirror/handler.js';
import { createSyncCustomersHandler } from '../../../functions/sync-customers/handler.js';
import { EVENT_SOURCE, MIRROR_CONTINUED } from '../../../lib/messages/events.js';
import { PiriodClient } from '../../../lib/piriod/index.js';
import { type Sandbox, startSandbox } from '../../../lib/sandbox/index.js';
import type { Clock } from '../../../lib/use-cases/index.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { fixture, sqsEvent } from '../../support/events.js';
import {
  lambdaContext,
  MemoryBus,
  MemoryDeadLetters,
  MemoryRefreshQueue,
} from '../../support/fakes.js';
import { customerPart, expectedMirror, scanTable } from '../../support/oracle.js';

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
  t = await createTestTable('planner');
  now = Date.parse('2026-11-25T12:00:00Z');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

function deps(queue: MemoryRefreshQueue, bus: MemoryBus): FullMirrorDeps {
  const piriod = new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
    // One request at a time: the simulated clock charges 10 s per page served, a model of
    // time that holds only when pages are fetched one after another (no prefetch).
    pace: { requestsPerSecond: 0, concurrency: 1 },
  });
  return { piriod, store: t.store, queue, continuation: bus, workspace: sandbox.workspace, clock };
}

/** Runs a whole cycle the way AWS would: schedule, then each continuation event. */
async function cycle(remainingMs: number) {
  const queue = new MemoryRefreshQueue();
  const bus = new MemoryBus();
  const handler = createFullMirrorHandler(async () => deps(queue, bus));
  const reports = [await handler(fixture('scheduled-event.json'), lambdaContext(remainingMs))];
  while (bus.continuations.length > 0) {
    const detail = bus.continuations.shift();
    const event = { source: EVENT_SOURCE, 'detail-type': MIRROR_CONTINUED, detail };
    reports.push(await handler(event, lambdaContext(remainingMs)));
  }
  return { reports, queue };
}

/** Drains the refresh queue through the real worker, ten messages per batch. */
async function drainQueue(queue: MemoryRefreshQueue) {
  const piriod = new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
  });
  const dlq = new MemoryDeadLetters();
  const worker = createSyncCustomersHandler(async () => ({
    piriod,
    store: t.store,
    deadLetters: dlq,
    workspace: sandbox.workspace,
    concurrency: 4,
    clock,
  }));
  while (queue.messages.length > 0) {
    const batch = queue.take(10).map((m) => ({ body: m.body, syncSource: m.syncSource }));
    const res = await worker(sqsEvent(batch), lambdaContext());
    expect(res.batchItemFailures).toEqual([]);
  }
  return dlq;
}

describe('full-mirror handler', () => {
  it('works within its time budget, continues across invocations and ends consistent', async () => {
    // 60 s left, 20% margin → 48 s of budget → 5 pages of 10 s per invocation.
    const { reports, queue } = await cycle(60_000);
    expect(reports.map((r) => r.completed)).toEqual([false, false, true]);
    expect(reports.map((r) => r.nextPage)).toEqual([6, 11, undefined]);
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
    const { reports, queue } = await cycle(60_000);
    expect(reports.at(-1)?.completed).toBe(true);
    const handedOff = queue.messages.map((m) => JSON.parse(m.body).customerId);
    expect(handedOff).toEqual(expect.arrayContaining(victims));
    await drainQueue(queue);
    const items = await scanTable(t);
    for (const id of victims) expect(items.get(id)).toMatchObject({ deleted: true });
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
