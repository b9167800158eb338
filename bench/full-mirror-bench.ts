import { startSandbox } from '../tools/sandbox/sandbox-server.js';
import {
  type Bench,
  DEFAULT_RPS,
  log,
  median,
  PAGE_LATENCY_MS,
  quick,
  ROOT,
  round,
  SIZE,
} from './bench-context.js';
import type { InstalledFigures, InstalledPackage } from './installed-cli.js';
import { wholeProcessSeconds } from './installed-cli.js';

/** Sections 1 and 2: full mirror at production latency and pace, cold then unchanged. */
export async function measureFullMirror(
  b: Bench,
  results: Record<string, unknown>,
  installed: InstalledPackage,
  installedFigures: Partial<InstalledFigures>,
): Promise<void> {
  log(
    `full mirror of ${SIZE.cold} customers (${PAGE_LATENCY_MS} ms a page, ${DEFAULT_RPS} requests/s)…`,
  );
  const sandbox = await startSandbox({
    customers: SIZE.cold,
    faults: { latencyMs: PAGE_LATENCY_MS },
  });
  const table = await b.newTable();
  const paced = { BENCH_RPS: String(DEFAULT_RPS) };
  const cold = await b.mirrorInChild(sandbox, table, paced);
  const coldRequests = sandbox.stats().requests;
  sandbox.resetStats();
  const again = await b.mirrorInChild(sandbox, table, paced);
  const againRequests = sandbox.stats().requests;
  // The same unchanged mirror as whole processes: the installed command, then the clone's.
  const cliEnv = {
    PIRIOD_API_URL: sandbox.url,
    PIRIOD_API_TOKEN: sandbox.token,
    PIRIOD_WORKSPACE: sandbox.workspace,
    CUSTOMERS_TABLE: table,
    AWS_ENDPOINT_URL_DYNAMODB: b.db.endpoint,
  };
  // Alternating runs, the median of each: one run on a shared machine is noisy.
  const installedRuns: number[] = [];
  const cloneRuns: number[] = [];
  for (let k = 0; k < (quick ? 1 : 3); k++) {
    installedRuns.push(await wholeProcessSeconds(installed.bin, ['full-mirror'], cliEnv));
    const cloneArgs = ['run', '--silent', 'mirror', '--', 'full-mirror'];
    cloneRuns.push(await wholeProcessSeconds('npm', cloneArgs, cliEnv, ROOT));
  }
  const installedSeconds = median(installedRuns);
  const cloneSeconds = median(cloneRuns);
  await sandbox.close();
  const pages = Math.ceil(SIZE.cold / 100);
  const paceBound = pages / DEFAULT_RPS;
  installedFigures.fullMirrorUnchanged = {
    paceBoundSeconds: round(paceBound),
    installedSeconds: round(installedSeconds),
    installedRatio: round(paceBound / installedSeconds),
    cloneSeconds: round(cloneSeconds),
    cloneRatio: round(paceBound / cloneSeconds),
    inProcessSeconds: round(again.seconds),
    installedOverInProcess: round(installedSeconds / again.seconds),
    goal: 'installedRatio ≥ 0.7',
    met: paceBound / installedSeconds >= 0.7,
  };
  results.installedPackage = installedFigures;
  installed.remove();
  const writeBound = SIZE.cold / b.putsPerSecond;
  const coldBound = Math.max(paceBound, writeBound);
  results.fullMirrorCold = {
    customers: SIZE.cold,
    pageLatencyMs: PAGE_LATENCY_MS,
    requestsPerSecond: DEFAULT_RPS,
    seconds: round(cold.seconds),
    customersPerSecond: Math.round(SIZE.cold / cold.seconds),
    boundSeconds: round(coldBound),
    bound: writeBound >= paceBound ? 'DynamoDB Local conditional puts' : 'pages ÷ pace',
    ratioToBound: round(coldBound / cold.seconds),
    piriodRequestsPerCustomer: round(coldRequests / SIZE.cold, 4),
    readUnitsPerCustomer: round(cold.readUnits / SIZE.cold, 4),
    writeUnitsPerCustomer: round(cold.writeUnits / SIZE.cold, 3),
    goal: 'ratioToBound ≥ 0.8',
    met: coldBound / cold.seconds >= 0.8,
  };
  results.fullMirrorUnchanged = {
    customers: SIZE.cold,
    seconds: round(again.seconds),
    paceBoundSeconds: round(paceBound),
    ratioToPaceBound: round(paceBound / again.seconds),
    dynamoWrites: again.writes,
    readUnitsPerCustomer: round(again.readUnits / SIZE.cold, 4),
    piriodRequestsPerCustomer: round(againRequests / SIZE.cold, 4),
    goal: 'ratioToPaceBound ≥ 0.5, readUnitsPerCustomer ≤ 0.05, 0 writes, ≤ 0.02 requests/customer',
    met:
      paceBound / again.seconds >= 0.5 &&
      again.readUnits / SIZE.cold <= 0.05 &&
      again.writes === 0 &&
      againRequests / SIZE.cold <= 0.02,
  };
}
