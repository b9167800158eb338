import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../../lib/customer/record.js';
import { mirrorAll } from '../../../lib/use-cases/mirror-all.js';
import { refreshCustomers } from '../../../lib/use-cases/refresh-customers.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { scanTable } from '../../support/oracle.js';
import { cliEnv, runMirror } from '../../support/run-cli.js';
import { expectWholeItems, fastClient, scenarioDeps } from '../../support/scenario.js';

/*
 * One workspace's live and test-mode data mirrored into one table, as issue 26 measured it:
 * a test-mode full mirror used to tombstone every live customer (items without `testMode`
 * counted for both modes, and the test-mode sweep's 404s were taken as deletions), and a
 * live refresh of a test customer's id tombstoned it the same way.
 */

const LIVE = 150;
const TEST = 20;
let sandbox: Sandbox;
let t: TestTable;
let testIds: string[];

beforeAll(async () => {
  // The sandbox serves test-mode customers only with `x-piriod-test-mode: true`, and live
  // ones only without it, as Piriod does (test/integration/piriod/sandbox-contract.test.ts).
  sandbox = await startSandbox({ customers: LIVE });
  // Piriod's documentation does not promise `test_mode` on every customer: half the live
  // ones come without it (the measured case, where such items counted for both modes).
  sandbox.customers().forEach((c, i) => {
    if (i % 2 === 0) sandbox.corruptCustomer(c.id, { test_mode: undefined });
  });
  testIds = Array.from({ length: TEST }, () => sandbox.addCustomer({ test_mode: true }).id);
  t = await createTestTable('test-mode');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

const live = () => scenarioDeps(sandbox, t);
const testMode = () => ({
  ...scenarioDeps(sandbox, t, fastClient(sandbox, { testMode: true })),
  testMode: true,
});
const liveItems = (items: Map<string, CustomerRecord>) =>
  new Map([...items].filter(([id]) => !testIds.includes(id)));

describe('live and test-mode data of one workspace in one table', () => {
  let before: Map<string, CustomerRecord>;

  it('a live mirror stores every live customer as live, and no test-mode one', async () => {
    const run = await mirrorAll(live());
    expect(run.summary).toMatchObject({ created: LIVE, deleted: 0, failed: [] });
    before = await scanTable(t);
    expect(before.size).toBe(LIVE);
    for (const item of before.values()) expect(item.testMode).toBe(false);
  });

  it('a test-mode mirror stores the test customers as test mode and tombstones no live one', async () => {
    const run = await mirrorAll(testMode());
    expect(run.summary).toMatchObject({ created: TEST, updated: 0, deleted: 0, failed: [] });
    const items = await scanTable(t);
    expect(items.size).toBe(LIVE + TEST);
    for (const id of testIds) expect(items.get(id)).toMatchObject({ testMode: true });
    expect(liveItems(items)).toEqual(before);
  });

  it("a live refresh of a test customer's id fails with the clash and tombstones nothing", async () => {
    const [id] = testIds as [string];
    const stored = (await scanTable(t)).get(id);
    const run = await refreshCustomers([id], live());
    expect(run.summary).toMatchObject({ synced: 0, deleted: 0 });
    expect(run.summary.failed).toEqual([
      {
        id,
        reason: `customer ${id} is mirrored for workspace ${sandbox.workspace} in test mode; this tombstone is for workspace ${sandbox.workspace} live, so Piriod's 404 there does not delete it`,
      },
    ]);
    expect(run.outcomes.get(id)).toMatchObject({ result: 'failed', retryable: false });
    expect((await scanTable(t)).get(id)).toEqual(stored);
  });

  it('a live mirror again leaves every live item unchanged and every test item alive', async () => {
    const run = await mirrorAll(live());
    expect(run.summary).toMatchObject({ unchanged: LIVE, deleted: 0, failed: [] });
    const items = await scanTable(t);
    expect(liveItems(items)).toEqual(before);
    for (const id of testIds) {
      expect(items.get(id)).toMatchObject({ testMode: true });
      expect(items.get(id)?.deleted).toBeUndefined();
    }
    expectWholeItems(items);
  });

  it('the CLI reports a live refresh of a test id as failed with its reason, exit 1', async () => {
    const id = testIds[1] as string;
    const run = await runMirror(['refresh', id, '--json'], cliEnv(sandbox, t));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      synced: 0,
      failed: [
        {
          id,
          reason: expect.stringContaining(
            `is mirrored for workspace ${sandbox.workspace} in test mode; this tombstone is for workspace ${sandbox.workspace} live`,
          ),
        },
      ],
    });
    expect((await scanTable(t)).get(id)?.deleted).toBeUndefined();
  });
});
