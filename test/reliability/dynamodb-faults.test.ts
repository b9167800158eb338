import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRecord } from '../../lib/customer/record-builder.js';
import { createDocumentClient } from '../../lib/store/dynamodb-client.js';
import { DynamoCustomerStore } from '../../lib/store/dynamodb-customer-store.js';
import { StoreError, StoreUnavailableError } from '../../lib/store/errors.js';
import { RunAbortedError } from '../../lib/use-cases/errors.js';
import { mirrorAll } from '../../lib/use-cases/mirror-all.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { startDynamoProxy } from '../support/dynamo-proxy.js';
import { scanTable } from '../support/oracle.js';
import { expectMirroredOrReported, scenarioDeps } from '../support/scenario.js';

let sandbox: Sandbox;
let t: TestTable;
let proxy: Awaited<ReturnType<typeof startDynamoProxy>>;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 1000, seed: 17 });
  t = await createTestTable('ddb-faults');
  proxy = await startDynamoProxy(t.endpoint);
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
  await t.drop();
});

/** One stored customer to read back through the proxy. */
const unprocessedProbe = toRecord(
  { id: 'cus_unprocessed_probe', name: 'Probe', updated: '2026-01-01T00:00:00Z' },
  {
    workspace: 'acc_probe',
    fetchedAt: '2026-01-01T00:00:01Z',
    syncedAt: '2026-01-01T00:00:01Z',
    source: 'cli',
  },
);

/** A store that reaches DynamoDB Local only through the fault proxy. */
function proxiedStore() {
  return new DynamoCustomerStore({
    client: createDocumentClient({ endpoint: proxy.endpoint }),
    tableName: t.tableName,
  });
}

describe('scenario 7: DynamoDB faults', () => {
  it('asks again for keys a BatchGetItem left unprocessed, and says so when they never come', async () => {
    const own = await createTestTable('unprocessed-keys'); // the scenarios below count `t`
    const store = new DynamoCustomerStore({
      client: createDocumentClient({ endpoint: proxy.endpoint }),
      tableName: own.tableName,
      sleep: async () => {}, // the backoff's waits are the retry helper's business, not this test's
    });
    await own.store.upsertMany([unprocessedProbe], new Map());
    proxy.leaveUnprocessed(3);
    const found = await store.readVersions([unprocessedProbe.id]);
    expect(found.get(unprocessedProbe.id)?.contentHash).toBe(unprocessedProbe.contentHash);
    expect(proxy.stats().unprocessed).toBe(3);

    proxy.leaveUnprocessed(100);
    const before = proxy.stats().unprocessed;
    const err = await store.readVersions([unprocessedProbe.id]).catch((e: StoreError) => e);
    proxy.leaveUnprocessed(0);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({
      retryable: true,
      message: 'DynamoDB left 1 keys unprocessed after retries',
    });
    expect(proxy.stats().unprocessed - before).toBe(9);
    await own.drop();
  });

  it('retries throttling with backoff and still mirrors every customer', async () => {
    proxy.throttle(0.15);
    const result = await mirrorAll({ ...scenarioDeps(sandbox, t), store: proxiedStore() });
    proxy.throttle(0);
    expect(proxy.stats().throttled).toBeGreaterThan(20);
    await expectMirroredOrReported(t, sandbox, result.summary);
    expect(result.summary.created).toBe((await scanTable(t)).size);
  });

  it('stops when DynamoDB becomes unreachable mid-run, claims nothing it did not write, and a rerun converges', async () => {
    // Fresh data to write: every customer changes.
    for (const c of sandbox.customers()) sandbox.editCustomer(c.id, { reference: 'ERP-CHANGED' });
    const written = new Set<string>();
    sandbox.onListPage((page) => {
      if (page === 4) void proxy.down();
    });
    const err = await mirrorAll({
      ...scenarioDeps(sandbox, t),
      store: proxiedStore(),
      onOutcome: (o) => {
        if (o.result === 'updated' || o.result === 'created') written.add(o.id);
      },
    }).catch((e: unknown) => e);
    sandbox.onListPage(undefined);
    expect(err).toBeInstanceOf(RunAbortedError);
    expect((err as RunAbortedError).cause).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/cannot reach DynamoDB/);
    const partial = (err as RunAbortedError).partial;
    expect(partial.updated).toBe(written.size);
    expect(written.size).toBeLessThan(1000);
    // Read straight from DynamoDB Local, not through the proxy: every claimed write is there.
    const items = await scanTable(t);
    for (const id of written) expect(items.get(id)?.reference, id).toBe('ERP-CHANGED');

    await proxy.up();
    const rerun = await mirrorAll({ ...scenarioDeps(sandbox, t), store: proxiedStore() });
    // Claimed writes are found unchanged; a write whose answer was lost in the outage may be
    // too, or may even land during the rerun (the proxy had forwarded it): a lost race, stale.
    expect(rerun.summary.failed).toEqual([]);
    expect(rerun.summary.updated + rerun.summary.unchanged + rerun.summary.stale).toBe(1000);
    expect(rerun.summary.unchanged).toBeGreaterThanOrEqual(written.size);
    expect(rerun.summary.updated).toBeGreaterThan(0);
    await expectMirroredOrReported(t, sandbox, rerun.summary);
  });
});
