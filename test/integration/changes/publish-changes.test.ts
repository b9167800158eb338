import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPublishChangesHandler,
  publishChangesDeps,
} from '../../../functions/publish-changes/handler.js';
import { loadChangeFeedConfig } from '../../../lib/config.js';
import { PiriodClient } from '../../../lib/piriod/client.js';
import { systemClock } from '../../../lib/ports.js';
import { mirrorAll } from '../../../lib/use-cases/mirror-all.js';
import { refreshCustomers } from '../../../lib/use-cases/refresh-customers.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { defaultAnswer, type FakeAwsResponse, startFakeAws } from '../../support/fake-aws.js';
import { readTableStream } from '../../support/table-stream.js';

let sandbox: Sandbox;
let t: TestTable;
let aws: Awaited<ReturnType<typeof startFakeAws>>;
/** Set to make the fake EventBridge fail every call. */
let eventBridgeDown = false;
/** The "Customer Changed" entries EventBridge accepted, in order. */
const accepted: { DetailType: string; Detail: string }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 6, seed: 21 });
  t = await createTestTable('changes', { stream: true });
  aws = await startFakeAws((r): FakeAwsResponse => {
    if (eventBridgeDown) return { status: 500, body: { __type: 'InternalException' } };
    accepted.push(...(r.body.Entries as typeof accepted));
    return defaultAnswer(r);
  });
});
afterAll(async () => {
  await sandbox.close();
  await aws.close();
  await t.drop();
});

const deps = () => ({
  piriod: new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
    pace: { requestsPerSecond: 0 },
  }),
  store: t.store,
  clock: systemClock,
  workspace: sandbox.workspace,
});

/** The "Customer Changed" details EventBridge accepted, in order. */
const published = () =>
  accepted.map((e) => {
    expect(e.DetailType).toBe('Customer Changed');
    return JSON.parse(e.Detail) as { id: string; change: string };
  });

describe('"Customer Changed" from the table stream', () => {
  it('announces every write, whichever path made it, and survives an EventBridge outage', async () => {
    const ids = sandbox.customers().map((c) => c.id);
    const [edited, removed] = ids as [string, string];
    await mirrorAll({ ...deps(), source: 'schedule' }); // 6 created by the full mirror
    sandbox.editCustomer(edited, { manager: 'New Manager' });
    sandbox.deleteCustomer(removed);
    sandbox.corruptCustomer(removed, {}); // removed or archived, Piriod's choice
    await refreshCustomers([edited, removed], { ...deps(), source: 'event' });
    await mirrorAll({ ...deps(), source: 'schedule' }); // unchanged: no write, no event

    const records = await readTableStream(t);
    const env = { EVENT_BUS_NAME: 'bus', AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url };
    const handler = createPublishChangesHandler(() =>
      publishChangesDeps(loadChangeFeedConfig(env)),
    );

    eventBridgeDown = true;
    const failed = await handler({ Records: records });
    expect(failed.batchItemFailures).toEqual([
      { itemIdentifier: records[0]?.dynamodb?.SequenceNumber },
    ]);
    expect(published()).toEqual([]);

    eventBridgeDown = false; // the stream redelivers from the reported record
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const events = published();
    expect(
      events
        .filter((e) => e.change === 'created')
        .map((e) => e.id)
        .sort(),
    ).toEqual([...ids].sort());
    const wasRemoved = sandbox.getCustomer(removed) === undefined;
    // The two refreshes are written concurrently: the stream (and so the events) may hold
    // them in either order; each is announced exactly once, with the right change.
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    const refreshed = [
      { id: edited, change: 'updated' },
      { id: removed, change: wasRemoved ? 'deleted' : 'updated' },
    ].sort(byId);
    expect(events.slice(6).sort(byId)).toEqual(refreshed.map((e) => expect.objectContaining(e)));
    expect(events).toHaveLength(records.length);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual([
        'change',
        'contentHash',
        'id',
        'testMode',
        'updated',
        'workspace',
      ]);
      // Whose change it is: subscribers filter on detail.workspace and detail.testMode.
      expect(e).toMatchObject({ workspace: sandbox.workspace, testMode: false });
    }
  });

  it('announces nothing for the full-mirror lease, which is not a customer', async () => {
    const own = await createTestTable('changes-lease', { stream: true });
    try {
      const lease = own.lease({ workspace: sandbox.workspace });
      const claim = {
        token: 'cycle-1',
        cycleStartedAt: '2026-11-25T12:00:00.000Z',
        invocation: 1,
        now: '2026-11-25T12:00:00.000Z',
        expiresAt: '2026-11-25T12:30:00.000Z',
      };
      await lease.acquire(claim);
      await lease.renew({ ...claim, invocation: 2, now: '2026-11-25T12:10:00.000Z' });
      await lease.release('cycle-1', '2026-11-25T12:20:00.000Z', true);
      const records = await readTableStream(own);
      expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'MODIFY']);

      accepted.length = 0;
      const env = { EVENT_BUS_NAME: 'bus', AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url };
      const handler = createPublishChangesHandler(() =>
        publishChangesDeps(loadChangeFeedConfig(env)),
      );
      expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
      expect(accepted).toEqual([]);
    } finally {
      await own.drop();
    }
  });
});
