import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { normalizeCustomer } from '../lib/customer/normalize.js';
import { toRecord } from '../lib/customer/record-builder.js';
import { countCalls } from '../lib/store/call-counter.js';
import { ensureTable } from '../lib/store/create-table.js';
import { createDocumentClient } from '../lib/store/dynamodb-client.js';
import { buildFunctionBundles } from '../scripts/function-bundler.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../tools/local/dynamodb-local.js';
import type { Sandbox } from '../tools/sandbox/sandbox-server.js';
import { generateCustomers } from '../tools/sandbox/seed-data.js';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** `--quick`: smaller runs, for a check that the bench still runs. */
export const quick = process.argv.includes('--quick');
/** How many customers, runs and requests each section measures. */
export const SIZE = quick
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
export const PAGE_LATENCY_MS = 300;
/** Latency of by-id refreshes and the scale runs (writes, not Piriod, are measured there). */
export const LATENCY_MS = 50;
export const CONCURRENCY = 8;
/** The client's default pace (requests per second): the production bound of a listing. */
export const DEFAULT_RPS = 20;
const run = promisify(execFile);
export const log = (m: string) => process.stderr.write(`${m}\n`);
export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
export const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;
export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** What bench/mirror-worker.ts reports of one run in a child process. */
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

/** What every section of the bench shares: DynamoDB Local, its tables, the child runs. */
export interface Bench {
  db: LocalDynamoDb;
  /** Function bundles for the bench's synths, built from the working tree. */
  BENCH_BUNDLES: string;
  /** Conditional puts per second of this DynamoDB Local, measured once warm. */
  putsPerSecond: number;
  newTable(): Promise<string>;
  dropTable(name: string): Promise<void>;
  /** A full mirror (or, with `BENCH_IDS`, a refresh) in a child process, as the CLI runs it. */
  mirrorInChild(
    sandbox: Sandbox,
    table: string,
    extra?: Record<string, string>,
  ): Promise<WorkerResult>;
  /**
   * Reference: raw conditional PutItem throughput of this DynamoDB Local with 16 writers, of
   * realistic items (normalized customers, so the three indexes are maintained too), into a
   * new table or into `table` as it is (the reference at that table's size).
   */
  rawPutRate(n: number, table?: string): Promise<number>;
}

/** Builds the bundles, starts DynamoDB Local and warms it, and measures the reference. */
export async function startBench(): Promise<Bench> {
  const BENCH_BUNDLES = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  await buildFunctionBundles(BENCH_BUNDLES);
  const db = await startLocalDynamoDb();
  const client = createDocumentClient({ endpoint: db.endpoint });
  // The reference's client asks for consumed capacity too, as the measured runs' clients do:
  // the comparison must not favour the reference by sparing DynamoDB Local that work.
  countCalls(client);
  let tables = 0;
  const newTable = async () => {
    const name = `bench-${Date.now()}-${tables++}`;
    await ensureTable(client, name);
    return name;
  };
  let refBatch = 0;
  const rawPutRate = async (n: number, table?: string): Promise<number> => {
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
  };
  log('warming DynamoDB Local (JVM)…');
  await rawPutRate(SIZE.warm);
  const putsPerSecond = await rawPutRate(SIZE.warm);
  return {
    db,
    BENCH_BUNDLES,
    putsPerSecond,
    newTable,
    dropTable: async (name) => {
      await client.send(new DeleteTableCommand({ TableName: name })).catch(() => {});
    },
    mirrorInChild: async (sandbox, table, extra = {}) => {
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
    },
    rawPutRate,
  };
}
