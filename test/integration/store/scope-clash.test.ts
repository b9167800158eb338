import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalizeCustomer } from '../../../lib/customer/normalize.js';
import type { SyncedCustomer } from '../../../lib/customer/record.js';
import { toRecord } from '../../../lib/customer/record-builder.js';
import type { StoredVersion } from '../../../lib/customer/write-rule.js';
import type { MirrorScope } from '../../../lib/ports.js';
import { versionShardOf } from '../../../lib/store/version-shard.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

/*
 * The key is Piriod's globally unique id, so one table holds several workspaces and both
 * modes. Whose an item is (its workspace, and its mode: test, or live when `testMode` is
 * absent) decides every write, tombstone, snapshot and sweep (docs/table.md).
 */

let t: TestTable;
beforeAll(async () => {
  t = await createTestTable('scope-clash');
});
afterAll(() => t.drop());
beforeEach(() => t.resetCalls());

const AT = '2025-03-01T00:00:00.000Z';
let n = 0;

function record(scope: MirrorScope, id = `cus_SCOPE${++n}`, fetchedAt = AT): SyncedCustomer {
  const { customer } = normalizeCustomer({
    id,
    name: 'Comercial Rojas SpA',
    updated: '2025-02-01T00:00:00Z',
  });
  return toRecord(customer, {
    workspace: scope.workspace,
    testMode: scope.testMode,
    fetchedAt,
    syncedAt: fetchedAt,
    source: 'cli',
  });
}

/** A refresh's write: versions read with BatchGetItem, then the conditional write. */
async function refresh(r: SyncedCustomer) {
  const known = await t.store.readVersions([r.id]);
  return (await t.store.upsertMany([r], known)).get(r.id);
}

async function item(id: string) {
  return (await t.client.send(new GetCommand({ TableName: t.tableName, Key: { id } }))).Item;
}

const A = { workspace: 'acc_A' };
const B = { workspace: 'acc_B' };
const A_TEST = { workspace: 'acc_A', testMode: true };

describe('a refresh across workspaces', () => {
  it("fails with the clash for the same version of another workspace's customer, never 'unchanged'", async () => {
    const mine = record(A);
    await refresh(mine);
    const before = await item(mine.id);
    t.resetCalls();
    const result = await refresh(record(B, mine.id, '2025-03-02T00:00:00.000Z'));
    expect(result).toBeInstanceOf(Error);
    expect(result).toMatchObject({
      retryable: false,
      message: `customer ${mine.id} is mirrored for workspace acc_A live; this write is for workspace acc_B live, so it is left as it is`,
    });
    expect(t.writes()).toBe(0);
    expect(await item(mine.id)).toEqual(before);
  });

  it("fails with the clash for an older version of another workspace's customer, never 'stale'", async () => {
    const mine = record(A, undefined, '2025-03-05T00:00:00.000Z');
    await refresh(mine);
    const older = { ...record(B, mine.id), updated: '2025-01-01T00:00:00Z' };
    const result = await refresh(older);
    expect(result).toMatchObject({
      message: expect.stringMatching(
        /^customer .* is mirrored for workspace acc_A live; this write is for workspace acc_B live/,
      ),
    });
  });

  it("never puts another workspace's item into its version index, even handed a version that does not say whose it is", async () => {
    const mine = record(A);
    await refresh(mine);
    // An item from before the version index existed.
    await t.client.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: { id: mine.id },
        UpdateExpression: 'REMOVE versionShard',
      }),
    );
    const read = (await t.store.readVersions([mine.id])).get(mine.id) as StoredVersion;
    const { workspace: _w, testMode: _m, ...anonymous } = read;
    const result = (
      await t.store.upsertMany([record(B, mine.id)], new Map([[mine.id, anonymous]]))
    ).get(mine.id);
    expect(result).toMatchObject({
      message: `customer ${mine.id} is mirrored for workspace acc_A live; this write is for workspace acc_B live, so it is left as it is`,
    });
    expect((await item(mine.id))?.versionShard).toBeUndefined();
    // Its own workspace's unchanged run still adds it, under its own shard.
    expect(await refresh(record(A, mine.id))).toBe('unchanged');
    expect((await item(mine.id))?.versionShard).toBe(versionShardOf('acc_A', mine.id));
  });
});

describe('test-mode and live items of one workspace', () => {
  it("fails a live write or tombstone of a test-mode customer, and a test-mode one of a live customer's", async () => {
    const test = record(A_TEST);
    const live = record(A);
    await refresh(test);
    await refresh(live);
    const before = [await item(test.id), await item(live.id)];
    expect(await refresh({ ...record(A, test.id), name: 'Otro' })).toMatchObject({
      message: `customer ${test.id} is mirrored for workspace acc_A in test mode; this write is for workspace acc_A live, so it is left as it is`,
    });
    expect(await refresh(record(A_TEST, live.id))).toMatchObject({
      message: `customer ${live.id} is mirrored for workspace acc_A live; this write is for workspace acc_A in test mode, so it is left as it is`,
    });
    await expect(
      t.store.tombstone(test.id, '2025-04-01T00:00:00.000Z', 'webhook', A),
    ).rejects.toMatchObject({
      retryable: false,
      message: `customer ${test.id} is mirrored for workspace acc_A in test mode; this tombstone is for workspace acc_A live, so Piriod's 404 there does not delete it`,
    });
    await expect(
      t.store.tombstone(live.id, '2025-04-01T00:00:00.000Z', 'webhook', A_TEST),
    ).rejects.toMatchObject({
      retryable: false,
    });
    expect([await item(test.id), await item(live.id)]).toEqual(before);
  });

  it('fails a write that missed the other mode in its snapshot: the conditional write finds it', async () => {
    const test = record(A_TEST);
    await refresh(test);
    // A live full mirror's snapshot does not hold test-mode items, so it decides "create".
    const snapshot = await t.store.versionSnapshot(A);
    expect(snapshot.get(test.id)).toBeUndefined();
    const result = (await t.store.upsertMany([record(A, test.id)], new Map())).get(test.id);
    expect(result).toMatchObject({
      message: `customer ${test.id} is mirrored for workspace acc_A in test mode; this write is for workspace acc_A live, so it is left as it is`,
    });
    expect((await item(test.id))?.testMode).toBe(true);
  });

  it('counts an item without testMode as live only: not in a test-mode snapshot or sweep', async () => {
    const id = `cus_SCOPE${++n}`;
    const { testMode: _m, ...unmarked } = record(A, id);
    await t.client.send(
      new PutCommand({
        TableName: t.tableName,
        Item: { ...unmarked, versionShard: versionShardOf('acc_A', id) },
      }),
    );
    expect((await t.store.versionSnapshot(A_TEST)).get(id)).toBeUndefined();
    expect((await t.store.versionSnapshot(A)).get(id)).toMatchObject({ id, testMode: false });
    const swept = async (scope: MirrorScope) => {
      const ids: string[] = [];
      for await (const page of t.store.liveIds(scope)) ids.push(...page);
      return ids;
    };
    expect(await swept(A_TEST)).not.toContain(id);
    expect(await swept(A)).toContain(id);
    await expect(
      t.store.tombstone(id, '2025-04-01T00:00:00.000Z', 'schedule', A_TEST),
    ).rejects.toMatchObject({
      message: `customer ${id} is mirrored for workspace acc_A live; this tombstone is for workspace acc_A in test mode, so Piriod's 404 there does not delete it`,
    });
    expect(await t.store.tombstone(id, '2025-04-01T00:00:00.000Z', 'schedule', A)).toBe('deleted');
  });
});
