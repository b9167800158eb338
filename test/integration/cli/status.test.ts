import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerQueries } from '../../../lib/store/customer-queries.js';
import { DynamoMirrorStatus } from '../../../lib/store/dynamodb-mirror-status.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { runCliCaptured } from '../../support/dev-fixture.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { cliEnv } from '../../support/run-cli.js';

/*
 * The mirror's status on DynamoDB Local, as the CLI's full mirror records it and as `status`
 * and the library read it; and the library's queries limited to one workspace and mode.
 */

let sandbox: Sandbox;
let table: TestTable;
let env: Record<string, string>;
let queries: CustomerQueries;
const A = 'acc_sandbox';
const B = 'acc_sandbox_2';

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 12, seed: 41, workspaces: 2 });
  table = await createTestTable('cli_status');
  queries = new CustomerQueries({ client: table.client, tableName: table.tableName });
  env = {
    ...cliEnv(sandbox, table),
    PIRIOD_REQUESTS_PER_SECOND: '0',
    PIRIOD_WORKSPACES: [A, B].join(','),
    PIRIOD_API_TOKENS: JSON.stringify(
      Object.fromEntries(sandbox.workspaces.map((w) => [w.id, w.token])),
    ),
  };
});
afterAll(async () => {
  await sandbox?.close();
  await table?.drop();
});

const lines = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('piriod-mirror status', () => {
  it('exits 1 while no cycle has completed, one JSON object per configured workspace', async () => {
    const r = await runCliCaptured(['status', '--json'], env);
    expect(r.code, r.err).toBe(1);
    expect(lines(r.out)).toEqual([
      { workspace: A, testMode: false },
      { workspace: B, testMode: false },
    ]);
    expect(await queries.mirrorStatus(A)).toBeUndefined();
  });

  it('a completed CLI full mirror is recorded with its counts; status exits 0 and agrees with the library', async () => {
    const mirrored = await runCliCaptured(['full-mirror', '--workspace', B, '--json'], env);
    expect(mirrored.code, mirrored.err).toBe(0);
    const r = await runCliCaptured(['status', '--workspace', B, '--json', '--max-age', '1h'], env);
    expect(r.code, r.err).toBe(0);
    const [shown] = lines(r.out);
    const library = await queries.mirrorStatus(B);
    expect(shown).toEqual(JSON.parse(JSON.stringify(library)));
    expect(library).toMatchObject({
      workspace: B,
      testMode: false,
      lastStartedAt: expect.any(String),
      lastCompletedAt: expect.any(String),
      lastCycle: { listed: 12, created: 12, updated: 0, unchanged: 0, deleted: 0, failed: 0 },
    });
    expect(library?.lastFailure).toBeUndefined();
    // The test-mode status of the same workspace is another item: none yet.
    expect(await queries.mirrorStatus(B, { testMode: true })).toBeUndefined();
    const human = await runCliCaptured(['status', '--workspace', B, '--max-age', '1h'], env);
    expect(human.out).toMatch(/^FRESH acc_sandbox_2\n {2}last started: /);
    expect(human.out).toMatch(/last completed: .*listed 12, created 12/);
  });

  it('a failed cycle is recorded with its reason (no secret), and status exits 1 until one completes', async () => {
    const wrong = 'piriod_wrong_token_0123456789abcdef';
    const failed = await runCliCaptured(['full-mirror'], {
      ...env,
      PIRIOD_API_TOKENS: '',
      PIRIOD_API_TOKEN: wrong,
    });
    expect(failed.code).toBe(2);
    const status = await queries.mirrorStatus(A);
    expect(status?.lastCompletedAt).toBeUndefined();
    expect(status?.lastFailure?.reason).toBeTruthy();
    expect(JSON.stringify(status)).not.toContain(wrong);
    const r = await runCliCaptured(['status', '--workspace', A], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^STALE acc_sandbox — no full mirror has completed yet/);
    expect(r.out).toMatch(/last failure: /);
    // Completed afterwards: fresh again.
    expect((await runCliCaptured(['full-mirror'], env)).code).toBe(0);
    expect((await runCliCaptured(['status', '--workspace', A, '--max-age', '1h'], env)).code).toBe(
      0,
    );
    expect((await runCliCaptured(['status', '--max-age', '1h'], env)).code).toBe(0);
  });

  it('exits 1 when the last completed cycle is older than --max-age, or than two recorded periods', async () => {
    const status = new DynamoMirrorStatus({
      client: table.client,
      tableName: table.tableName,
      scope: { workspace: 'acc_old' },
    });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await status.started(hourAgo, 20);
    await status.completed(hourAgo, {
      listed: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      stale: 0,
      deleted: 0,
      failed: 0,
      handedOff: 0,
    });
    const old = { ...env, PIRIOD_WORKSPACES: '', PIRIOD_WORKSPACE: 'acc_old' };
    // Default: two periods of the 20 minutes full-mirror recorded.
    const r = await runCliCaptured(['status'], old);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /STALE acc_old — the last completed cycle is 1h old, over the allowed 40m/,
    );
    expect((await runCliCaptured(['status', '--max-age', '2h'], old)).code).toBe(0);
    // A cycle that failed after it makes it stale whatever the age.
    await status.failed({ at: new Date().toISOString(), reason: 'Piriod rejected the token' });
    const failed = await runCliCaptured(['status', '--max-age', '2h'], old);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/the last cycle failed at .*: Piriod rejected the token/);
  });

  it('exits 2 on a usage error', async () => {
    for (const args of [
      ['status', '--max-age', '30x'],
      ['status', '--max-age', '0m'],
      ['status', '--workspace', '../x'],
      ['status', '--bogus'],
    ]) {
      const r = await runCliCaptured(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^piriod-mirror: status: /);
    }
    const none = await runCliCaptured(['status'], {
      ...env,
      PIRIOD_WORKSPACES: '',
      PIRIOD_WORKSPACE: '',
    });
    expect(none.code).toBe(2);
  });
});

describe('queries limited to one workspace and mode', () => {
  const shared = 'billing@shared.example';
  beforeAll(async () => {
    const put = (id: string, workspace: string, testMode?: boolean) =>
      table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            id,
            name: id,
            email: shared,
            taxId: '76.000.000-0',
            status: 'active',
            updated: '2026-01-01T00:00:00Z',
            workspace,
            ...(testMode === undefined ? {} : { testMode }),
          },
        }),
      );
    await put('cus_SHARED_A', A);
    await put('cus_SHARED_B', B, false);
    await put('cus_SHARED_BT', B, true);
  });

  const ids = async (it: AsyncIterable<{ id: string }>) => {
    const out: string[] = [];
    for await (const c of it) out.push(c.id);
    return out.sort();
  };

  it('byEmail, byTaxId and byStatus return only the workspace and mode asked for', async () => {
    expect(await ids(queries.byEmail(shared))).toEqual([
      'cus_SHARED_A',
      'cus_SHARED_B',
      'cus_SHARED_BT',
    ]);
    expect(await ids(queries.byEmail(shared, { workspace: B }))).toEqual(['cus_SHARED_B']);
    expect(await ids(queries.byEmail(shared, { workspace: B, testMode: true }))).toEqual([
      'cus_SHARED_BT',
    ]);
    expect(await ids(queries.byTaxId('76.000.000-0', { workspace: A }))).toEqual(['cus_SHARED_A']);
    const active = await ids(queries.byStatus('active', { workspace: B, testMode: true }));
    expect(active).toEqual(['cus_SHARED_BT']);
  });

  it('query --workspace W prints only W’s customers', async () => {
    const r = await runCliCaptured(['query', '--email', shared, '--workspace', A], env);
    expect(r.code, r.err).toBe(0);
    expect(lines(r.out).map((c) => c.id)).toEqual(['cus_SHARED_A']);
  });
});
