import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevRuntime, type Hop, startDevRuntime } from '../../../tools/dev/dev-runtime.js';
import { patchCustomer } from '../../../tools/sandbox/sandbox-client.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { sendWebhook } from '../../../tools/sandbox/webhook-sender.js';
import { runCliCaptured } from '../../support/dev-fixture.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { cliEnv } from '../../support/run-cli.js';

const A = 'acc_sandbox';
const B = 'acc_sandbox_2';
const SECRETS: Record<string, string> = { [A]: 'whsecret_dev_ws_a', [B]: 'whsecret_dev_ws_b' };
let sandbox: Sandbox;
let table: TestTable;
let runtime: DevRuntime;
const hops: Hop[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 15, seed: 9, workspaces: 2 });
  table = await createTestTable('dev_workspaces');
  runtime = await startDevRuntime({
    env: { ...cliEnv(sandbox, table), PIRIOD_REQUESTS_PER_SECOND: '0' },
    sandbox,
    webhookSecret: SECRETS[A] as string,
    workspaces: sandbox.workspaces.map((w) => ({
      id: w.id,
      token: w.token,
      webhookSecret: SECRETS[w.id] as string,
    })),
    fullMirrorIntervalMs: 0,
    onHop: (h) => hops.push(h),
  });
});
afterAll(async () => {
  await runtime?.close();
  await sandbox?.close();
  await table?.drop();
});

const stored = async (id: string) =>
  (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { id } }))).Item;
/** Workspace `w` as a Piriod API user sees it: the sandbox's URL, `w` and its token. */
const as = (w: string) => ({ url: sandbox.url, workspace: w, token: sandbox.inWorkspace(w).token });
const idsOf = (w: string) =>
  sandbox
    .inWorkspace(w)
    .customers()
    .map((c) => c.id);

describe('npm run dev -- --workspaces 2', () => {
  it('runs one full mirror per workspace, both into one table, items carrying their workspace', async () => {
    const reports = await runtime.runFullMirror();
    expect(reports).toHaveLength(2);
    expect(reports.every((r) => r.completed === true && r.failed === 0)).toBe(true);
    const mirrored = hops.filter((h) => h.hop === 'full-mirror').map((h) => h.workspace);
    expect(mirrored.sort()).toEqual([A, B]);
    for (const w of [A, B]) {
      for (const id of idsOf(w)) expect((await stored(id))?.workspace, id).toBe(w);
    }
  });

  it("brings a sandbox edit in A to A's item through A's webhook, and never touches B's", async () => {
    const idA = idsOf(A)[3] as string;
    const beforeB = await Promise.all(idsOf(B).map(async (id) => (await stored(id))?.syncedAt));
    hops.length = 0;
    const written = runtime.nextWrite(idA);
    await patchCustomer(as(A), idA, { manager: 'Edited In A' });
    expect(await written).toBe('updated');
    expect(await stored(idA)).toMatchObject({ manager: 'Edited In A', workspace: A });
    await runtime.drained();
    expect(hops.find((h) => h.hop === 'webhook')).toMatchObject({ status: 200, workspace: A });
    const workerIds = hops.flatMap((h) => (h.hop === 'worker' ? [h.customerId] : []));
    expect(workerIds).toEqual([idA]);
    const afterB = await Promise.all(idsOf(B).map(async (id) => (await stored(id))?.syncedAt));
    expect(afterB).toEqual(beforeB);
  });

  it("brings a sandbox edit in B to B's item with B's token", async () => {
    const idB = idsOf(B)[5] as string;
    const written = runtime.nextWrite(idB);
    await patchCustomer(as(B), idB, { manager: 'Edited In B' });
    expect(await written).toBe('updated');
    expect(await stored(idB)).toMatchObject({ manager: 'Edited In B', workspace: B });
  });

  it("sends the printed hint's webhook to PIRIOD_WORKSPACE's endpoint without --workspace", async () => {
    const idA = idsOf(A)[1] as string;
    const run = await runCliCaptured(['send-webhook', idA], runtime.cliEnv);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/\b200\b/);
  });

  it("refuses B's signature on A's endpoint with 401", async () => {
    const idA = idsOf(A)[0] as string;
    const status = await sendWebhook(`${runtime.webhookUrl}?workspace=${A}`, SECRETS[B] as string, {
      event: 'customer.updated',
      object_id: idA,
    });
    expect(status).toBe(401);
  });

  it('refreshes in the workspace request-refresh --workspace names, from the exported variables', async () => {
    expect(runtime.cliEnv).toMatchObject({
      PIRIOD_WORKSPACE: A,
      PIRIOD_WORKSPACES: `${A},${B}`,
      PIRIOD_API_TOKENS: JSON.stringify({
        [A]: sandbox.workspaces[0]?.token,
        [B]: sandbox.workspaces[1]?.token,
      }),
      PIRIOD_WEBHOOK_SECRETS: JSON.stringify(SECRETS),
    });
    const idB = idsOf(B)[7] as string;
    sandbox.inWorkspace(B).editCustomer(idB, { manager: 'Behind The Webhook' });
    await runtime.drained();
    const written = runtime.nextWrite(idB);
    const run = await runCliCaptured(['request-refresh', idB, '--workspace', B], runtime.cliEnv);
    expect(run.code, run.err).toBe(0);
    expect(await written).toMatch(/updated|unchanged/);
    expect(await stored(idB)).toMatchObject({ manager: 'Behind The Webhook', workspace: B });
  });

  // Last: it revokes A's token for good.
  it("keeps B mirroring when A's token is revoked: A's cycle fails with the reason, B's completes", async () => {
    sandbox.inWorkspace(A).revokeToken();
    await expect(runtime.runFullMirror(A)).rejects.toThrow(/401|token/i);
    const [report] = await runtime.runFullMirror(B);
    expect(report).toMatchObject({ workspace: B, completed: true, failed: 0 });
    const idB = idsOf(B)[2] as string;
    const written = runtime.nextWrite(idB);
    await patchCustomer(as(B), idB, { manager: 'After A Was Revoked' });
    expect(await written).toBe('updated');
    expect(await stored(idB)).toMatchObject({ manager: 'After A Was Revoked', workspace: B });
  });
});
