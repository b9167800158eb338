import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { scanTable } from '../support/oracle.js';
import { cliEnv, runMirror } from '../support/run-cli.js';
import { expectMirroredOrReported, expectWholeItems } from '../support/scenario.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let sandbox: Sandbox;
let t: TestTable;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 1500, seed: 5, faults: { latencyMs: 20 } });
  t = await createTestTable('crash');
  env = cliEnv(sandbox, t);
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

/** Starts `sync` as its own process group, so SIGKILL takes npm, tsx and node at once. */
function startSync(): ChildProcess {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PIRIOD_')),
  );
  return spawn('npm', ['run', '--silent', 'mirror', '--', 'sync'], {
    cwd: ROOT,
    env: { ...base, ...env },
    detached: true,
    stdio: 'ignore',
  });
}

describe('scenario 2: crash mid-run', () => {
  it('leaves only whole, valid items after SIGKILL at three points, and a rerun converges', async () => {
    // Kill points are listing pages, drawn once; the sandbox's own hook fires the kill.
    const points = [2, 6, 11];
    for (const page of points) {
      const child = startSync();
      const exited = new Promise<number | null>((r) =>
        child.once('exit', (code, signal) => r(signal ? 137 : code)),
      );
      sandbox.onListPage((served) => {
        if (served === page && child.pid) process.kill(-child.pid, 'SIGKILL');
      });
      const code = await exited;
      sandbox.onListPage(undefined);
      expect(code).toBe(137);
      const items = await scanTable(t);
      expect(items.size).toBeLessThan(1500);
      expectWholeItems(items);
    }
    const rerun = await runMirror(['sync', '--json'], env);
    expect(rerun.code).toBe(0);
    await expectMirroredOrReported(t, sandbox, JSON.parse(rerun.stdout));
    expect((await scanTable(t)).size).toBe(1500);
  });
});
