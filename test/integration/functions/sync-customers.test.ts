import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createRefreshCustomersHandler,
  type RefreshCustomersDeps,
} from '../../../functions/refresh-customers/handler.js';
import { WEBHOOK_RESOURCE } from '../../../lib/messages/events.js';
import { PiriodClient } from '../../../lib/piriod/client.js';
import { systemClock } from '../../../lib/ports.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { refreshEventBody, sqsEvent } from '../../support/events.js';
import { lambdaContext, MemoryDeadLetters, runningLambdaContext } from '../../support/fakes.js';
import { scanTable } from '../../support/oracle.js';
import { inWorkspace } from '../../support/workspace-deps.js';

let sandbox: Sandbox;
let t: TestTable;
let dlq: MemoryDeadLetters;
let ids: string[];

function handler(
  overrides: Partial<
    Parameters<typeof inWorkspace>[0] & Omit<RefreshCustomersDeps, 'workspaces'>
  > = {},
) {
  const piriod = new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
    pace: { requestsPerSecond: 0, concurrency: 8 },
    retry: { maxAttempts: 2 },
    sleep: async () => {},
  });
  return createRefreshCustomersHandler(async () =>
    inWorkspace({
      piriod,
      store: t.store,
      deadLetters: dlq,
      workspace: sandbox.workspace,
      concurrency: 4,
      clock: systemClock,
      ...overrides,
    }),
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 120 });
  t = await createTestTable('worker');
  ids = sandbox.customers().map((c) => c.id);
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});
beforeEach(() => {
  dlq = new MemoryDeadLetters();
  sandbox.resetStats();
});

describe('refresh-customers handler', () => {
  it('settles a mixed batch: exact batchItemFailures, DLQ reasons, duplicates fetched once', async () => {
    const [good, transient, invalid, other] = ids.slice(1, 5) as [string, string, string, string];
    sandbox.failCustomer(transient, 503);
    sandbox.corruptCustomer(invalid, { send_invoices: 'yes' });
    const event = sqsEvent([
      refreshEventBody({ customerId: good }),
      JSON.stringify({ customerId: transient }),
      JSON.stringify({ customerId: invalid }),
      JSON.stringify({ customerIds: [good, other, good] }),
      'this is not json',
      JSON.stringify({ customerId: '../../etc/passwd' }),
      JSON.stringify({ customerId: 'cus_NOTINPIRIOD' }),
      JSON.stringify({ hello: 'world' }),
    ]);
    const res = await handler()(event, lambdaContext());
    sandbox.failCustomer(transient, undefined);

    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    // good and other once each (coalesced), transient twice (retries), invalid and unknown once.
    expect(sandbox.stats().get).toBe(1 + 1 + 2 + 1 + 1);

    const byBody = (body: string) => dlq.sent.filter((m) => m.body === body);
    expect(byBody(JSON.stringify({ customerId: invalid }))).toEqual([
      expect.objectContaining({
        customerId: invalid,
        reason: expect.stringMatching(/send_invoices: expected boolean/),
      }),
    ]);
    expect(byBody('this is not json')).toEqual([
      { body: 'this is not json', reason: 'message body is not JSON' },
    ]);
    expect(byBody(JSON.stringify({ customerId: '../../etc/passwd' }))[0]).toMatchObject({
      customerId: '../../etc/passwd',
      reason: expect.stringMatching(/^invalid customer id/),
    });
    expect(byBody(JSON.stringify({ customerId: 'cus_NOTINPIRIOD' }))[0]?.reason).toMatch(
      /not found in Piriod \(404\) and is not in the table/,
    );
    expect(byBody(JSON.stringify({ hello: 'world' }))[0]?.reason).toMatch(
      /expected \{"customerId"/,
    );
    expect(dlq.sent).toHaveLength(5);

    const items = await scanTable(t);
    expect([...items.keys()].sort()).toEqual([good, other].sort());
    expect(items.get(good)?.syncSource).toBe('event');
  });

  it('records the trigger: webhook events and full-mirror hand-offs', async () => {
    const [a, b] = ids.slice(10, 12) as [string, string];
    await handler()(
      sqsEvent([
        refreshEventBody({ customerId: a }, [WEBHOOK_RESOURCE]),
        { body: JSON.stringify({ customerId: b }), syncSource: 'schedule' },
      ]),
      lambdaContext(),
    );
    const items = await scanTable(t);
    expect(items.get(a)?.syncSource).toBe('webhook');
    expect(items.get(b)?.syncSource).toBe('schedule');
  });

  it('tombstones a known customer that Piriod no longer has', async () => {
    const id = ids[20] as string;
    await handler()(sqsEvent([JSON.stringify({ customerId: id })]), lambdaContext());
    sandbox.corruptCustomer(id, { aggregations: { sales: 0 } });
    sandbox.deleteCustomer(id);
    const res = await handler()(sqsEvent([JSON.stringify({ customerId: id })]), lambdaContext());
    expect(res.batchItemFailures).toEqual([]);
    expect((await scanTable(t)).get(id)).toMatchObject({ deleted: true });
  });

  it('dead-letters every message when Piriod rejects the credentials, without a retry storm', async () => {
    const wrong = new PiriodClient({
      baseUrl: sandbox.url,
      token: 'sk_live_nope',
      workspace: sandbox.workspace,
    });
    const res = await handler({ piriod: wrong })(
      sqsEvent([JSON.stringify({ customerId: ids[30] }), JSON.stringify({ customerId: ids[31] })]),
      lambdaContext(),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(dlq.sent.map((m) => m.customerId).sort()).toEqual([ids[30], ids[31]].sort());
    for (const m of dlq.sent) expect(m.reason).toMatch(/check PIRIOD_API_TOKEN/);
    expect(sandbox.stats().requests).toBeLessThanOrEqual(2);
  });

  it('retries the message, not the batch, when DLQ delivery itself fails', async () => {
    const broken = { send: async () => Promise.reject(new Error('SQS down')) };
    const res = await handler({ deadLetters: broken })(
      sqsEvent([JSON.stringify({ customerId: ids[40] }), 'garbage']),
      lambdaContext(),
    );
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
  });

  describe('against the invocation’s remaining time', () => {
    /** Each message's customer must be exactly one of: in the table, dead-lettered, or retried. */
    async function accounting(event: SQSEvent, res: SQSBatchResponse) {
      const items = await scanTable(t);
      const retried = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
      const deadLettered = new Set(dlq.sent.map((m) => m.body));
      return event.Records.map((r) => {
        const id = (JSON.parse(r.body) as { customerId: string }).customerId;
        const fates = [
          items.has(id) && 'written',
          deadLettered.has(r.body) && 'dead-lettered',
          retried.has(r.messageId) && 'retried',
        ].filter(Boolean);
        return { id, fates };
      });
    }

    it('on a slow Piriod, starts no customer it cannot finish and answers before its deadline with every message accounted for', async () => {
      // Time the test controls: every Piriod attempt takes 5 s of it, as a slow Piriod would.
      let now = 0;
      const clock = { now: () => new Date(now) };
      const invocationEnds = 60_000; // the worker's Lambda timeout
      const context = { ...lambdaContext(), getRemainingTimeInMillis: () => invocationEnds - now };
      const piriod = new PiriodClient({
        baseUrl: sandbox.url,
        token: sandbox.token,
        workspace: sandbox.workspace,
        pace: { requestsPerSecond: 0, concurrency: 1 },
        timeoutMs: 10_000,
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
        random: () => 0.5,
        onAttempt: () => {
          now += 5_000;
        },
      });
      const batch = ids.slice(50, 62);
      const failing = batch[0] as string;
      sandbox.failCustomer(failing, 503);
      const event = sqsEvent(batch.map((id) => JSON.stringify({ customerId: id })));
      // The failing customer's message is on its last receive.
      (event.Records[0] as SQSRecord).attributes.ApproximateReceiveCount = '5';
      let res: SQSBatchResponse;
      try {
        res = await handler({ piriod, clock, concurrency: 1 })(event, context);
      } finally {
        sandbox.failCustomer(failing, undefined);
      }

      // 60 s less the 12 s margin: the last-receive customer first (5 attempts, 26.5 s), then
      // three more (5 s each, to 41.5 s); a fourth could not finish its 10 s attempt by 48 s.
      expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
      const fates = await accounting(event, res);
      for (const f of fates) expect(f.fates, f.id).toHaveLength(1);
      expect(fates.map((f) => f.fates[0])).toEqual([
        'dead-lettered',
        'written',
        'written',
        'written',
        ...Array(8).fill('retried'),
      ]);
      expect(dlq.sent).toEqual([
        {
          body: JSON.stringify({ customerId: failing }),
          customerId: failing,
          reason: expect.stringMatching(
            /answered 503.*gave up after 5 attempts\).*dead-lettered on receive 5, maxReceiveCount 5/,
          ),
        },
      ]);
      expect(sandbox.stats().get).toBe(5 + 3);
    });

    it('with the sandbox slowed down and little time left, returns with every message written, dead-lettered or retried', async () => {
      sandbox.setFaults({ latencyMs: 100 });
      const piriod = new PiriodClient({
        baseUrl: sandbox.url,
        token: sandbox.token,
        workspace: sandbox.workspace,
        pace: { requestsPerSecond: 0, concurrency: 2 },
        timeoutMs: 300,
      });
      const batch = ids.slice(70, 100);
      const event = sqsEvent(batch.map((id) => JSON.stringify({ customerId: id })));
      let res: SQSBatchResponse;
      // 11 s left less the 10 s margin: 1 s for 30 customers at 100 ms each, 2 at a time.
      const context = runningLambdaContext(11_000);
      try {
        res = await handler({ piriod, concurrency: 2 })(event, context);
      } finally {
        sandbox.setFaults({ latencyMs: 0 });
      }
      // Answered while Lambda would still have been waiting: before the invocation's end.
      expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
      const fates = await accounting(event, res);
      for (const f of fates) expect(f.fates, f.id).toHaveLength(1);
      expect(res.batchItemFailures.length).toBeGreaterThan(0);
      expect(dlq.sent).toEqual([]);
    });
  });
});
