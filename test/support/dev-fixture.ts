import { afterAll, beforeAll } from 'vitest';
import { runCli } from '../../tools/cli/main.js';
import { type DevRuntime, type Hop, startDevRuntime } from '../../tools/dev/dev-runtime.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { captureIo } from './capture-io.js';
import { createTestTable, type TestTable } from './dynamo.js';
import { cliEnv } from './run-cli.js';

/** What a test file gets from {@link useDevRuntime}, filled in by its `beforeAll`. */
export interface DevFixture {
  sandbox: Sandbox;
  table: TestTable;
  runtime: DevRuntime;
  /** Every hop the runtime reported, in order (tests may empty it). */
  hops: Hop[];
}

/**
 * Starts, for the whole test file, a sandbox, a table and the dev runtime (no schedule: the
 * file runs one full mirror up front), and stops them after it. Without the `sandbox` option
 * the runtime sends no webhook of its own.
 */
export function useDevRuntime(options: {
  customers: number;
  seed: number;
  table: string;
  webhookSecret: string;
}): DevFixture {
  const fixture = { hops: [] as Hop[] } as DevFixture;
  beforeAll(async () => {
    fixture.sandbox = await startSandbox({ customers: options.customers, seed: options.seed });
    fixture.table = await createTestTable(options.table);
    fixture.runtime = await startDevRuntime({
      env: { ...cliEnv(fixture.sandbox, fixture.table), PIRIOD_REQUESTS_PER_SECOND: '0' },
      webhookSecret: options.webhookSecret,
      fullMirrorIntervalMs: 0,
      onHop: (h) => fixture.hops.push(h),
    });
    await fixture.runtime.runFullMirror();
  });
  afterAll(async () => {
    await fixture.runtime?.close();
    await fixture.sandbox?.close();
    await fixture.table?.drop();
  });
  return fixture;
}

/** Runs a CLI command in process, as `piriod-mirror` does, and keeps what it printed. */
export async function runCliCaptured(args: string[], env: Record<string, string | undefined>) {
  const cli = captureIo();
  const code = await runCli(args, env, cli.io);
  return { code, out: cli.out(), err: cli.err() };
}
