/**
 * `npm run bench [-- --quick]`: measures the product on this machine and writes
 * bench/results.json and bench/results.md. Machines are shared and noisy, so every time is
 * reported beside a reference measured in the same run, as a ratio. Counts come from
 * counters on the real clients (SDK middleware) and the sandbox's own request log.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { App } from 'aws-cdk-lib';
import { build as esbuild } from 'esbuild';
import { createReceiveWebhookHandler } from '../functions/receive-webhook/handler.js';
import { buildApp } from '../infra/app.js';
import { BUNDLES_CONTEXT_KEY } from '../infra/function-bundles.js';
import { EventBridgeBus } from '../lib/aws/event-bridge-bus.js';
import { normalizeCustomer } from '../lib/customer/normalize.js';
import { toRecord } from '../lib/customer/record-builder.js';
import { webhookSignature } from '../lib/piriod/signature.js';
import { sdkClientConfig } from '../lib/sdk/sdk-config.js';
import { countCalls } from '../lib/store/call-counter.js';
import { ensureTable } from '../lib/store/create-table.js';
import { createDocumentClient } from '../lib/store/dynamodb-client.js';
import { INDEXES } from '../lib/store/table-definition.js';
import { buildFunctionBundles } from '../scripts/function-bundler.js';
import { startLocalDynamoDb } from '../tools/local/dynamodb-local.js';
import { type Sandbox, startSandbox } from '../tools/sandbox/sandbox-server.js';
import { generateCustomers } from '../tools/sandbox/seed-data.js';
import { type Deployment, type MeasuredUnits, monthlyCost, PRICES } from './cost-model.js';
import {
  type InstalledFigures,
  installedRows,
  packAndInstall,
  startUpRatio,
  wholeProcessSeconds,
} from './installed-cli.js';
import { measureSignature } from './signature-bench.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
/** Function bundles for the bench's synths, built from the working tree. */
const BENCH_BUNDLES = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
await buildFunctionBundles(BENCH_BUNDLES);
const SIZE = quick
  ? {
      cold: 1000,
      refresh: 100,
      changes: 30,
      scale: [200, 600, 1200],
      norm: 2000,
      coldRuns: 2,
      webhook: 300,
      warm: 300,
    }
  : {
      cold: 10_000,
      refresh: 1000,
      changes: 200,
      scale: [1000, 10_000, 50_000],
      norm: 10_000,
      coldRuns: 11,
      webhook: 2000,
      warm: 3000,
    };
/** Piriod's latency per request in the full-mirror runs: a page of 100 is slow. */
const PAGE_LATENCY_MS = 300;
/** Latency of by-id refreshes and the scale runs (writes, not Piriod, are measured there). */
const LATENCY_MS = 50;
const CONCURRENCY = 8;
/** The client's default pace (requests per second): the production bound of a listing. */
const DEFAULT_RPS = 20;
const run = promisify(execFile);
const log = (m: string) => process.stderr.write(`${m}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

interface WorkerResult {
  seconds: number;
  summary: { synced: number; created: number; updated: number; unchanged: number; failed: number };
  writes: number;
  reads: number;
  readUnits: number;
  writeUnits: number;
  conditionalFailures: number;
  maxRssMb: number;
}

const db = await startLocalDynamoDb();
const client = createDocumentClient({ endpoint: db.endpoint });
// The reference's client asks for consumed capacity too, as the measured runs' clients do:
// the comparison must not favour the reference by sparing DynamoDB Local that work.
countCalls(client);
let tables = 0;
async function dropTable(name: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: name })).catch(() => {});
}
async function newTable(): Promise<string> {
  const name = `bench-${Date.now()}-${tables++}`;
  await ensureTable(client, name);
  return name;
}

async function mirrorInChild(
  sandbox: Sandbox,
  table: string,
  extra: Record<string, string> = {},
): Promise<WorkerResult> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/mirror-worker.ts')],
    {
      cwd: ROOT,
      maxBuffer: 10_000_000,
      env: {
        ...process.env,
        PIRIOD_API_URL: sandbox.url,
        PIRIOD_API_TOKEN: sandbox.token,
        PIRIOD_WORKSPACE: sandbox.workspace,
        CUSTOMERS_TABLE: table,
        AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
        BENCH_CONCURRENCY: String(CONCURRENCY),
        NODE_NO_WARNINGS: '1',
        ...extra,
      },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as WorkerResult;
}

/**
 * Reference: raw conditional PutItem throughput of this DynamoDB Local with 16 writers, of
 * realistic items (normalized customers, so the three indexes are maintained too), into a
 * new table or into `table` as it is (the reference at that table's size).
 */
let refBatch = 0;
async function rawPutRate(n: number, table?: string): Promise<number> {
  const target = table ?? (await newTable());
  const prefix = `ref${refBatch++}_`;
  const items = generateCustomers(n, { seed: 99 }).map((c) => {
    const { customer } = normalizeCustomer(c);
    const at = new Date().toISOString();
    return toRecord(
      { ...customer, id: `${prefix}${customer.id}` },
      { workspace: 'w', fetchedAt: at, syncedAt: at, source: 'cli' },
    );
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await client.send(
          new PutCommand({
            TableName: target,
            Item: item,
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
      }
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

const results: Record<string, unknown> = {
  quick,
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
};

log('warming DynamoDB Local (JVM)…');
await rawPutRate(SIZE.warm);
const putsPerSecond = await rawPutRate(SIZE.warm);
results.reference = { dynamoDbLocalConditionalPutsPerSecond: Math.round(putsPerSecond) };
log(`  reference: ${Math.round(putsPerSecond)} conditional puts/s`);

// 9 (measured first, used in 1 and 2): the package as a team installs it.
log('packing the package and installing the tarball into a fresh project…');
const installed = packAndInstall(ROOT);
const help = startUpRatio(installed.bin, ['--help'], SIZE.coldRuns);
const cloneHelp = startUpRatio('npm', ['run', '--silent', 'mirror', '--', '--help'], 5, ROOT);
const installedFigures: Partial<InstalledFigures> = {
  sizes: installed.sizes,
  startUp: {
    helpMs: round(help.ms, 1),
    nodeMs: round(help.nodeMs, 1),
    ratio: round(help.ratio, 2),
    goal: 'ratio ≤ 4',
    met: help.ratio <= 4,
  },
  cloneStartUp: {
    helpMs: round(cloneHelp.ms, 1),
    nodeMs: round(cloneHelp.nodeMs, 1),
    ratio: round(cloneHelp.ratio, 2),
    how: 'npm run --silent mirror -- --help (tsx, from source)',
  },
};

// 1 and 2: full mirror at production latency and pace, cold then unchanged.
{
  log(
    `full mirror of ${SIZE.cold} customers (${PAGE_LATENCY_MS} ms a page, ${DEFAULT_RPS} requests/s)…`,
  );
  const sandbox = await startSandbox({
    customers: SIZE.cold,
    faults: { latencyMs: PAGE_LATENCY_MS },
  });
  const table = await newTable();
  const paced = { BENCH_RPS: String(DEFAULT_RPS) };
  const cold = await mirrorInChild(sandbox, table, paced);
  const coldRequests = sandbox.stats().requests;
  sandbox.resetStats();
  const again = await mirrorInChild(sandbox, table, paced);
  const againRequests = sandbox.stats().requests;
  // The same unchanged mirror as whole processes: the installed command, then the clone's.
  const cliEnv = {
    PIRIOD_API_URL: sandbox.url,
    PIRIOD_API_TOKEN: sandbox.token,
    PIRIOD_WORKSPACE: sandbox.workspace,
    CUSTOMERS_TABLE: table,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
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
  const writeBound = SIZE.cold / putsPerSecond;
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

// 3: refresh by id at concurrency C, then the same customers changed (the webhook path).
{
  log(
    `refresh of ${SIZE.refresh} ids at concurrency ${CONCURRENCY}, then ${SIZE.changes} changed…`,
  );
  const sandbox = await startSandbox({
    customers: SIZE.refresh,
    faults: { latencyMs: LATENCY_MS },
  });
  const ids = sandbox.customers().map((c) => c.id);
  const table = await newTable();
  // A pure timing run (no capacity metering), like a production client.
  const r = await mirrorInChild(sandbox, table, {
    BENCH_IDS: JSON.stringify(ids),
    BENCH_METER: '0',
  });
  const changed = ids.slice(0, SIZE.changes);
  for (const id of changed) sandbox.editCustomer(id, { manager: 'Changed Today' });
  const c = await mirrorInChild(sandbox, table, {
    BENCH_IDS: JSON.stringify(changed),
    BENCH_CONCURRENCY: '1',
  });
  await sandbox.close();
  const rate = ids.length / r.seconds;
  const ideal = CONCURRENCY / (LATENCY_MS / 1000);
  results.refreshById = {
    ids: ids.length,
    concurrency: CONCURRENCY,
    customersPerSecond: round(rate, 1),
    idealCustomersPerSecond: ideal,
    ratioToIdeal: round(rate / ideal),
    goal: 'ratioToIdeal ≥ 0.9',
  };
  results.changedCustomer = {
    customers: changed.length,
    updated: c.summary.updated,
    readUnitsPerChange: round(c.readUnits / changed.length, 3),
    writeUnitsPerChange: round(c.writeUnits / changed.length, 3),
    // One at a time, as a webhook-driven worker invocation sees them: Piriod GET + read + write.
    secondsPerChange: round(c.seconds / changed.length, 4),
    piriodLatencyMs: LATENCY_MS,
  };
}

// 4: scale: marginal time per customer and peak RSS growth.
{
  const rows = [];
  for (const n of SIZE.scale) {
    log(`scale: full mirror of ${n}…`);
    const sandbox = await startSandbox({ customers: n, faults: { latencyMs: LATENCY_MS } });
    const table = await newTable();
    const r = await mirrorInChild(sandbox, table);
    // DynamoDB Local slows down as a table grows: the reference is measured at this size.
    const refAtSize = await rawPutRate(Math.min(quick ? 300 : 2000, n), table);
    await sandbox.close();
    await dropTable(table);
    rows.push({
      customers: n,
      seconds: round(r.seconds),
      msPerCustomer: round((r.seconds * 1000) / n),
      rawPutMsAtThisSize: round(1000 / refAtSize),
      peakRssMb: Math.round(r.maxRssMb),
    });
  }
  const [a, b, c] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  const marginalLow = ((b.seconds - a.seconds) * 1000) / (b.customers - a.customers);
  const marginalHigh = ((c.seconds - b.seconds) * 1000) / (c.customers - b.customers);
  const ratio = marginalHigh / marginalLow;
  results.scale = {
    rows,
    marginalMsPerCustomer: {
      [`${a.customers}→${b.customers}`]: round(marginalLow),
      [`${b.customers}→${c.customers}`]: round(marginalHigh),
    },
    marginalRatio: round(ratio),
    peakRssGrowthMb: c.peakRssMb - b.peakRssMb,
    goal: `marginal ${b.customers}→${c.customers} within ±20 % of ${a.customers}→${b.customers}; peak RSS ${c.customers} − ${b.customers} ≤ 20 MB`,
    met: Math.abs(ratio - 1) <= 0.2 && c.peakRssMb - b.peakRssMb <= 20,
    bound:
      'DynamoDB Local conditional writes, which slow as a table grows (rawPutMsAtThisSize); Piriod listing at 50 ms/page is overlapped',
  };
}

// 5: normalization.
{
  log('normalization…');
  const texts = generateCustomers(SIZE.norm).map((c) => JSON.stringify(c));
  const timeIt = (fn: () => void) => {
    const runs: number[] = [];
    for (let k = 0; k < 7; k++) {
      const t0 = performance.now();
      fn();
      runs.push(performance.now() - t0);
    }
    return median(runs);
  };
  const objects = texts.map((t) => JSON.parse(t));
  const parseMs = timeIt(() => {
    for (const t of texts) JSON.parse(t);
  });
  const normMs = timeIt(() => {
    for (const o of objects) normalizeCustomer(o);
  });
  results.normalization = {
    customers: SIZE.norm,
    microsPerCustomer: round((normMs * 1000) / SIZE.norm, 2),
    jsonParseMicrosPerCustomer: round((parseMs * 1000) / SIZE.norm, 2),
    ratioToJsonParse: round(normMs / parseMs, 2),
  };
}

// 6: cold start of each bundle, against its SDK floor: a bundle that only constructs the same
// AWS SDK and Powertools clients (bench/floors), built with the same esbuild settings.
{
  log('cold start of the synthesized bundles and their SDK floors…');
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk-'));
  const { app } = buildApp(
    new App({
      outdir,
      context: {
        workspace: 'acc_bench',
        publishChanges: 'true',
        [BUNDLES_CONTEXT_KEY]: BENCH_BUNDLES,
      },
    }),
  );
  const assembly = app.synth();
  const template = assembly.getStackByName('PiriodMirror').template as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  const empty = join(outdir, 'empty.mjs');
  writeFileSync(empty, 'export const handler = () => {};\n');
  const floorOf = async (name: string) => {
    const out = join(outdir, `floor-${name}.mjs`);
    await esbuild({
      entryPoints: [join(ROOT, 'bench', 'floors', `${name}.ts`)],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      mainFields: ['module', 'main'],
      banner: {
        js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
      },
      logLevel: 'silent',
    });
    return out;
  };
  // Lambda runs Node 24: measure with it too (BENCH_NODE24, else the npm package node@24).
  // The quick run stays under a minute by skipping Node 24 unless a binary is given.
  const node24 = process.env.BENCH_NODE24 ?? (quick ? undefined : findNode24());
  const runtimes = [process.execPath, ...(node24 ? [node24] : [])];
  const importTime = (file: string, node: string) => {
    const t0 = performance.now();
    const r = spawnSync(
      node,
      ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`],
      { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' } },
    );
    if (r.status !== 0) throw new Error(`import of ${file} with ${node} failed: ${r.stderr}`);
    return performance.now() - t0;
  };
  const rows: Record<string, unknown> = {};
  for (const [id, res] of Object.entries(template.Resources)) {
    if (res.Type !== 'AWS::Lambda::Function') continue;
    // The function's folder, which its role's description starts with.
    const roleId = (res.Properties as { Role?: { 'Fn::GetAtt'?: string[] } }).Role?.[
      'Fn::GetAtt'
    ]?.[0];
    const role = template.Resources[roleId ?? ''] as
      | { Properties: { Description?: string } }
      | undefined;
    const kebab =
      /^([a-z-]+):/.exec(role?.Properties.Description ?? '')?.[1] ??
      id
        .replace(/Function.*/, '')
        .replace(/([a-z])([A-Z])/g, '$1-$2')
        .toLowerCase();
    const file = join(
      assembly.directory,
      `asset.${String(res.Properties.Code?.S3Key).replace(/\.zip$/, '')}`,
      'index.mjs',
    );
    const floor = await floorOf(kebab);
    for (const node of runtimes) {
      const base: number[] = [];
      const bundle: number[] = [];
      const floors: number[] = [];
      importTime(empty, node);
      for (let k = 0; k < SIZE.coldRuns; k++) {
        base.push(importTime(empty, node));
        floors.push(importTime(floor, node));
        bundle.push(importTime(file, node));
      }
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const ratio = round(median(bundle) / median(floors), 2);
      rows[`${kebab} (${version})`] = {
        node: version,
        sizeKb: Math.round(statSync(file).size / 1024),
        floorSizeKb: Math.round(statSync(floor).size / 1024),
        importMs: round(median(bundle), 1),
        floorImportMs: round(median(floors), 1),
        emptyModuleMs: round(median(base), 1),
        ratioToFloor: ratio,
        ratioToEmptyModule: round(median(bundle) / median(base), 2),
        goal: 'ratio to floor ≤ 1.25',
        met: ratio <= 1.25,
      };
    }
  }
  results.coldStart = rows;
}

// 7: webhook handling in process vs the bare publish.
{
  log('webhook latency…');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const bus = new EventBridgeBus(
    new EventBridgeClient(sdkClientConfig(`http://127.0.0.1:${port}/`)),
    'bench-bus',
  );
  const secret = 'whsecret_bench';
  const handler = createReceiveWebhookHandler(async () => ({
    workspaces: ['acc_bench'],
    secretOf: () => ({ get: async () => secret, refresh: async () => secret }),
    requests: bus,
    // The fallback is never used here: the bus accepts every request.
    queue: bus,
  }));
  const payload = { event: 'customer.updated', object_id: 'cus_01H8XYZ123ABC' };
  const event = {
    requestContext: { http: { method: 'POST' } },
    headers: { 'x-piriod-signature': webhookSignature(payload, secret) },
    body: JSON.stringify(payload),
    isBase64Encoded: false,
  } as never;
  const measure = async (fn: () => Promise<unknown>) => {
    for (let k = 0; k < 100; k++) await fn();
    const xs: number[] = [];
    for (let k = 0; k < SIZE.webhook; k++) {
      const t0 = performance.now();
      await fn();
      xs.push(performance.now() - t0);
    }
    return xs;
  };
  const publish = await measure(() => bus.request(['cus_01H8XYZ123ABC'], 'webhook'));
  const full = await measure(() => handler(event));
  server.close();
  results.webhook = {
    requests: SIZE.webhook,
    p50Ms: round(pct(full, 0.5)),
    p99Ms: round(pct(full, 0.99)),
    publishP50Ms: round(pct(publish, 0.5)),
    publishP99Ms: round(pct(publish, 0.99)),
    p50RatioToPublish: round(pct(full, 0.5) / pct(publish, 0.5), 2),
    p99RatioToPublish: round(pct(full, 0.99) / pct(publish, 0.99), 2),
  };
  // The signature check alone on the largest body the receiver takes (64 KiB, ~8k keys).
  results.webhookSignature = measureSignature(quick ? 20 : 100);
}

// 8: storage per customer, the stack's fixed parts, and the cost model from measured units.
{
  const records = generateCustomers(200, { seed: 7 }).map((c) => {
    const at = new Date().toISOString();
    return toRecord(normalizeCustomer(c).customer, {
      workspace: 'acc_x',
      fetchedAt: at,
      syncedAt: at,
      source: 'schedule',
    });
  });
  const itemBytes = records.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0) / 200;
  const queryIndexes = INDEXES.filter((i) => !i.include).length;
  // DynamoDB adds ~100 bytes of overhead per item and per index entry; the query indexes
  // project the whole item, the version index ~150 bytes.
  const storedBytesPerCustomer = Math.round(
    itemBytes * (1 + queryIndexes) + 150 + 100 * (2 + queryIndexes),
  );
  const { app } = buildApp(
    new App({ context: { workspace: 'acc_bench', [BUNDLES_CONTEXT_KEY]: BENCH_BUNDLES } }),
  );
  const template = app.synth().getStackByName('PiriodMirror').template as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const count = (type: string) =>
    Object.values(template.Resources).filter((r) => r.Type === type).length;
  const memory = (prefix: string) =>
    Number(
      Object.entries(template.Resources).find(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
      )?.[1].Properties.MemorySize,
    );
  const cold = results.fullMirrorUnchanged as { seconds: number; readUnitsPerCustomer: number };
  const change = results.changedCustomer as {
    readUnitsPerChange: number;
    writeUnitsPerChange: number;
    secondsPerChange: number;
  };
  const webhook = results.webhook as { p50Ms: number };
  const ASSUMED_PIRIOD_GET_S = 0.3;
  const ASSUMED_PUT_EVENTS_S = 0.03;
  const measured: MeasuredUnits = {
    readUnitsPerCustomerPerRun: cold.readUnitsPerCustomer,
    mirrorSecondsPerCustomer: cold.seconds / SIZE.cold,
    mirrorFixedSeconds: 0,
    readUnitsPerChange: change.readUnitsPerChange,
    writeUnitsPerChange: change.writeUnitsPerChange,
    workerSecondsPerChange: change.secondsPerChange - LATENCY_MS / 1000 + ASSUMED_PIRIOD_GET_S,
    receiverSecondsPerWebhook: webhook.p50Ms / 1000 + ASSUMED_PUT_EVENTS_S,
    storedBytesPerCustomer,
  };
  const deployment = (customers: number): Deployment => ({
    customers,
    scheduleMinutes: 15,
    changedPerDay: 0.01,
    memoryMb: {
      fullMirror: memory('FullMirror'),
      worker: memory('RefreshCustomers'),
      receiver: memory('ReceiveWebhook'),
    },
    alarms: count('AWS::CloudWatch::Alarm'),
    secrets: count('AWS::SecretsManager::Secret'),
    kmsKeys: count('AWS::KMS::Key'),
    dashboards: count('AWS::CloudWatch::Dashboard'),
    // full-mirror: 6 outcomes, PiriodLatency, handedOff, MirrorCompleted; refresh-customers: 6 +
    // PiriodLatency; receive-webhook: WebhookAccepted, WebhookIgnored and WebhookRejected
    // (reason signature), the three a healthy stack emits every month (the other rejection
    // reasons and the failure metrics cost only in a month they occur).
    customMetrics: 19,
    // Five pollers, a 20 s long poll each, all month.
    idlePollsPerMonth: 5 * 3 * 60 * 24 * 30,
  });
  const costs = [1000, 10_000, 100_000].map((n) => monthlyCost(measured, deployment(n)));
  const tenK = costs[1] as ReturnType<typeof monthlyCost>;
  results.costPerMonth = {
    prices: PRICES,
    assumptions: {
      scheduleMinutes: 15,
      changedPerDay: '1 % of customers, one webhook each',
      piriodGetSeconds: ASSUMED_PIRIOD_GET_S,
      putEventsSeconds: ASSUMED_PUT_EVENTS_S,
      publishChanges: false,
    },
    measured,
    byCustomers: costs,
    goal: 'variable cost ≤ $0.50 a month for 10,000 customers',
    met: tenK.variableTotal <= 0.5,
  };
  results.freshness = {
    hops: [
      { hop: 'receive-webhook (verify + publish)', ms: webhook.p50Ms, how: 'measured here, p50' },
      { hop: 'EventBridge rule → SQS', ms: null, how: 'AWS-side; not measurable here' },
      {
        hop: 'SQS batching window',
        ms: 1000,
        how: 'stack setting batchingWindowSeconds (default 1)',
      },
      {
        hop: 'Piriod GET /customers/{id}/',
        ms: ASSUMED_PIRIOD_GET_S * 1000,
        how: 'assumed (Piriod publishes no latency)',
      },
      {
        hop: 'version read + conditional write',
        ms: round((change.secondsPerChange - LATENCY_MS / 1000) * 1000, 1),
        how: 'measured here against DynamoDB Local',
      },
    ],
  };
}

await db.stop();
mkdirSync(join(ROOT, 'bench'), { recursive: true });
const file = join(ROOT, 'bench', quick ? 'results-quick.json' : 'results.json');
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
const md = renderTable(results);
writeFileSync(file.replace(/\.json$/, '.md'), md);
process.stdout.write(md);
log(`wrote ${file}`);

/** A Node 24 binary from the npm package `node@24` (as `npm run test:node24` uses), if it installs. */
function findNode24(): string | undefined {
  const r = spawnSync('npx', ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath'], {
    encoding: 'utf8',
    env: { ...process.env, npm_config_call: '', npm_config_package: '' },
  });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: results is free-form JSON built above.
function renderTable(r: Record<string, any>): string {
  const mark = (met: boolean) => (met ? '✔' : '✘ missed');
  const lines = ['| figure | value | reference / ratio | goal |', '|---|---|---|---|'];
  const c = r.fullMirrorCold;
  const u = r.fullMirrorUnchanged;
  lines.push(
    `| full mirror, cold (${c.customers}, ${c.pageLatencyMs} ms/page, ${c.requestsPerSecond} req/s) | ${c.seconds} s, ${c.customersPerSecond}/s, ${c.writeUnitsPerCustomer} WRU/customer | **${c.ratioToBound}** × bound ${c.boundSeconds} s (${c.bound}) | ≥ 0.8 ${mark(c.met)} |`,
  );
  lines.push(
    `| full mirror, unchanged | ${u.seconds} s, ${u.dynamoWrites} writes, **${u.readUnitsPerCustomer}** RRU/customer, ${u.piriodRequestsPerCustomer} requests/customer | **${u.ratioToPaceBound}** × pace bound ${u.paceBoundSeconds} s | ≥ 0.5, ≤ 0.05, 0, ≤ 0.02 ${mark(u.met)} |`,
  );
  const f = r.refreshById;
  lines.push(
    `| refresh by id (${f.ids}, C=${f.concurrency}) | ${f.customersPerSecond}/s | ${f.ratioToIdeal} × ideal ${f.idealCustomersPerSecond}/s | ≥ 0.9 ${mark(f.ratioToIdeal >= 0.9)} |`,
  );
  const ch = r.changedCustomer;
  lines.push(
    `| one changed customer (worker path) | ${ch.readUnitsPerChange} RRU + ${ch.writeUnitsPerChange} WRU, ${ch.secondsPerChange} s | Piriod at ${ch.piriodLatencyMs} ms | |`,
  );
  const sc = r.scale;
  for (const row of sc.rows) {
    lines.push(
      `| scale ${row.customers} | ${row.seconds} s, ${row.msPerCustomer} ms/customer, peak RSS ${row.peakRssMb} MB | raw put ${row.rawPutMsAtThisSize} ms at that size | |`,
    );
  }
  lines.push(
    `| scale: marginal time per customer | ${Object.entries(sc.marginalMsPerCustomer)
      .map(([k, v]) => `${k}: ${v} ms`)
      .join(
        ', ',
      )} | **${sc.marginalRatio}** ×; peak RSS growth ${sc.peakRssGrowthMb} MB | ±20 %, ≤ 20 MB ${mark(sc.met)} |`,
  );
  const n = r.normalization;
  lines.push(
    `| normalizeCustomer | ${n.microsPerCustomer} µs/customer | ${n.ratioToJsonParse} × JSON.parse (${n.jsonParseMicrosPerCustomer} µs) | |`,
  );
  // biome-ignore lint/suspicious/noExplicitAny: results is free-form JSON built above.
  for (const [name, s] of Object.entries<any>(r.coldStart)) {
    lines.push(
      `| cold start ${name} | ${s.sizeKb} KB, ${s.importMs} ms | **${s.ratioToFloor}** × SDK floor (${s.floorSizeKb} KB, ${s.floorImportMs} ms); ${s.ratioToEmptyModule} × empty module | ≤ 1.25 ${mark(s.met)} |`,
    );
  }
  lines.push(...installedRows(r.installedPackage));
  const w = r.webhook;
  lines.push(
    `| webhook p50 / p99 | ${w.p50Ms} / ${w.p99Ms} ms | ${w.p50RatioToPublish} / ${w.p99RatioToPublish} × bare publish | |`,
  );
  const sig = r.webhookSignature;
  lines.push(
    `| webhook signature, largest body (${sig.bytes} B, ${sig.keys} keys) | ${sig.medianMs} ms median, ${sig.p99Ms} ms p99 | Piriod waits 6 s | |`,
  );
  lines.push('', '| customers | variable $/month | fixed $/month | total |', '|---|---|---|---|');
  for (const k of r.costPerMonth.byCustomers) {
    lines.push(`| ${k.customers} | ${k.variableTotal} | ${k.fixedTotal} | ${k.total} |`);
  }
  lines.push(
    '',
    `Variable cost for 10,000 customers ≤ $0.50: ${mark(r.costPerMonth.met)}. Itemized lines: bench/results.json → costPerMonth.`,
  );
  return `${lines.join('\n')}\n`;
}
