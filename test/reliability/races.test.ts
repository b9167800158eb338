import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareInstants, toUtcIso } from '../../lib/customer/timestamp.js';
import type { CustomerPage, ListOptions, PiriodReader } from '../../lib/ports.js';
import { mirrorAll } from '../../lib/use-cases/mirror-all.js';
import { refreshCustomers } from '../../lib/use-cases/refresh-customers.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { scanTable } from '../support/oracle.js';
import { expectWholeItems, fastClient, SCALE, scenarioDeps } from '../support/scenario.js';

/** Wraps the Piriod port and remembers the newest `updated` any sync has read per customer. */
class NewestSeen implements PiriodReader {
  readonly newest = new Map<string, string>();
  constructor(private readonly inner: PiriodReader) {}
  private see(wire: unknown) {
    const w = wire as { id?: string; updated?: string };
    const u = typeof w.updated === 'string' ? toUtcIso(w.updated) : undefined;
    if (!w.id || !u) return;
    const prev = this.newest.get(w.id);
    if (!prev || compareInstants(u, prev) > 0) this.newest.set(w.id, u);
  }
  async getCustomer(id: string) {
    const c = await this.inner.getCustomer(id);
    this.see(c);
    return c;
  }
  async *listCustomers(o?: ListOptions): AsyncGenerator<CustomerPage> {
    for await (const page of this.inner.listCustomers(o)) {
      for (const c of page.results) this.see(c);
      yield page;
    }
  }
}

const CUSTOMERS = 1500 * SCALE;
let sandbox: Sandbox;
let t: TestTable;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: CUSTOMERS, seed: 23, faults: { latencyMs: 5 } });
  t = await createTestTable('races');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

describe('scenario 3: races', () => {
  it('ends on the newest version read of every customer while two mirrors and refreshes race with edits', async () => {
    const ids = sandbox.customers().map((c) => c.id);
    let k = 0;
    // Every listing page served edits a few customers: versions change under the syncs' feet.
    sandbox.onListPage(() => {
      for (let i = 0; i < 8; i++) sandbox.editCustomer(ids[(k++ * 7919) % ids.length] as string);
    });
    const reader = new NewestSeen(fastClient(sandbox));
    const deps = scenarioDeps(sandbox, t, reader as never);
    const refreshes = (async () => {
      for (let round = 0; round < 8; round++) {
        const batch = Array.from(
          { length: 60 },
          (_, i) => ids[(round * 131 + i * 17) % ids.length] as string,
        );
        for (const id of batch.slice(0, 5)) sandbox.editCustomer(id);
        await refreshCustomers(batch, { ...deps, source: 'event' });
      }
    })();
    const [a, b] = await Promise.all([mirrorAll(deps), mirrorAll(deps), refreshes]);
    sandbox.onListPage(undefined);
    expect(a.summary.failed).toEqual([]);
    expect(b.summary.failed).toEqual([]);

    const items = await scanTable(t);
    expectWholeItems(items);
    const behind: string[] = [];
    for (const [id, newest] of reader.newest) {
      if (compareInstants(items.get(id)?.updated, newest) !== 0) behind.push(id);
    }
    expect(behind, 'customers whose stored version is older than one a sync read').toEqual([]);
    expect(items.size).toBe(CUSTOMERS);
  });
});
