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
import { EventBridgeBus } from '../lib/aws/event-bridge-bus.js';
import { sdkClientConfig } from '../lib/aws/sdk-config.js';
import { normalizeCustomer } from '../lib/customer/normalize.js';
import { startLocalDynamoDb } from '../lib/local/dynamodb-local.js';
import { webhookSignature } from '../lib/piriod/signature.js';
import { generateCustomers, type Sandbox, startSandbox } from '../lib/sandbox/index.js';
import { ensureTable } from '../lib/store/create-table.js';
import { createDocumentClient } from '../lib/store/dynamodb-client.js';
import { toRecord } from '../lib/sync/record-builder.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const SIZE = quick
  ? {
      cold: 1000,
      refresh: 200,
      scale: [500, 1000, 2000],
      norm: 2000,
      coldRuns: 5,
      webhook: 300,
      warm: 1500,
    }
  : {
      cold: 10_000,
      refresh: 1000,
      scale: [1000, 10_000, 50_000],
      norm: 10_000,
      coldRuns: 15,
      webhook: 2000,
      warm: 3000,
    };
const LATENCY_MS = 50;
const CONCURRENCY = 8;
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
  maxRssMb: number;
}

const db = await startLocalDynamoDb();
const client = createDocumentClient({ endpoint: db.endpoint });
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

// 1 and 2: full mirror, cold then unchanged.
{
  log(`full mirror of ${SIZE.cold} customers (latency ${LATENCY_MS} ms)…`);
  const sandbox = await startSandbox({ customers: SIZE.cold, faults: { latencyMs: LATENCY_MS } });
  const table = await newTable();
  const cold = await mirrorInChild(sandbox, table);
  const coldRequests = sandbox.stats().requests;
  sandbox.resetStats();
  const again = await mirrorInChild(sandbox, table);
  const againRequests = sandbox.stats().requests;
  await sandbox.close();
  const rate = SIZE.cold / cold.seconds;
  results.fullMirrorCold = {
    customers: SIZE.cold,
    seconds: round(cold.seconds),
    customersPerSecond: Math.round(rate),
    ratioToRawPutRate: round(rate / putsPerSecond),
    piriodRequestsPerCustomer: round(coldRequests / SIZE.cold, 4),
    dynamoWritesPerCustomer: round(cold.writes / SIZE.cold, 4),
    goal: 'piriodRequestsPerCustomer ≤ 0.02',
  };
  results.fullMirrorUnchanged = {
    seconds: round(again.seconds),
    dynamoWrites: again.writes,
    dynamoBatchReads: again.reads,
    piriodRequestsPerCustomer: round(againRequests / SIZE.cold, 4),
    ratioToCold: round(again.seconds / cold.seconds),
    goal: 'dynamoWrites = 0',
  };
}

// 3: refresh by id at concurrency C.
{
  log(`refresh of ${SIZE.refresh} ids at concurrency ${CONCURRENCY}…`);
  const sandbox = await startSandbox({
    customers: SIZE.refresh,
    faults: { latencyMs: LATENCY_MS },
  });
  const ids = sandbox.customers().map((c) => c.id);
  const r = await mirrorInChild(sandbox, await newTable(), { BENCH_IDS: JSON.stringify(ids) });
  const paced = await mirrorInChild(sandbox, await newTable(), {
    BENCH_IDS: JSON.stringify(ids.slice(0, 200)),
    BENCH_RPS: '20',
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
    withDefaultPace20PerSecond: {
      customersPerSecond: round(200 / paced.seconds, 1),
      ratioToPace: round(200 / paced.seconds / 20),
    },
  };
}

// 4: scale.
{
  const rows = [];
  for (const n of SIZE.scale) {
    log(`scale: full mirror of ${n} (fresh process, then warmed-up process)…`);
    const sandbox = await startSandbox({ customers: n, faults: { latencyMs: LATENCY_MS } });
    const table = await newTable();
    const r = await mirrorInChild(sandbox, table);
    // DynamoDB Local slows down as a table grows: the reference is measured at this size.
    const refAtSize = await rawPutRate(2000, table);
    await dropTable(table);
    const warmTable = await newTable();
    const scratch = await newTable();
    const w = await mirrorInChild(sandbox, warmTable, { BENCH_WARMUP_TABLE: scratch });
    await sandbox.close();
    await dropTable(warmTable);
    await dropTable(scratch);
    rows.push({
      customers: n,
      seconds: round(r.seconds),
      msPerCustomer: round((r.seconds * 1000) / n),
      msPerCustomerWarm: round((w.seconds * 1000) / n),
      rawPutMsAtThisSize: round(1000 / refAtSize),
      ratioToRawPutTime: round(r.seconds / n / (1 / refAtSize)),
      peakRssMb: Math.round(r.maxRssMb),
      peakRssMbWarm: Math.round(w.maxRssMb),
    });
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const spread = (xs: number[]) => round(Math.max(...xs) / Math.min(...xs) - 1);
  results.scale = {
    rows,
    timePerCustomerSpread: spread(rows.map((r) => r.msPerCustomer)),
    timePerCustomerSpreadWarm: spread(rows.map((r) => r.msPerCustomerWarm)),
    ratioToRawPutTimeSpread: spread(rows.map((r) => r.ratioToRawPutTime)),
    peakRssGrowthMb: last.peakRssMb - first.peakRssMb,
    peakRssGrowthMbWarm: last.peakRssMbWarm - first.peakRssMbWarm,
    goal: 'spread ≤ 0.2, RSS growth < 50 MB',
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
    new App({ outdir, context: { workspace: 'acc_bench', publishChanges: 'true' } }),
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
  const node24 = process.env.BENCH_NODE24 ?? findNode24();
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
    const name = id.replace(/Function.*/, '');
    const kebab = name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
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
    secret: { get: async () => secret, refresh: async () => secret },
    requests: bus,
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
  const lines = ['| figure | value | reference / ratio | goal |', '|---|---|---|---|'];
  const c = r.fullMirrorCold;
  const u = r.fullMirrorUnchanged;
  lines.push(
    `| full mirror, cold (${c.customers}) | ${c.seconds} s, ${c.customersPerSecond}/s | ${c.ratioToRawPutRate} × raw put rate (${r.reference.dynamoDbLocalConditionalPutsPerSecond}/s) | |`,
  );
  lines.push(`| Piriod requests per customer | ${c.piriodRequestsPerCustomer} | | ≤ 0.02 |`);
  lines.push(`| DynamoDB writes per customer, cold | ${c.dynamoWritesPerCustomer} | | |`);
  lines.push(
    `| full mirror, unchanged: writes | ${u.dynamoWrites} | ${u.seconds} s = ${u.ratioToCold} × cold | 0 |`,
  );
  const f = r.refreshById;
  lines.push(
    `| refresh by id (${f.ids}, C=${f.concurrency}) | ${f.customersPerSecond}/s | ${f.ratioToIdeal} × ideal ${f.idealCustomersPerSecond}/s | ≥ 0.9 |`,
  );
  for (const row of r.scale.rows) {
    lines.push(
      `| scale ${row.customers} | ${row.msPerCustomer} ms/customer, peak RSS ${row.peakRssMb} MB (warmed up: ${row.msPerCustomerWarm} ms, ${row.peakRssMbWarm} MB) | ${row.ratioToRawPutTime} × raw put time at that size (${row.rawPutMsAtThisSize} ms) | |`,
    );
  }
  lines.push(
    `| scale: time/customer spread, RSS growth | ${r.scale.timePerCustomerSpread}, ${r.scale.peakRssGrowthMb} MB (warmed up: ${r.scale.timePerCustomerSpreadWarm}, ${r.scale.peakRssGrowthMbWarm} MB) | ratio spread ${r.scale.ratioToRawPutTimeSpread} | ≤ 0.2, < 50 MB |`,
  );
  const n = r.normalization;
  lines.push(
    `| normalizeCustomer | ${n.microsPerCustomer} µs/customer | ${n.ratioToJsonParse} × JSON.parse (${n.jsonParseMicrosPerCustomer} µs) | |`,
  );
  // biome-ignore lint/suspicious/noExplicitAny: results is free-form JSON built above.
  for (const [name, s] of Object.entries<any>(r.coldStart)) {
    lines.push(
      `| cold start ${name} | ${s.sizeKb} KB, ${s.importMs} ms | **${s.ratioToFloor}** × SDK floor (${s.floorSizeKb} KB, ${s.floorImportMs} ms); ${s.ratioToEmptyModule} × empty module | ≤ 1.25 ${s.met ? '✔' : '✘'} |`,
    );
  }
  const w = r.webhook;
  lines.push(
    `| webhook p50 / p99 | ${w.p50Ms} / ${w.p99Ms} ms | ${w.p50RatioToPublish} / ${w.p99RatioToPublish} × bare publish | |`,
  );
  return `${lines.join('\n')}\n`;
}
