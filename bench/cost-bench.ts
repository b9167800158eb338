import { App } from 'aws-cdk-lib';
import { buildApp } from '../infra/app.js';
import { BUNDLES_CONTEXT_KEY } from '../infra/function-bundles.js';
import { normalizeCustomer } from '../lib/customer/normalize.js';
import { toRecord } from '../lib/customer/record-builder.js';
import { INDEXES } from '../lib/store/table-definition.js';
import { generateCustomers } from '../tools/sandbox/seed-data.js';
import { type Bench, LATENCY_MS, round, SIZE } from './bench-context.js';
import { type Deployment, type MeasuredUnits, monthlyCost, PRICES } from './cost-model.js';

/** Assumed: Piriod's GET of one customer, and one PutEvents, in seconds. */
const ASSUMED_PIRIOD_GET_S = 0.3;
const ASSUMED_PUT_EVENTS_S = 0.03;

/** Section 8: storage per customer, the stack's fixed parts, and the cost model from measured units. */
export function measureCost(b: Bench, results: Record<string, unknown>): void {
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
    new App({ context: { workspace: 'acc_bench', [BUNDLES_CONTEXT_KEY]: b.BENCH_BUNDLES } }),
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
  results.freshness = freshness(webhook.p50Ms, change.secondsPerChange);
}

/** Where a change's time goes, hop by hop, from the webhook to the table. */
function freshness(webhookP50Ms: number, secondsPerChange: number) {
  return {
    hops: [
      { hop: 'receive-webhook (verify + publish)', ms: webhookP50Ms, how: 'measured here, p50' },
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
        ms: round((secondsPerChange - LATENCY_MS / 1000) * 1000, 1),
        how: 'measured here against DynamoDB Local',
      },
    ],
  };
}
