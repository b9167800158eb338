import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/local/dynamodb-local.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { cliEnv, runMirror, runNpm, runShell } from '../../support/run-cli.js';

let sandbox: Sandbox;
let t: TestTable;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 300, invalidEvery: 100 });
  t = await createTestTable('cli');
  env = cliEnv(sandbox, t);
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('piriod-mirror full-mirror and refresh through npm run mirror', () => {
  it('mirrors the account and prints the contract JSON summary, exit 1 when some failed', async () => {
    const run = await runMirror(['full-mirror', '--json'], env);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(Object.keys(summary)).toEqual([
      'synced',
      'created',
      'updated',
      'unchanged',
      'stale',
      'deleted',
      'failed',
    ]);
    expect(summary).toMatchObject({
      synced: 297,
      created: 297,
      updated: 0,
      unchanged: 0,
      stale: 0,
      deleted: 0,
    });
    expect(summary.failed).toHaveLength(3);
    for (const f of summary.failed) {
      expect(f.id).toMatch(/^cus_/);
      expect(f.reason).toContain('send_invoices: expected boolean, got string');
    }
    expect(run.stdout + run.stderr).not.toContain(sandbox.token);
  });

  it('refreshes given ids and exits 0 when none failed', async () => {
    const ids = sandbox
      .customers()
      .slice(1, 4)
      .map((c) => c.id);
    sandbox.editCustomer(ids[0] as string, { phone: '+56 9 8765 4321' });
    const run = await runMirror(['refresh', ...ids, '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      synced: 3,
      created: 0,
      updated: 1,
      unchanged: 2,
      stale: 0,
      deleted: 0,
      failed: [],
    });
  });

  it('prints a human summary without --json; sync, the former name, still refreshes', async () => {
    const id = sandbox.customers()[5]?.id as string;
    for (const command of ['refresh', 'sync']) {
      const run = await runMirror([command, id], env);
      expect(run.code, command).toBe(0);
      expect(run.stdout).toMatch(
        /^Synced 1 customer into cli-\w+: 0 created, 0 updated, 1 unchanged/,
      );
    }
  });

  it('refuses ids to full-mirror and an empty refresh, exit 2, one line each', async () => {
    const withIds = await runMirror(['full-mirror', 'cus_1'], env);
    expect(withIds.code).toBe(2);
    expect(lines(withIds.stderr)).toEqual([
      'piriod-mirror: full-mirror takes no ids: to refresh customers, run refresh ID…',
    ]);
    const empty = await runMirror(['refresh'], env);
    expect(empty.code).toBe(2);
    expect(lines(empty.stderr)).toEqual([
      'piriod-mirror: refresh needs at least one customer id: refresh ID…',
    ]);
  });

  it('rejects a bad flag with exit 2 and one line', async () => {
    const run = await runMirror(['full-mirror', '--frobnicate'], env);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      "piriod-mirror: full-mirror: unknown option '--frobnicate' (see `piriod-mirror full-mirror --help`)",
    ]);
  });

  it('stops with exit 2 and one line when the token is missing', async () => {
    const run = await runMirror(['sync'], { ...env, PIRIOD_API_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/PIRIOD_API_TOKEN is not set/);
  });

  it('stops at once with exit 2 on a wrong token: no retry storm, token never printed', async () => {
    sandbox.resetStats();
    const token = 'sk_live_this_is_a_wrong_token_123';
    const run = await runMirror(['sync', '--json'], { ...env, PIRIOD_API_TOKEN: token });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/answered 401.*check PIRIOD_API_TOKEN and PIRIOD_WORKSPACE/);
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(sandbox.stats().requests).toBeLessThanOrEqual(2);
  });

  it('stops with exit 2 and names the variable when DynamoDB is unreachable', async () => {
    const port = await freePort();
    const run = await runMirror(['sync'], {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
    });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot reach DynamoDB.*AWS_ENDPOINT_URL_DYNAMODB/);
  });

  it('stops with exit 2 when the table does not exist, saying how to create it', async () => {
    const run = await runMirror(['sync'], { ...env, CUSTOMERS_TABLE: 'no-such-table' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /table no-such-table does not exist: run `npm run --silent mirror -- create-table`/,
    );
  });
});

describe('piriod-mirror get, query, verify, create-table', () => {
  it('gets a stored item as JSON, exit 1 when absent', async () => {
    const found = await runMirror(['get', 'cus_01H8XYZ123ABC'], env);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({
      id: 'cus_01H8XYZ123ABC',
      country: { id: 'CL' },
    });
    const absent = await runMirror(['get', 'cus_ABSENT'], env);
    expect(absent.code).toBe(1);
    expect(absent.stdout).toBe('');
  });

  it('queries by email as JSON lines and rejects conflicting flags', async () => {
    const run = await runMirror(['query', '--email', 'JSMITH@example.com'], env);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).map((l) => JSON.parse(l).id)).toEqual(['cus_01H8XYZ123ABC']);
    const bad = await runMirror(['query', '--email', 'a@b.c', '--status', 'active'], env);
    expect(bad.code).toBe(2);
  });

  it('verifies: exit 0 when the mirror matches, exit 1 with the drift report when not', async () => {
    const clean = await runMirror(['verify', '--json'], env);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual({ missing: [], stale: [], gone: [] });

    const [a, b] = sandbox
      .customers()
      .filter((c) => c.send_invoices !== 'yes')
      .slice(10, 12);
    sandbox.editCustomer(a!.id, { phone: '+1 415 555 0100' });
    sandbox.corruptCustomer(b!.id, { aggregations: { sales: 0 } });
    sandbox.deleteCustomer(b!.id);
    const added = sandbox.addCustomer();
    const drift = await runMirror(['verify', '--json'], env);
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.stdout)).toEqual({
      missing: [added.id],
      stale: [a!.id],
      gone: [b!.id],
    });
  });

  it('creates a table idempotently', async () => {
    const name = `cli-created-${Date.now()}`;
    const first = await runMirror(['create-table'], { ...env, CUSTOMERS_TABLE: name });
    expect(first).toMatchObject({ code: 0, stdout: `created table ${name}\n` });
    const second = await runMirror(['create-table'], { ...env, CUSTOMERS_TABLE: name });
    expect(second).toMatchObject({ code: 0, stdout: `table ${name} already exists\n` });
  });

  it('shows help for every command', async () => {
    for (const cmd of [
      'full-mirror',
      'refresh',
      'sync',
      'get',
      'query',
      'create-table',
      'verify',
      'sandbox',
    ]) {
      const run = await runMirror([cmd, '--help'], env);
      expect(run.code, cmd).toBe(0);
      expect(run.stdout).toMatch(/^Usage: piriod-mirror /);
    }
  });

  it('runs as the piriod-mirror executable that package.json names (npx piriod-mirror)', async () => {
    const run = await runNpm(['exec', '--', 'piriod-mirror', 'get', 'cus_NOTSTORED'], env);
    expect(run).toMatchObject({ code: 1 });
    const help = await runNpm(['exec', '--', 'piriod-mirror', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: piriod-mirror <command>/);
  });
});

describe('output that cannot be written', () => {
  it('a full disk (/dev/full) ends the command with one line and exit 1, no stack trace', async () => {
    const run = await runShell(
      'npm run --silent mirror -- query --status active > /dev/full; echo "exit=$?" >&2',
      env,
    );
    const errLines = lines(run.stderr);
    expect(errLines).toEqual(['piriod-mirror: cannot write the output (ENOSPC)', 'exit=1']);
  });
});

describe('a reader that stops early', () => {
  it('query piped into head -1 ends quietly: exit 0, one line, no stack trace', async () => {
    // The first test mirrored ~300 customers, far more JSON than a pipe buffer holds.
    // PIPESTATUS is bash's, not a template placeholder.
    const status = '$' + '{PIPESTATUS[0]}';
    const run = await runShell(
      `npm run --silent mirror -- query --status active | head -1; echo "exit=${status}" >&2`,
      env,
    );
    expect(lines(run.stdout)).toHaveLength(1);
    expect(JSON.parse(run.stdout).status).toBe('active');
    expect(run.stderr.trim()).toBe('exit=0');
  });
});
