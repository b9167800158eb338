import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalizeCustomer } from '../../../lib/customer/normalize.js';
import type { SyncedCustomer } from '../../../lib/customer/record.js';
import { toRecord } from '../../../lib/customer/record-builder.js';
import { CustomerQueries } from '../../../lib/store/customer-queries.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

let t: TestTable;
beforeAll(async () => {
  t = await createTestTable('write-rule');
});
afterAll(() => t.drop());
beforeEach(() => t.resetCalls());

let n = 0;
function version(
  fields: { updated?: string; phone?: string; email?: string; status?: string; taxId?: string },
  fetchedAt: string,
  id = `cus_RULE${++n}`,
): SyncedCustomer {
  const { customer } = normalizeCustomer({
    id,
    name: 'Comercial Rojas SpA',
    updated: fields.updated,
    phone: fields.phone,
    email: fields.email,
    status: fields.status ?? 'active',
    tax_id: fields.taxId,
  });
  return toRecord(customer, {
    workspace: 'acc_test',
    fetchedAt,
    syncedAt: fetchedAt,
    source: 'cli',
  });
}

async function upsert(record: SyncedCustomer) {
  const known = await t.store.readVersions([record.id]);
  return (await t.store.upsertMany([record], known)).get(record.id);
}

async function stored(id: string) {
  return new CustomerQueries({ client: t.client, tableName: t.tableName }).get(id);
}

describe('the write rule against DynamoDB Local', () => {
  it('creates an absent customer', async () => {
    const r = version({ updated: '2024-01-01T00:00:00Z' }, '2024-02-01T00:00:00.000Z');
    expect(await upsert(r)).toBe('created');
    expect(t.writes()).toBe(1);
    expect((await stored(r.id))?.updated).toBe('2024-01-01T00:00:00Z');
  });

  it('lets a newer updated win and an older one lose, comparing instants not strings', async () => {
    const id = 'cus_RULENEWER';
    await upsert(
      version({ updated: '2024-01-01T00:00:56Z', phone: 'a' }, '2024-02-01T00:00:00.000Z', id),
    );
    // .5 seconds later, although "56.5Z" sorts before "56Z" as a string.
    const newer = version(
      { updated: '2024-01-01T00:00:56.5Z', phone: 'b' },
      '2024-02-01T00:00:01.000Z',
      id,
    );
    expect(await upsert(newer)).toBe('updated');
    const older = version(
      { updated: '2024-01-01T00:00:10Z', phone: 'c' },
      '2024-02-02T00:00:00.000Z',
      id,
    );
    t.resetCalls();
    expect(await upsert(older)).toBe('stale');
    expect(t.writes()).toBe(0);
    expect((await stored(id))?.phone).toBe('b');
  });

  it('lets equal updated with different content win only when fetched later', async () => {
    const id = 'cus_RULEEQUAL';
    const u = '2024-03-01T00:00:00Z';
    await upsert(version({ updated: u, phone: 'first' }, '2024-03-02T00:00:00.000Z', id));
    const earlierFetch = version({ updated: u, phone: 'old-read' }, '2024-03-01T12:00:00.000Z', id);
    expect(await upsert(earlierFetch)).toBe('stale');
    const laterFetch = version({ updated: u, phone: 'new-read' }, '2024-03-03T00:00:00.000Z', id);
    expect(await upsert(laterFetch)).toBe('updated');
    expect((await stored(id))?.phone).toBe('new-read');
  });

  it('costs no write for an unchanged customer', async () => {
    const id = 'cus_RULESAME';
    await upsert(version({ updated: '2024-04-01T00:00:00Z' }, '2024-04-02T00:00:00.000Z', id));
    t.resetCalls();
    const again = version({ updated: '2024-04-01T00:00:00Z' }, '2024-04-05T00:00:00.000Z', id);
    expect(await upsert(again)).toBe('unchanged');
    expect(t.writes()).toBe(0);
    expect(t.calls.BatchGetItemCommand).toBe(1);
  });

  it('ends on the newest version when 20 concurrent syncs race with stale reads', async () => {
    for (const round of [1, 2, 3]) {
      const id = `cus_RULERACE${round}`;
      await upsert(
        version({ updated: '2024-05-01T00:00:00Z', phone: 'v0' }, '2024-05-01T00:00:00.000Z', id),
      );
      // Shuffled so the newest version is not always the first to write.
      const order = Array.from({ length: 20 }, (_, i) => (i * 7 + round) % 20);
      const versions = order.map((i) =>
        version(
          { updated: `2024-05-01T00:00:${String(i + 1).padStart(2, '0')}Z`, phone: `v${i + 1}` },
          `2024-05-02T00:00:${String(i).padStart(2, '0')}.000Z`,
          id,
        ),
      );
      // Every writer decides against the same old read, then all write at once.
      const known = await t.store.readVersions([id]);
      const results = await Promise.all(
        versions.map(async (v) => (await t.store.upsertMany([v], new Map(known))).get(id)),
      );
      expect((await stored(id))?.phone).toBe('v20');
      expect(results.filter((r) => r instanceof Error)).toEqual([]);
      expect(results.every((r) => r === 'updated' || r === 'stale')).toBe(true);
    }
  });

  it('never lets an older write that lands last win', async () => {
    const id = 'cus_RULELATE';
    const old = version(
      { updated: '2024-06-01T00:00:00Z', phone: 'old' },
      '2024-06-01T00:00:00.000Z',
      id,
    );
    const known = await t.store.readVersions([id]); // read before anything exists
    await upsert(
      version({ updated: '2024-06-09T00:00:00Z', phone: 'new' }, '2024-06-09T00:00:00.000Z', id),
    );
    expect((await t.store.upsertMany([old], known)).get(id)).toBe('stale');
    expect((await stored(id))?.phone).toBe('new');
  });
});

describe('tombstones', () => {
  it('marks a known customer deleted and keeps its last data', async () => {
    const r = version(
      { updated: '2024-07-01T00:00:00Z', phone: 'kept' },
      '2024-07-01T00:00:00.000Z',
    );
    await upsert(r);
    expect(
      await t.store.tombstone(r.id, '2024-07-02T00:00:00.000Z', 'cli', { workspace: r.workspace }),
    ).toBe('deleted');
    const item = await stored(r.id);
    expect(item).toMatchObject({
      deleted: true,
      deletedAt: '2024-07-02T00:00:00.000Z',
      phone: 'kept',
    });
    expect(
      await t.store.tombstone(r.id, '2024-07-03T00:00:00.000Z', 'cli', { workspace: r.workspace }),
    ).toBe('unchanged');
  });

  it("fails a tombstone or write of another workspace's customer with the clash (the key is the id alone)", async () => {
    const r = version({ updated: '2024-07-01T00:00:00Z', phone: 'B' }, '2024-07-01T00:00:00.000Z');
    await upsert(r);
    t.resetCalls();
    await expect(
      t.store.tombstone(r.id, '2024-07-09T00:00:00.000Z', 'cli', { workspace: 'acc_other' }),
    ).rejects.toMatchObject({
      name: 'ScopeClashError',
      retryable: false,
      message: `customer ${r.id} is mirrored for workspace acc_test live; this tombstone is for workspace acc_other live, so Piriod's 404 there does not delete it`,
    });
    const fromOther = {
      ...version({ updated: '2024-07-05T00:00:00Z', phone: 'A' }, '2024-07-09T00:00:00.000Z', r.id),
      workspace: 'acc_other',
    };
    const result = await upsert(fromOther);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toBe(
      `customer ${r.id} is mirrored for workspace acc_test live; this write is for workspace acc_other live, so it is left as it is`,
    );
    expect(await stored(r.id)).toMatchObject({ workspace: 'acc_test', phone: 'B' });
    expect((await stored(r.id))?.deleted).toBeUndefined();
  });

  it('writes nothing for an unknown id', async () => {
    t.resetCalls();
    expect(
      await t.store.tombstone('cus_NEVERSEEN', '2024-07-02T00:00:00.000Z', 'cli', {
        workspace: 'acc_test',
      }),
    ).toBe('absent');
    expect(await stored('cus_NEVERSEEN')).toBeUndefined();
  });

  it('does not tombstone data read after the 404 was observed', async () => {
    const r = version({ updated: '2024-07-01T00:00:00Z' }, '2024-07-05T00:00:00.000Z');
    await upsert(r);
    expect(
      await t.store.tombstone(r.id, '2024-07-04T00:00:00.000Z', 'cli', { workspace: r.workspace }),
    ).toBe('stale');
    expect((await stored(r.id))?.deleted).toBeUndefined();
  });

  it('revives a tombstoned customer that shows up again, without deleted/deletedAt', async () => {
    const r = version({ updated: '2024-08-01T00:00:00Z' }, '2024-08-01T00:00:00.000Z');
    await upsert(r);
    await t.store.tombstone(r.id, '2024-08-02T00:00:00.000Z', 'cli', { workspace: r.workspace });
    const back = version({ updated: '2024-08-01T00:00:00Z' }, '2024-08-03T00:00:00.000Z', r.id);
    expect(await upsert(back)).toBe('updated');
    const item = await stored(r.id);
    expect(item).not.toHaveProperty('deleted');
    expect(item).not.toHaveProperty('deletedAt');
  });
});

describe('typed queries', () => {
  const q = () => new CustomerQueries({ client: t.client, tableName: t.tableName });
  const collect = async <T>(it: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };

  beforeAll(async () => {
    const at = '2025-01-01T00:00:00.000Z';
    for (let i = 0; i < 30; i++) {
      await upsert(
        version(
          {
            updated: `2025-01-01T00:00:${String(i).padStart(2, '0')}${i === 7 ? '.5' : ''}Z`,
            email: i % 3 === 0 ? 'Shared@Example.COM' : `c${i}@example.com`,
            status: i % 2 === 0 ? 'pending' : 'archived',
            taxId: i % 5 === 0 ? '76.543.210-K' : undefined,
          },
          at,
          `cus_Q${String(i).padStart(3, '0')}`,
        ),
      );
    }
    await t.store.tombstone('cus_Q000', '2025-02-01T00:00:00.000Z', 'cli', {
      workspace: 'acc_test',
    });
  });

  it('finds by email, case-insensitively, excluding tombstones unless asked', async () => {
    const hits = await collect(q().byEmail('shared@example.com'));
    expect(hits.map((c) => c.id).sort()).toEqual([
      'cus_Q003',
      'cus_Q006',
      'cus_Q009',
      'cus_Q012',
      'cus_Q015',
      'cus_Q018',
      'cus_Q021',
      'cus_Q024',
      'cus_Q027',
    ]);
    const all = await collect(q().byEmail('SHARED@example.com', { includeDeleted: true }));
    expect(all).toHaveLength(10);
  });

  it('finds by tax id', async () => {
    const hits = await collect(q().byTaxId('76.543.210-K'));
    expect(hits.map((c) => c.id).sort()).toEqual([
      'cus_Q005',
      'cus_Q010',
      'cus_Q015',
      'cus_Q020',
      'cus_Q025',
    ]);
  });

  it('finds by status in updated order, with an exclusive updated-after bound as an instant', async () => {
    const hits = await collect(q().byStatus('pending', { updatedAfter: '2025-01-01T00:00:20Z' }));
    expect(hits.map((c) => c.id)).toEqual(['cus_Q022', 'cus_Q024', 'cus_Q026', 'cus_Q028']);
    const sub = await collect(
      q().byStatus('archived', {
        updatedAfter: '2025-01-01T00:00:07Z',
        updatedBefore: '2025-01-01T00:00:11Z',
      }),
    );
    expect(sub.map((c) => c.id)).toEqual(['cus_Q007', 'cus_Q009']);
  });

  it('rejects a malformed bound with a clear error', async () => {
    await expect(collect(q().byStatus('active', { updatedAfter: 'yesterday' }))).rejects.toThrow(
      /updatedAfter must be an ISO-8601 timestamp/,
    );
  });

  it('pages through results larger than one DynamoDB page', async () => {
    const big = 'x'.repeat(30_000);
    for (let i = 0; i < 50; i++) {
      const { customer } = normalizeCustomer({
        id: `cus_BIG${i}`,
        name: 'Big',
        status: 'bulk',
        metadata: { blob: big },
        updated: '2025-01-01T00:00:00Z',
      });
      const r = toRecord(customer, {
        workspace: 'w',
        fetchedAt: 'f',
        syncedAt: 's',
        source: 'cli',
      });
      await upsert(r);
    }
    expect(await collect(q().byStatus('bulk'))).toHaveLength(50);
  });
});

describe('liveIds', () => {
  it('returns every live id exactly once across parallel scan segments and pages, without tombstones', async () => {
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const all: { id: string; deleted?: boolean }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await t.client.send(
        new ScanCommand({ TableName: t.tableName, ExclusiveStartKey: start }),
      );
      all.push(...((out.Items ?? []) as { id: string; deleted?: boolean }[]));
      start = out.LastEvaluatedKey;
    } while (start);
    expect(all.some((i) => i.deleted)).toBe(true);
    expect(all.length).toBeGreaterThan(60);

    const seen: string[] = [];
    for await (const ids of t.store.liveIds()) seen.push(...ids);
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen.sort()).toEqual(
      all
        .filter((i) => !i.deleted)
        .map((i) => i.id)
        .sort(),
    );
  });
});
