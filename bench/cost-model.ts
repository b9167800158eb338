/**
 * The monthly cost of running piriod-mirror, from units measured by `npm run bench`
 * (DynamoDB capacity the real client reported, Lambda seconds measured) and the list prices
 * below. Pure arithmetic, so it is unit-tested and its assumptions are in one place.
 */

/**
 * AWS list prices used by the model: us-east-1, on-demand, USD, without free tiers or
 * savings plans. Written down on 2026-11-25 from AWS's public pricing pages as last read by
 * the authors (this machine has no network to re-read them): check
 * https://aws.amazon.com/pricing before relying on a figure, and change it here only.
 */
export const PRICES = {
  region: 'us-east-1',
  readOn: '2026-11-25',
  dynamoDbWriteRequestUnit: 0.625 / 1e6,
  dynamoDbReadRequestUnit: 0.125 / 1e6,
  dynamoDbStorageGbMonth: 0.25,
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  eventBridgeCustomEvent: 1.0 / 1e6,
  secretMonth: 0.4,
  secretsManagerApiCall: 0.05 / 1e4,
  kmsKeyMonth: 1.0,
  kmsRequest: 0.03 / 1e4,
  cloudWatchAlarmMonth: 0.1,
  cloudWatchDashboardMonth: 3.0,
  cloudWatchCustomMetricMonth: 0.3,
} as const;

/** What the bench measured, per customer or per event, that the model scales. */
export interface MeasuredUnits {
  /** DynamoDB read units of one unchanged full mirror, per customer (version index reads). */
  readUnitsPerCustomerPerRun: number;
  /** Seconds one unchanged full mirror takes, per customer (at 300 ms per Piriod page). */
  mirrorSecondsPerCustomer: number;
  /** Fixed seconds of a full mirror regardless of size (start-up, first page, snapshot). */
  mirrorFixedSeconds: number;
  /** DynamoDB read and write units of refreshing one changed customer (worker path). */
  readUnitsPerChange: number;
  writeUnitsPerChange: number;
  /** Seconds of worker time per changed customer (Piriod GET + write). */
  workerSecondsPerChange: number;
  /** Seconds the webhook receiver runs per notification. */
  receiverSecondsPerWebhook: number;
  /** Bytes stored per customer, the table and all its indexes. */
  storedBytesPerCustomer: number;
}

/** The deployment the model prices (the stack's settings). */
export interface Deployment {
  customers: number;
  scheduleMinutes: number;
  /** Share of customers that change in a day (each change: one webhook). */
  changedPerDay: number;
  memoryMb: { fullMirror: number; worker: number; receiver: number };
  /** From the synthesized stack. */
  alarms: number;
  secrets: number;
  kmsKeys: number;
  dashboards: number;
  /** Distinct EMF metric series the functions emit (metric × dimensions). */
  customMetrics: number;
  /**
   * SQS ReceiveMessage calls Lambda's pollers make on an idle queue in a month (long polls of
   * 20 s; Lambda runs several pollers per queue).
   */
  idlePollsPerMonth: number;
}

/** One priced line. */
export interface CostLine {
  item: string;
  monthly: number;
  basis: string;
}

/** Monthly cost, itemized, split into variable (scales with customers) and fixed. */
export interface MonthlyCost {
  customers: number;
  variable: CostLine[];
  fixed: CostLine[];
  variableTotal: number;
  fixedTotal: number;
  total: number;
}

const DAYS = 30;

/**
 * Writes of the mirror status item per full-mirror cycle: one `UpdateItem` when it starts,
 * one when it completes or fails (items under 1 KB: 1 write unit each), whatever number of
 * invocations the cycle spans (docs/table.md, "The mirror status").
 */
export const STATUS_WRITE_UNITS_PER_CYCLE = 2;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Prices a deployment of `d.customers` customers from the measured units. */
export function monthlyCost(m: MeasuredUnits, d: Deployment, p = PRICES): MonthlyCost {
  const runs = (DAYS * 24 * 60) / d.scheduleMinutes;
  const changes = d.customers * d.changedPerDay * DAYS;
  const runSeconds = m.mirrorFixedSeconds + m.mirrorSecondsPerCustomer * d.customers;
  const gbS = (mb: number, seconds: number) => (mb / 1024) * seconds;
  const variable: CostLine[] = [
    {
      item: 'DynamoDB reads, scheduled mirrors',
      monthly: runs * m.readUnitsPerCustomerPerRun * d.customers * p.dynamoDbReadRequestUnit,
      basis: `${Math.round(runs)} runs × ${m.readUnitsPerCustomerPerRun} RRU/customer`,
    },
    {
      item: 'DynamoDB reads and writes, changes',
      monthly:
        changes *
        (m.readUnitsPerChange * p.dynamoDbReadRequestUnit +
          m.writeUnitsPerChange * p.dynamoDbWriteRequestUnit),
      basis: `${Math.round(changes)} changes × (${m.readUnitsPerChange} RRU + ${m.writeUnitsPerChange} WRU)`,
    },
    {
      item: 'DynamoDB storage',
      monthly: ((d.customers * m.storedBytesPerCustomer) / 1e9) * p.dynamoDbStorageGbMonth,
      basis: `${m.storedBytesPerCustomer} bytes/customer, table and indexes`,
    },
    {
      item: 'Lambda full-mirror',
      monthly:
        runs * (gbS(d.memoryMb.fullMirror, runSeconds) * p.lambdaArmGbSecond + p.lambdaRequest),
      basis: `${Math.round(runs)} runs × ${round(runSeconds)} s at ${d.memoryMb.fullMirror} MB`,
    },
    {
      item: 'Lambda refresh-customers and receive-webhook',
      monthly:
        changes *
        (gbS(d.memoryMb.worker, m.workerSecondsPerChange) * p.lambdaArmGbSecond +
          gbS(d.memoryMb.receiver, m.receiverSecondsPerWebhook) * p.lambdaArmGbSecond +
          2 * p.lambdaRequest),
      basis: `${Math.round(changes)} webhooks, one worker invocation each`,
    },
    {
      item: 'EventBridge',
      monthly: changes * p.eventBridgeCustomEvent,
      basis: 'one "Customer Refresh Requested" per webhook',
    },
    {
      item: 'SQS',
      // The rule's send, Lambda's receive and delete.
      monthly: changes * 3 * p.sqsRequest,
      basis: 'send, receive, delete per refresh',
    },
  ];
  const fixed: CostLine[] = [
    {
      item: 'DynamoDB mirror status',
      monthly: runs * STATUS_WRITE_UNITS_PER_CYCLE * p.dynamoDbWriteRequestUnit,
      basis: `${Math.round(runs)} cycles × ${STATUS_WRITE_UNITS_PER_CYCLE} WRU (start, then completion or failure)`,
    },
    {
      item: 'CloudWatch alarms',
      monthly: d.alarms * p.cloudWatchAlarmMonth,
      basis: `${d.alarms} alarms`,
    },
    {
      item: 'CloudWatch custom metrics (EMF)',
      monthly: d.customMetrics * p.cloudWatchCustomMetricMonth,
      basis: `${d.customMetrics} metric series`,
    },
    {
      item: 'CloudWatch dashboard',
      monthly: d.dashboards * p.cloudWatchDashboardMonth,
      basis: `${d.dashboards} (the first 3 of an account are free)`,
    },
    {
      item: 'Secrets Manager',
      monthly: d.secrets * p.secretMonth,
      basis: `${d.secrets} secrets (reads cached for 5 min: a few API calls a day)`,
    },
    {
      item: 'KMS key',
      monthly: d.kmsKeys * p.kmsKeyMonth,
      basis: `${d.kmsKeys} key (alarm topic)`,
    },
    {
      item: 'SQS idle polling',
      monthly: d.idlePollsPerMonth * p.sqsRequest,
      basis: `${d.idlePollsPerMonth} long polls by Lambda's pollers (first 1M requests a month are free)`,
    },
  ];
  const sum = (lines: CostLine[]) => lines.reduce((n, l) => n + l.monthly, 0);
  const rounded = (lines: CostLine[]) => lines.map((l) => ({ ...l, monthly: round(l.monthly) }));
  return {
    customers: d.customers,
    variable: rounded(variable),
    fixed: rounded(fixed),
    variableTotal: round(sum(variable)),
    fixedTotal: round(sum(fixed)),
    total: round(sum(variable) + sum(fixed)),
  };
}
