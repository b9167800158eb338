import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorAll } from '../../lib/use-cases/mirror-all.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { expectedMirror, scanTable } from '../support/oracle.js';
import { expectMirroredOrReported, SCALE, scenarioDeps } from '../support/scenario.js';

const CUSTOMERS = 1200 * SCALE;
let sandbox: Sandbox;
let t: TestTable;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: CUSTOMERS, seed: 31 });
  t = await createTestTable('churn');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

describe('scenario 4: deletions and archives during a listing', () => {
  it('loses and duplicates nothing: removed ones tombstoned, archived ones archived, added ones mirrored', async () => {
    await mirrorAll(scenarioDeps(sandbox, t));
    const before = new Set((await scanTable(t)).keys());
    const removed: string[] = [];
    const archived: string[] = [];
    const added: string[] = [];
    let n = 0;
    sandbox.onListPage(() => {
      // Between pages: two deletes (archive or remove, as Piriod decides) and two additions.
      const live = sandbox.customers().filter((c) => c.status !== 'archived');
      for (let i = 0; i < 2; i++) {
        const victim = live[(n++ * 104729) % live.length];
        if (!victim) continue;
        // Half have no billing history, so Piriod removes them; the rest are archived.
        if (n % 2 === 0) sandbox.corruptCustomer(victim.id, { aggregations: { sales: 0 } });
        (sandbox.deleteCustomer(victim.id) === 'removed' ? removed : archived).push(victim.id);
      }
      for (let i = 0; i < 2; i++) added.push(sandbox.addCustomer().id);
    });
    const during = await mirrorAll(scenarioDeps(sandbox, t));
    sandbox.onListPage(undefined);
    expect(removed.length).toBeGreaterThan(0);
    expect(archived.length).toBeGreaterThan(0);
    expect(during.summary.failed).toEqual([]);

    const next = await mirrorAll(scenarioDeps(sandbox, t));
    await expectMirroredOrReported(t, sandbox, next.summary);
    const items = await scanTable(t);
    for (const id of removed) {
      // Known before: tombstoned. Added and removed within the churn: never live in the table.
      if (before.has(id)) expect(items.get(id), id).toMatchObject({ deleted: true });
      else expect(items.get(id)?.deleted ?? true, id).toBe(true);
    }
    for (const id of archived) expect(items.get(id)?.status, id).toBe('archived');
    for (const id of added) expect(items.get(id)?.deleted, id).toBeUndefined();
    const live = [...items.values()]
      .filter((i) => !i.deleted)
      .map((i) => i.id)
      .sort();
    expect(live).toEqual([...expectedMirror(sandbox).customers.keys()].sort());
  });
});
