import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PiriodClient } from '../../lib/piriod/client.js';
import { systemClock } from '../../lib/ports.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { refreshEventBody, sqsEvent } from '../support/events.js';
import {
  lambdaContext,
  MemoryBus,
  MemoryDeadLetters,
  MemoryRefreshQueue,
} from '../support/fakes.js';
import { scanTable } from '../support/oracle.js';
import { cliEnv, runMirror } from '../support/run-cli.js';
import { fullMirrorOf, inWorkspace } from '../support/workspace-deps.js';

// A token that looks real, so a leak anywhere is unmistakable.
const TOKEN = 'sk_live_4f9c2e7a1b8d6350e9f1a2b3c4d5e6f7';
let sandbox: Sandbox;
let t: TestTable;
let env: Record<string, string>;
const seen: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 120, token: TOKEN, invalidEvery: 40, seed: 3 });
  t = await createTestTable('creds');
  env = { ...cliEnv(sandbox, t), PIRIOD_API_TOKEN: TOKEN };
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});
afterEach(() => vi.unstubAllEnvs());

describe('scenario 6: credentials', () => {
  it('stops a run at once with exit 2 and one line on a wrong token: no retry storm, nothing written', async () => {
    sandbox.resetStats();
    const run = await runMirror(['sync', '--json'], {
      ...env,
      PIRIOD_API_TOKEN: 'sk_live_wrong_wrong_wrong',
    });
    seen.push(run.stdout, run.stderr);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(sandbox.stats().requests).toBeLessThanOrEqual(2);
    expect((await scanTable(t)).size).toBe(0);
  });

  it('stops the same way on a wrong workspace', async () => {
    sandbox.resetStats();
    const run = await runMirror(['sync'], { ...env, PIRIOD_WORKSPACE: 'acc_someone_else' });
    seen.push(run.stdout, run.stderr);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/answered 403.*check PIRIOD_API_TOKEN and PIRIOD_WORKSPACE/);
    expect(sandbox.stats().requests).toBeLessThanOrEqual(2);
    expect((await scanTable(t)).size).toBe(0);
  });

  it('never lets the token reach output, logs, errors, events, dead letters or items', async () => {
    // Every CLI command, with failures and warnings along the way.
    for (const args of [
      ['sync', '--json'],
      ['sync'],
      ['verify', '--json'],
      ['get', 'cus_01H8XYZ123ABC'],
      ['sync', 'cus_nope', '../x'],
    ]) {
      const run = await runMirror(args, env);
      seen.push(run.stdout, run.stderr);
    }
    sandbox.setFaults({ errorRate: 1 });
    const failing = await runMirror(['sync', 'cus_01H8XYZ123ABC'], {
      ...env,
      PIRIOD_MAX_ATTEMPTS: '2',
    });
    seen.push(failing.stdout, failing.stderr);
    sandbox.setFaults({ errorRate: 0 });

    // The functions, logging at DEBUG, with their stdout captured.
    // POWERTOOLS_DEV makes Logger and Metrics write through the global console, captured here.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.resetModules();
    const logs: string[] = [];
    const capture = (...args: unknown[]) => {
      logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(capture),
    );
    const bus = new MemoryBus();
    const dlq = new MemoryDeadLetters();
    try {
      const { createRefreshCustomersHandler } = await import(
        '../../functions/refresh-customers/handler.js'
      );
      const { createFullMirrorHandler } = await import('../../functions/full-mirror/handler.js');
      const piriod = new PiriodClient({
        baseUrl: sandbox.url,
        token: TOKEN,
        workspace: sandbox.workspace,
      });
      const wrong = new PiriodClient({
        baseUrl: sandbox.url,
        token: 'sk_live_other',
        workspace: sandbox.workspace,
      });
      const deps = {
        piriod,
        store: t.store,
        deadLetters: dlq,
        workspace: sandbox.workspace,
        concurrency: 4,
        clock: systemClock,
      };
      const ids = sandbox.customers().map((c) => c.id);
      await createRefreshCustomersHandler(async () => inWorkspace(deps))(
        sqsEvent([
          refreshEventBody({ customerIds: ids.slice(0, 50) }),
          '{"customerId":"cus_gone"}',
          'junk',
        ]),
        lambdaContext(),
      );
      await createRefreshCustomersHandler(async () => inWorkspace({ ...deps, piriod: wrong }))(
        sqsEvent(['{"customerId":"cus_x"}']),
        lambdaContext(),
      );
      await createFullMirrorHandler(async () =>
        fullMirrorOf({
          ...deps,
          queue: new MemoryRefreshQueue(),
          continuation: bus,
          lease: t.lease({ workspace: sandbox.workspace }),
        }),
      )({ 'detail-type': 'Scheduled Event' }, lambdaContext());
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const all = logs.join('\n');
    expect(all).toMatch(/batch done/);
    expect(all).toMatch(/full mirror done/);
    expect(all).toMatch(/customer not mirrored/);
    seen.push(...logs, JSON.stringify(dlq.sent), JSON.stringify(bus));

    const items = await scanTable(t);
    expect(items.size).toBeGreaterThan(100);
    seen.push(JSON.stringify([...items.values()]));
    const leaks = seen.filter((s) => s.includes(TOKEN));
    expect(leaks).toEqual([]);
  });
});
