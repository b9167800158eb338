import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerPage, ListOptions, PiriodReader } from '../../lib/ports.js';
import { mirrorAll } from '../../lib/use-cases/mirror-all.js';
import { refreshCustomers } from '../../lib/use-cases/refresh-customers.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { scanTable } from '../support/oracle.js';
import { expectWholeItems, scenarioDeps } from '../support/scenario.js';

/**
 * The listing reads pages ahead of the writes; when the writes are slower than Piriod, a page
 * waits between its read and its use. This reader makes one page wait for as long as the
 * test needs, once the page has been read: the wait that slow writes cause, made exact.
 */
class HeldPage implements PiriodReader {
  constructor(
    private readonly inner: PiriodReader,
    private readonly page: number,
    private readonly whileHeld: () => Promise<void>,
  ) {}
  getCustomer(id: string) {
    return this.inner.getCustomer(id);
  }
  async *listCustomers(o?: ListOptions): AsyncGenerator<CustomerPage> {
    for await (const page of this.inner.listCustomers(o)) {
      if (page.page === this.page) await this.whileHeld();
      yield page;
    }
  }
}

let sandbox: Sandbox;
let t: TestTable;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 500, seed: 61 });
  t = await createTestTable('read-ahead');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

const balanceOf = (item: unknown) =>
  (item as { aggregations?: { balance?: number } } | undefined)?.aggregations?.balance;

describe('scenario: a page read ahead waits for the writes', () => {
  it('never overwrites a refresh or a tombstone made while it waited: each page carries the time it was read', async () => {
    const deps = scenarioDeps(sandbox, t);
    await mirrorAll(deps);
    // Two customers of page 3 (100 a page); both change before the next mirror reads them.
    const [changed, deleted] = [250, 260].map((i) => sandbox.customers()[i]?.id ?? '') as [
      string,
      string,
    ];
    const aggregations = (balance: number) => ({ sales: 0, sales_current_period: 0, balance });
    // Balance moves without `updated`, as Piriod's aggregations do.
    sandbox.corruptCustomer(changed, { aggregations: aggregations(100) });
    sandbox.corruptCustomer(deleted, { aggregations: aggregations(100) });

    const whileHeld = async () => {
      // Page 3 has been read with balance 100. Now Piriod moves on, and refreshes record it.
      sandbox.corruptCustomer(changed, { aggregations: aggregations(200) });
      expect(sandbox.deleteCustomer(deleted)).toBe('removed');
      const r = await refreshCustomers([changed, deleted], { ...deps, source: 'event' });
      expect(r.summary).toMatchObject({ updated: 1, deleted: 1, failed: [] });
    };
    const run = await mirrorAll({ ...deps, piriod: new HeldPage(deps.piriod, 3, whileHeld) });
    expect(run.summary.failed).toEqual([]);

    const items = await scanTable(t);
    expectWholeItems(items);
    expect(balanceOf(items.get(changed)), 'the refresh read balance 200 after the page').toBe(200);
    expect(items.get(deleted)?.deleted, 'the tombstone was made after the page was read').toBe(
      true,
    );
  });
});
