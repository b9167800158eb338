import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnknownWorkspaceError } from '../../../lib/customer/workspaces.js';
import { PiriodCredentialsError } from '../../../lib/piriod/errors.js';
import type { PiriodWorkspaces, WorkspacePiriod } from '../../../lib/ports.js';
import { emfMetrics, stdoutOf } from '../../support/emf.js';
import { fixture, refreshEventBody, sqsEvent } from '../../support/events.js';
import {
  lambdaContext,
  MemoryBus,
  MemoryDeadLetters,
  MemoryRefreshQueue,
} from '../../support/fakes.js';
import {
  MemoryCycleLease,
  MemoryMirrorStatus,
  MemoryPiriod,
  MemoryStore,
  steppingClock,
} from '../../support/memory-ports.js';

/*
 * One deployment, two Piriod workspaces: the worker and the full mirror read each workspace
 * with its own reader, keep their items and counts apart, and one workspace's failure never
 * stops the other's. The handlers' real Powertools metrics are switched on before they load.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

let worker: typeof import('../../../functions/refresh-customers/handler.js');
let fullMirror: typeof import('../../../functions/full-mirror/handler.js');
beforeAll(async () => {
  worker = await import('../../../functions/refresh-customers/handler.js');
  fullMirror = await import('../../../functions/full-mirror/handler.js');
});
afterEach(() => vi.restoreAllMocks());

const A = 'acc_A';
const B = 'acc_B';
const clock = { now: () => new Date('2026-11-25T12:00:00Z') };
const customer = (n: number) => ({ id: `cus_${n}`, name: `Cliente ${n}` });

/** Two workspaces over in-memory readers; `broken` ones cannot be opened (token unreadable). */
function twoWorkspaces(
  readers: Record<string, MemoryPiriod>,
  broken: readonly string[] = [],
): PiriodWorkspaces {
  return {
    ids: Object.keys(readers),
    open: async (id): Promise<WorkspacePiriod> => {
      if (broken.includes(id))
        throw new Error(
          `the secret arn:${id} (PIRIOD_API_TOKEN_SECRET_ARNS.${id}) has no value yet`,
        );
      const piriod = readers[id];
      if (!piriod) throw new UnknownWorkspaceError(id, Object.keys(readers));
      return { piriod, workspace: id, testMode: false };
    },
  };
}

function workerOf(workspaces: PiriodWorkspaces, store = new MemoryStore()) {
  const deadLetters = new MemoryDeadLetters();
  const handler = worker.createRefreshCustomersHandler(async () => ({
    workspaces,
    store,
    deadLetters,
    concurrency: 2,
    clock,
  }));
  return { handler, store, deadLetters };
}

describe('the refresh worker with two workspaces', () => {
  it("refreshes each message from its own workspace's reader and counts by workspace", async () => {
    const a = new MemoryPiriod([customer(1), customer(2)]);
    const b = new MemoryPiriod([customer(3)]);
    const w = workerOf(twoWorkspaces({ [A]: a, [B]: b }));
    let answer: unknown;
    const lines = await stdoutOf(async () => {
      answer = await w.handler(
        sqsEvent([
          refreshEventBody({ customerIds: ['cus_1', 'cus_2'], workspace: A }),
          JSON.stringify({ customerId: 'cus_3', workspace: B }),
        ]),
        lambdaContext(60_000),
      );
    });
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(a.requests.sort()).toEqual(['get cus_1', 'get cus_2']);
    expect(b.requests).toEqual(['get cus_3']);
    expect([...w.store.items.values()].map((i) => [i.id, i.workspace]).sort()).toEqual([
      ['cus_1', A],
      ['cus_2', A],
      ['cus_3', B],
    ]);
    const created = emfMetrics(lines).filter((m) => m.name === 'created');
    expect(created.map((m) => [m.dimensions.Workspace, m.value]).sort()).toEqual([
      [A, 2],
      [B, 1],
    ]);
    expect(created.every((m) => m.dimensions.service === 'refresh-customers')).toBe(true);
  });

  it('dead-letters, with the reason, a request naming no workspace or one not mirrored', async () => {
    const a = new MemoryPiriod([customer(1)]);
    const b = new MemoryPiriod([customer(3)]);
    const w = workerOf(twoWorkspaces({ [A]: a, [B]: b }));
    const answer = await w.handler(
      sqsEvent([
        refreshEventBody({ customerId: 'cus_1' }),
        JSON.stringify({ customerId: 'cus_3', workspace: 'acc_Z' }),
      ]),
      lambdaContext(60_000),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(a.requests).toEqual([]);
    expect(b.requests).toEqual([]);
    expect(w.deadLetters.sent.map((d) => [d.customerId, d.reason])).toEqual([
      ['cus_1', `no workspace given, and this deployment mirrors 2: name one of ${A}, ${B}`],
      ['cus_3', `workspace "acc_Z" is not mirrored by this deployment (${A}, ${B})`],
    ]);
  });

  it("never tombstones B's customer when A's Piriod answers 404 for its id", async () => {
    const a = new MemoryPiriod([customer(1)]);
    const b = new MemoryPiriod([customer(3)]);
    const w = workerOf(twoWorkspaces({ [A]: a, [B]: b }));
    await w.handler(
      sqsEvent([JSON.stringify({ customerId: 'cus_3', workspace: B })]),
      lambdaContext(60_000),
    );
    const answer = await w.handler(
      sqsEvent([JSON.stringify({ customerId: 'cus_3', workspace: A })]),
      lambdaContext(60_000),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(a.requests).toEqual(['get cus_3']);
    expect(w.store.items.get('cus_3')).toMatchObject({ workspace: B });
    expect(w.store.items.get('cus_3')?.deleted).toBeUndefined();
  });

  it('dead-letters a full mirror’s hand-off naming no workspace too: nothing is taken as the first workspace’s', async () => {
    const a = new MemoryPiriod([customer(1)]);
    const w = workerOf(twoWorkspaces({ [A]: a, [B]: new MemoryPiriod([]) }));
    const answer = await w.handler(
      sqsEvent([{ body: JSON.stringify({ customerId: 'cus_1' }), syncSource: 'schedule' }]),
      lambdaContext(60_000),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(a.requests).toEqual([]);
    expect(w.store.items.get('cus_1')).toBeUndefined();
    expect(w.deadLetters.sent.map((d) => [d.customerId, d.reason])).toEqual([
      ['cus_1', `no workspace given, and this deployment mirrors 2: name one of ${A}, ${B}`],
    ]);
  });

  it("retries A's messages when A's token cannot be read, and refreshes B's meanwhile", async () => {
    const a = new MemoryPiriod([customer(1)]);
    const b = new MemoryPiriod([customer(3)]);
    const w = workerOf(twoWorkspaces({ [A]: a, [B]: b }, [A]));
    const answer = await w.handler(
      sqsEvent([
        JSON.stringify({ customerId: 'cus_1', workspace: A }),
        JSON.stringify({ customerId: 'cus_3', workspace: B }),
      ]),
      lambdaContext(60_000),
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect([...w.store.items.keys()]).toEqual(['cus_3']);
    expect(w.deadLetters.sent).toEqual([]);
  });

  it("dead-letters A's customers when Piriod rejects A's token, and refreshes B's", async () => {
    const a = new MemoryPiriod([customer(1)]);
    a.getCustomer = async () => {
      throw new PiriodCredentialsError('Piriod rejected the API token (401)', { status: 401 });
    };
    const b = new MemoryPiriod([customer(3)]);
    const w = workerOf(twoWorkspaces({ [A]: a, [B]: b }));
    const answer = await w.handler(
      sqsEvent([
        JSON.stringify({ customerId: 'cus_1', workspace: A }),
        JSON.stringify({ customerId: 'cus_3', workspace: B }),
      ]),
      lambdaContext(60_000),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    expect([...w.store.items.keys()]).toEqual(['cus_3']);
    expect(w.deadLetters.sent.map((d) => d.customerId)).toEqual(['cus_1']);
    expect(w.deadLetters.sent[0]?.reason).toMatch(/rejected the API token/);
  });
});

function fullMirrorOfTwo(workspaces: PiriodWorkspaces, store = new MemoryStore()) {
  const leases = new Map<string, MemoryCycleLease>();
  const queue = new MemoryRefreshQueue();
  const bus = new MemoryBus();
  const handler = fullMirror.createFullMirrorHandler(async () => ({
    workspaces,
    store,
    clock,
    queue,
    continuation: bus,
    leaseOf: (scope) => {
      const lease = leases.get(scope.workspace) ?? new MemoryCycleLease();
      leases.set(scope.workspace, lease);
      return lease;
    },
    statusOf: (scope) => new MemoryMirrorStatus(scope),
  }));
  return { handler, store, queue, bus, leases };
}

/** The error an invocation fails with (its log lines, as Lambda would ship them, kept quiet). */
async function failureOf(run: () => Promise<unknown>): Promise<Error> {
  let err: unknown;
  await stdoutOf(async () => {
    err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
  });
  if (!(err instanceof Error)) throw new Error('expected the invocation to fail');
  return err;
}

/** The schedule rule's constant input for workspace `w`. */
const tick = (w: string) => ({ 'detail-type': 'Scheduled Event', detail: { workspace: w } });

describe('the full mirror with two workspaces', () => {
  it("mirrors the workspace its schedule input names, into the shared table, with that workspace's lease and metrics", async () => {
    const a = new MemoryPiriod([customer(1), customer(2)]);
    const b = new MemoryPiriod([customer(3)]);
    const f = fullMirrorOfTwo(twoWorkspaces({ [A]: a, [B]: b }));
    let report: unknown;
    const lines = await stdoutOf(async () => {
      report = await f.handler(tick(B), lambdaContext(900_000));
    });
    expect(report).toMatchObject({ workspace: B, completed: true, created: 1 });
    expect(a.requests).toEqual([]);
    expect([...f.store.items.values()].map((i) => [i.id, i.workspace])).toEqual([['cus_3', B]]);
    expect([...f.leases.keys()]).toEqual([B]);
    const completed = emfMetrics(lines).filter((m) => m.name === 'MirrorCompleted');
    expect(completed.map((m) => m.dimensions)).toEqual([{ service: 'full-mirror', Workspace: B }]);

    await f.handler(tick(A), lambdaContext(900_000));
    expect([...f.store.items.values()].map((i) => [i.id, i.workspace]).sort()).toEqual([
      ['cus_1', A],
      ['cus_2', A],
      ['cus_3', B],
    ]);
  });

  it("tombstones a customer deleted in A only among A's items", async () => {
    const a = new MemoryPiriod([customer(1), customer(2)]);
    const b = new MemoryPiriod([customer(3)]);
    const f = fullMirrorOfTwo(twoWorkspaces({ [A]: a, [B]: b }));
    await f.handler(tick(A), lambdaContext(900_000));
    await f.handler(tick(B), lambdaContext(900_000));
    a.customers = [customer(1)];
    b.customers = [];
    // A's sweep hands its vanished customer to the refresh queue, for A; B is not swept.
    const report = await f.handler(tick(A), lambdaContext(900_000));
    expect(report).toMatchObject({ workspace: A, handedOff: 1 });
    expect(f.queue.messages.map((m) => JSON.parse(m.body))).toEqual([
      { customerId: 'cus_2', workspace: A },
    ]);
  });

  it('refuses a plain Scheduled Event when several workspaces are mirrored, naming them', async () => {
    const f = fullMirrorOfTwo(
      twoWorkspaces({ [A]: new MemoryPiriod([]), [B]: new MemoryPiriod([]) }),
    );
    const err = await failureOf(() => f.handler(fixture('scheduled-event.json'), lambdaContext()));
    expect(err.message).toBe(
      `full-mirror: no workspace given, and this deployment mirrors 2: name one of ${A}, ${B}`,
    );
  });

  it('carries the workspace in its continuation, and a continuation resumes that workspace', async () => {
    const many = Array.from({ length: 6 }, (_, i) => customer(i + 1));
    const a = new MemoryPiriod([]);
    const b = new MemoryPiriod(many, 2);
    const f = fullMirrorOfTwo(twoWorkspaces({ [A]: a, [B]: b }));
    // Every reading of the clock is 30 s later: the budget runs out after the first pages.
    const handler = fullMirror.createFullMirrorHandler(async () => ({
      workspaces: twoWorkspaces({ [A]: a, [B]: b }),
      store: f.store,
      clock: steppingClock('2026-11-25T12:00:00Z', 30_000),
      queue: f.queue,
      continuation: f.bus,
      leaseOf: () => new MemoryCycleLease(),
      statusOf: (scope) => new MemoryMirrorStatus(scope),
    }));
    const first = await handler(tick(B), lambdaContext(120_000));
    expect(first).toMatchObject({ workspace: B, completed: false });
    const [continued] = f.bus.continuations;
    expect(continued).toMatchObject({ workspace: B, invocation: 2 });
    expect(a.requests).toEqual([]);
  });

  it('refuses a continuation without its workspace or its lease token, resuming nothing', async () => {
    const a = new MemoryPiriod([customer(1), customer(2), customer(3)], 1);
    const f = fullMirrorOfTwo(twoWorkspaces({ [A]: a, [B]: new MemoryPiriod([]) }));
    const detail = {
      workspace: A,
      lease: 'token-1',
      startPage: 2,
      cycleStartedAt: '2026-11-25T11:00:00.000Z',
      invocation: 2,
    };
    for (const missing of ['workspace', 'lease'] as const) {
      const { [missing]: _dropped, ...partial } = detail;
      const event = {
        source: 'piriod.mirror',
        'detail-type': 'Full Mirror Continued',
        detail: partial,
      };
      const err = await failureOf(() => f.handler(event, lambdaContext(900_000)));
      expect(err.message, missing).toContain(
        'full-mirror expects an EventBridge "Scheduled Event" or a "Full Mirror Continued" event',
      );
    }
    expect(a.requests).toEqual([]);
  });

  it("fails only A's invocation when A's token cannot be read; B's cycle runs", async () => {
    const b = new MemoryPiriod([customer(3)]);
    const f = fullMirrorOfTwo(twoWorkspaces({ [A]: new MemoryPiriod([]), [B]: b }, [A]));
    expect((await failureOf(() => f.handler(tick(A), lambdaContext()))).message).toMatch(
      /has no value yet/,
    );
    expect(await f.handler(tick(B), lambdaContext())).toMatchObject({
      workspace: B,
      completed: true,
    });
  });
});
