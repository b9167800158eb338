/**
 * One measured mirror run in its own process, so its peak RSS is its own: reads the target
 * from the environment, optionally warms up (BENCH_WARMUP_TABLE), runs a full mirror (or a
 * refresh of the ids in BENCH_IDS), and prints one JSON line with seconds, the summary,
 * DynamoDB call counts and consumed capacity (SDK middleware on the real client) and the
 * process's peak RSS. BENCH_RPS and BENCH_CONCURRENCY set the client's pace; BENCH_METER=0
 * skips asking DynamoDB for consumed capacity (a pure timing run).
 */
import { PiriodClient } from '../lib/piriod/client.js';
import { systemClock } from '../lib/ports.js';
import { countCalls } from '../lib/store/call-counter.js';
import { createDocumentClient } from '../lib/store/dynamodb-client.js';
import { DynamoCustomerStore } from '../lib/store/dynamodb-customer-store.js';
import { mirrorAll } from '../lib/use-cases/mirror-all.js';
import { refreshCustomers } from '../lib/use-cases/refresh-customers.js';

const env = process.env;
const client = createDocumentClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB });
const counter = countCalls(client, { meterCapacity: env.BENCH_METER !== '0' });
const concurrency = Number(env.BENCH_CONCURRENCY ?? 8);
const piriod = new PiriodClient({
  baseUrl: env.PIRIOD_API_URL as string,
  token: env.PIRIOD_API_TOKEN as string,
  workspace: env.PIRIOD_WORKSPACE as string,
  pace: { requestsPerSecond: Number(env.BENCH_RPS ?? 0), concurrency },
});
const deps = {
  piriod,
  store: new DynamoCustomerStore({ client, tableName: env.CUSTOMERS_TABLE as string }),
  clock: systemClock,
  workspace: env.PIRIOD_WORKSPACE as string,
  source: 'cli' as const,
  concurrency,
};

// Optional warm-up before the measured run (JIT, connections, heap growth): refresh the first
// 500 listed customers into a scratch table, so the measured run shows per-customer cost.
if (env.BENCH_WARMUP_TABLE) {
  const warmIds: string[] = [];
  for await (const page of piriod.listCustomers()) {
    warmIds.push(...page.results.map((c) => (c as { id: string }).id));
    if (warmIds.length >= 500) break;
  }
  const scratch = new DynamoCustomerStore({ client, tableName: env.BENCH_WARMUP_TABLE });
  await refreshCustomers(warmIds, { ...deps, store: scratch });
  counter.reset();
}

const ids = env.BENCH_IDS ? (JSON.parse(env.BENCH_IDS) as string[]) : undefined;
const started = performance.now();
const summary = ids ? (await refreshCustomers(ids, deps)).summary : (await mirrorAll(deps)).summary;
const seconds = (performance.now() - started) / 1000;
const writes = counter.writes();
process.stdout.write(
  `${JSON.stringify({
    seconds,
    summary: { ...summary, failed: summary.failed.length },
    writes,
    reads: counter.calls.BatchGetItemCommand ?? 0,
    readUnits: counter.capacity.readUnits,
    writeUnits: counter.capacity.writeUnits,
    conditionalFailures: counter.capacity.conditionalFailures,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
