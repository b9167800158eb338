import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorAll } from '../../../lib/use-cases/mirror-all.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { customerPart, expectedMirror, scanTable } from '../../support/oracle.js';
import { scenarioDeps } from '../../support/scenario.js';

const CUSTOMERS = 2500;
let sandbox: Sandbox;
let t: TestTable;

const deps = () => scenarioDeps(sandbox, t);

beforeAll(async () => {
  sandbox = await startSandbox({ customers: CUSTOMERS, invalidEvery: 500 });
  t = await createTestTable('full-mirror');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

describe('full mirror against the sandbox and DynamoDB Local', () => {
  it('mirrors every valid customer exactly as normalized and reports each invalid one', async () => {
    const result = await mirrorAll(deps());
    const oracle = expectedMirror(sandbox);
    expect(oracle.invalid.size).toBe(5);
    expect(result.completed).toBe(true);
    expect(result.summary.created).toBe(CUSTOMERS - 5);
    expect(result.summary.failed.map((f) => f.id).sort()).toEqual([...oracle.invalid].sort());
    for (const f of result.summary.failed)
      expect(f.reason).toMatch(/send_invoices: expected boolean, got string/);

    const items = await scanTable(t);
    expect(items.size).toBe(CUSTOMERS - 5);
    for (const [id, customer] of oracle.customers) {
      const item = items.get(id);
      expect(item, id).toBeDefined();
      expect(customerPart(item!)).toEqual(customer);
      expect(item).toMatchObject({
        workspace: 'acc_sandbox',
        testMode: false,
        syncSource: 'cli',
        schemaVersion: 1,
      });
    }
  });

  it('uses list snapshots: one request per page plus one per invalid customer', async () => {
    sandbox.resetStats();
    await mirrorAll(deps());
    const stats = sandbox.stats();
    expect(stats.list).toBe(CUSTOMERS / 100);
    expect(stats.get).toBe(5);
  });

  it('writes nothing on a second run over unchanged data', async () => {
    t.resetCalls();
    const result = await mirrorAll(deps());
    expect(result.summary.unchanged).toBe(CUSTOMERS - 5);
    expect(result.summary.created + result.summary.updated).toBe(0);
    expect(t.writes()).toBe(0);
  });

  it('reads what is stored from the narrow version index once: no item reads, no scan', async () => {
    t.resetCalls();
    const result = await mirrorAll(deps());
    expect(result.summary.unchanged).toBe(CUSTOMERS - 5);
    expect(t.calls.BatchGetItemCommand ?? 0).toBe(0);
    expect(t.calls.ScanCommand ?? 0).toBe(0);
    expect(t.calls.QueryCommand).toBeGreaterThanOrEqual(16); // one per version shard, paged
    expect(t.writes()).toBe(0);
    // DynamoDB Local prices reads like DynamoDB: index entries are ~150 bytes, eventually consistent.
    expect(t.capacity.readUnits / CUSTOMERS).toBeLessThanOrEqual(0.05);
    expect(t.capacity.readUnits).toBeGreaterThan(0);
  });

  it('adds items written before the version index to it on their next unchanged run', async () => {
    const id = sandbox.customers()[7]?.id as string;
    await t.client.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: { id },
        UpdateExpression: 'REMOVE versionShard',
      }),
    );
    t.resetCalls();
    const first = await mirrorAll(deps());
    expect(first.summary.unchanged).toBe(CUSTOMERS - 5);
    // Tried as new (one failed conditional put), then joined to the index by one small update.
    expect(t.calls.PutItemCommand).toBe(1);
    expect(t.capacity.conditionalFailures).toBe(1);
    expect(t.calls.UpdateItemCommand).toBe(1);
    expect((await scanTable(t)).get(id)?.versionShard).toMatch(/^acc_sandbox#[0-9a-f]{2}$/);
    t.resetCalls();
    await mirrorAll(deps());
    expect(t.writes()).toBe(0);
  });

  it('picks up edits, deletions and archives on the next run', async () => {
    const ids = sandbox.customers().map((c) => c.id);
    const edited = ids.slice(10, 20);
    for (const id of edited) sandbox.editCustomer(id, { phone: '+56 2 2345 6789' });
    const removed = ids
      .slice(100, 400)
      .filter((id) => sandbox.getCustomer(id)?.send_invoices !== 'yes')
      .map((id) => ({ id, how: sandbox.deleteCustomer(id) }));
    const gone = removed.filter((r) => r.how === 'removed').map((r) => r.id);
    const archived = removed.filter((r) => r.how === 'archived').map((r) => r.id);
    expect(gone.length).toBeGreaterThan(0);
    expect(archived.length).toBeGreaterThan(0);

    const result = await mirrorAll(deps());
    expect(result.summary.updated).toBe(edited.length + archived.length);
    expect(result.summary.deleted).toBe(gone.length);
    const items = await scanTable(t);
    for (const id of edited) expect(items.get(id)?.phone).toBe('+56 2 2345 6789');
    for (const id of archived) expect(items.get(id)?.status).toBe('archived');
    for (const id of gone) expect(items.get(id)).toMatchObject({ deleted: true });

    // A further run does not re-check tombstones: no GET for them.
    sandbox.resetStats();
    const again = await mirrorAll(deps());
    expect(again.summary.deleted).toBe(0);
    expect(sandbox.stats().get).toBe(5);
  });
});

describe('a table shared by several workspaces', () => {
  it("never re-checks or tombstones another workspace's customers, or the other mode's", async () => {
    const { normalizeCustomer } = await import('../../../lib/customer/normalize.js');
    const { toRecord } = await import('../../../lib/customer/record-builder.js');
    const { customer } = normalizeCustomer({
      id: 'cus_OTHERWORKSPACE',
      name: 'Otra Empresa SpA',
      updated: '2025-01-01T00:00:00Z',
    });
    const at = new Date().toISOString();
    const other = toRecord(customer, {
      workspace: 'acc_other',
      fetchedAt: at,
      syncedAt: at,
      source: 'cli',
    });
    const testModeOne = toRecord(
      normalizeCustomer({ id: 'cus_TESTMODEONLY', name: 'Prueba SpA' }).customer,
      { workspace: sandbox.workspace, testMode: true, fetchedAt: at, syncedAt: at, source: 'cli' },
    );
    await t.store.upsertMany([other, testModeOne], new Map());
    sandbox.resetStats();
    // A live-mode run (the sandbox serves live data) over a table that also holds both.
    const result = await mirrorAll({ ...deps(), testMode: false });
    expect(result.summary.deleted).toBe(0);
    expect(sandbox.stats().get).toBe(5); // the invalid customers only
    const items = await scanTable(t);
    expect(items.get('cus_OTHERWORKSPACE')?.deleted).toBeUndefined();
    expect(items.get('cus_TESTMODEONLY')?.deleted).toBeUndefined();
  });
});
