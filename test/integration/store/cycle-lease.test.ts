import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerQueries } from '../../../lib/store/customer-queries.js';
import {
  fullMirrorLeaseId,
  readFullMirrorStatus,
} from '../../../lib/store/dynamodb-cycle-lease.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { scanTable } from '../../support/oracle.js';

let t: TestTable;
const scope = { workspace: 'acc_lease' };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 12, minute)).toISOString();
/** A claim by `token` at `minute`, until `until`; a tick is invocation 1 of its cycle. */
const claim = (
  token: string,
  minute: number,
  until: number,
  cycleMinute = minute,
  invocation = 1,
) => ({
  token,
  cycleStartedAt: at(cycleMinute),
  invocation,
  now: at(minute),
  expiresAt: at(until),
});
/** The renewal by invocation `invocation` (default 2: the first continuation) of a cycle. */
const renewal = (
  token: string,
  minute: number,
  until: number,
  cycleMinute: number,
  invocation = 2,
) => claim(token, minute, until, cycleMinute, invocation);

beforeAll(async () => {
  t = await createTestTable('lease');
});
afterAll(async () => {
  await t.drop();
});

describe('the full-mirror cycle lease in DynamoDB', () => {
  // Each test has its own workspace, so its own lease item.
  let n = 0;
  let lease: ReturnType<TestTable['lease']>;
  beforeEach(() => {
    lease = t.lease({ workspace: `acc_lease${++n}` });
  });

  it('is taken by one claim only while it holds; a second claim learns who holds it', async () => {
    expect(await lease.acquire(claim('a', 0, 30))).toEqual({ held: true });
    expect(await lease.acquire(claim('b', 5, 35))).toEqual({
      held: false,
      holder: { cycleStartedAt: at(0), invocation: 1, expiresAt: at(30) },
    });
  });

  it('is renewed only by the token that holds it, also past its expiry while nobody took it', async () => {
    await lease.acquire(claim('a', 0, 30));
    expect(await lease.renew(renewal('b', 10, 40, 10))).toMatchObject({ held: false });
    expect(await lease.renew(renewal('a', 31, 61, 0))).toEqual({ held: true });
    expect(await lease.acquire(claim('b', 40, 70))).toMatchObject({
      held: false,
      holder: { expiresAt: at(61) },
    });
  });

  it('is taken over once expired; the old token can then neither renew nor release it', async () => {
    await lease.acquire(claim('a', 0, 30));
    expect(await lease.acquire(claim('b', 30, 60))).toEqual({
      held: true,
      tookOverFrom: { cycleStartedAt: at(0), invocation: 1, expiresAt: at(30) },
    });
    expect(await lease.renew(renewal('a', 31, 61, 0))).toMatchObject({
      held: false,
      holder: { cycleStartedAt: at(30) },
    });
    await lease.release('a', at(32), true);
    expect(await lease.acquire(claim('c', 33, 63))).toMatchObject({ held: false });
  });

  it('is free for the next tick once released; a completed cycle cannot be renewed', async () => {
    await lease.acquire(claim('a', 0, 30));
    await lease.release('a', at(10), true);
    expect(await lease.renew(renewal('a', 11, 41, 0))).toMatchObject({
      held: false,
      holder: { completedAt: at(10) },
    });
    // Released after a whole cycle: the next tick starts without "taking over" anything.
    expect(await lease.acquire(claim('b', 15, 45))).toEqual({ held: true });
  });

  it('remembers when a cycle last completed while the next cycle runs, for doctor', async () => {
    const id = fullMirrorLeaseId({ workspace: `acc_lease${n}` });
    expect(await readFullMirrorStatus(t.client, t.tableName, id)).toEqual({});
    await lease.acquire(claim('a', 0, 30));
    await lease.release('a', at(10), true);
    await lease.acquire(claim('b', 15, 45));
    expect(await readFullMirrorStatus(t.client, t.tableName, id)).toEqual({
      lastCompletedAt: at(10),
      runningSince: at(15),
    });
    await lease.release('b', at(20), false);
    expect(await readFullMirrorStatus(t.client, t.tableName, id)).toMatchObject({
      lastCompletedAt: at(10),
    });
  });

  it('after a failed invocation is free for the next tick, but still renewable by its retry', async () => {
    await lease.acquire(claim('a', 0, 30));
    await lease.release('a', at(5), false);
    expect(await lease.renew(renewal('a', 6, 36, 0))).toEqual({ held: true });
    await lease.release('a', at(7), false);
    expect(await lease.acquire(claim('b', 8, 38))).toMatchObject({ held: true });
  });

  it('runs a continuation delivered twice once; a retry after a failure may claim again', async () => {
    await lease.acquire(claim('a', 0, 30));
    expect(await lease.renew(renewal('a', 10, 40, 0))).toEqual({ held: true });
    // EventBridge delivered invocation 2 again while it runs: refused, and told why.
    expect(await lease.renew(renewal('a', 11, 41, 0))).toEqual({
      held: false,
      holder: { cycleStartedAt: at(0), invocation: 2, expiresAt: at(40) },
    });
    // Invocation 2 failed and released the lease: Lambda's retry of it may claim again…
    await lease.release('a', at(12), false);
    expect(await lease.renew(renewal('a', 13, 43, 0))).toEqual({ held: true });
    // …and so may the next continuation, but a stale one from before may not.
    expect(await lease.renew(renewal('a', 14, 44, 0, 3))).toEqual({ held: true });
    expect(await lease.renew(renewal('a', 15, 45, 0, 2))).toMatchObject({ held: false });
  });

  it('costs one write unit per claim, renewal or release; a rejected claim changes nothing', async () => {
    t.resetCalls();
    await lease.acquire(claim('a', 0, 30));
    await lease.renew(renewal('a', 10, 40, 0));
    await lease.release('a', at(20), true);
    expect(t.capacity.writeUnits).toBe(3);
    expect(await lease.acquire(claim('b', 21, 51))).toEqual({ held: true });
    expect(await lease.acquire(claim('c', 22, 52))).toMatchObject({ held: false });
    // DynamoDB charges the rejected claim one unit too, but reports none for it.
    expect(t.capacity).toMatchObject({ writeUnits: 4, conditionalFailures: 1 });
    const key = { id: fullMirrorLeaseId({ workspace: `acc_lease${n}` }) };
    const item = await t.client.send(new GetCommand({ TableName: t.tableName, Key: key }));
    expect(item.Item).toMatchObject({
      leaseToken: 'b',
      cycleStartedAt: at(21),
      leaseExpiresAt: at(51),
    });
  });
});

describe('the lease item is not a customer', () => {
  it('has a reserved id no customer id can take, per workspace and mode', () => {
    expect(fullMirrorLeaseId({ workspace: 'acc_1' })).toBe('lease#full-mirror#acc_1');
    expect(fullMirrorLeaseId({ workspace: 'acc_1', testMode: true })).toBe(
      'lease#full-mirror#acc_1#test',
    );
  });

  it('is invisible to every reader of customers: ids, versions, queries, the oracle', async () => {
    const lease = t.lease(scope);
    await lease.acquire(claim('a', 0, 30));
    const leaseId = fullMirrorLeaseId(scope);
    const raw = await t.client.send(
      new GetCommand({ TableName: t.tableName, Key: { id: leaseId } }),
    );
    expect(raw.Item).toBeDefined(); // it is there…
    // …with none of the indexed attributes, so no index (sparse) ever holds it.
    for (const attr of ['email', 'taxId', 'status', 'updated', 'versionShard', 'workspace']) {
      expect(raw.Item).not.toHaveProperty(attr);
    }

    const live: string[] = [];
    for await (const ids of t.store.liveIds()) live.push(...ids);
    expect(live).not.toContain(leaseId);
    for await (const ids of t.store.liveIds(scope)) live.push(...ids);
    expect(live).not.toContain(leaseId);
    expect((await t.store.versionSnapshot(scope)).size).toBe(0);
    const queries = new CustomerQueries({ client: t.client, tableName: t.tableName });
    expect(await queries.get(leaseId)).toBeUndefined();
    expect((await scanTable(t)).has(leaseId)).toBe(false);
  });
});
