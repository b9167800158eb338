import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSyncCustomersHandler,
  type SyncCustomersDeps,
} from '../../../functions/sync-customers/handler.js';
import { WEBHOOK_RESOURCE } from '../../../lib/messages/events.js';
import { PiriodClient } from '../../../lib/piriod/index.js';
import { type Sandbox, startSandbox } from '../../../lib/sandbox/index.js';
import { systemClock } from '../../../lib/use-cases/index.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { refreshEventBody, sqsEvent } from '../../support/events.js';
import { lambdaContext, MemoryDeadLetters } from '../../support/fakes.js';
import { scanTable } from '../../support/oracle.js';

let sandbox: Sandbox;
let t: TestTable;
let dlq: MemoryDeadLetters;
let ids: string[];

function handler(overrides: Partial<SyncCustomersDeps> = {}) {
  const piriod = new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
    pace: { requestsPerSecond: 0, concurrency: 8 },
    retry: { maxAttempts: 2 },
    sleep: async () => {},
  });
  return createSyncCustomersHandler(async () => ({
    piriod,
    store: t.store,
    deadLetters: dlq,
    workspace: sandbox.workspace,
    concurrency: 4,
    clock: systemClock,
    ...overrides,
  }));
}

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 50 });
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

describe('sync-customers handler', () => {
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
});
