import { describe, expect, it } from 'vitest';
import {
  type Deployment,
  type MeasuredUnits,
  monthlyCost,
  PRICES,
  STATUS_WRITE_UNITS_PER_CYCLE,
} from '../../../bench/cost-model.js';

const measured: MeasuredUnits = {
  readUnitsPerCustomerPerRun: 0.02,
  mirrorSecondsPerCustomer: 0.0006,
  mirrorFixedSeconds: 1,
  readUnitsPerChange: 1,
  writeUnitsPerChange: 10,
  workerSecondsPerChange: 0.4,
  receiverSecondsPerWebhook: 0.005,
  storedBytesPerCustomer: 6000,
};
const deployment: Deployment = {
  customers: 10_000,
  scheduleMinutes: 15,
  changedPerDay: 0.01,
  memoryMb: { fullMirror: 1024, worker: 512, receiver: 256 },
  alarms: 11,
  secrets: 2,
  kmsKeys: 1,
  dashboards: 1,
  customMetrics: 17,
  idlePollsPerMonth: 648_000,
};

describe('the cost model', () => {
  it('prices scheduled reads as runs × read units × customers', () => {
    const cost = monthlyCost(measured, deployment);
    const reads = cost.variable.find((l) => l.item === 'DynamoDB reads, scheduled mirrors');
    // 2,880 runs a month × 0.02 RRU × 10,000 customers = 576,000 RRU.
    expect(reads?.monthly).toBeCloseTo(576_000 * PRICES.dynamoDbReadRequestUnit, 4);
  });

  it('prices full-mirror by GB-seconds of each run plus its request', () => {
    const cost = monthlyCost(measured, deployment);
    const lambda = cost.variable.find((l) => l.item === 'Lambda full-mirror');
    const runSeconds = 1 + 0.0006 * 10_000;
    expect(lambda?.monthly).toBeCloseTo(
      2880 * (1 * runSeconds * PRICES.lambdaArmGbSecond + PRICES.lambdaRequest),
      4,
    );
  });

  it('prices the mirror status as two write units per cycle, whatever the number of customers', () => {
    const line = (customers: number) =>
      monthlyCost(measured, { ...deployment, customers }).fixed.find(
        (l) => l.item === 'DynamoDB mirror status',
      );
    // 2,880 cycles a month × 2 WRU = 5,760 WRU.
    expect(line(10_000)?.monthly).toBeCloseTo(5_760 * PRICES.dynamoDbWriteRequestUnit, 4);
    expect(line(1_000_000)?.monthly).toBe(line(10_000)?.monthly);
    expect(STATUS_WRITE_UNITS_PER_CYCLE).toBe(2);
  });

  it('itemizes fixed costs apart from variable ones, and totals both', () => {
    const cost = monthlyCost(measured, deployment);
    expect(cost.fixed.map((l) => l.item)).toContain('CloudWatch alarms');
    expect(cost.fixedTotal).toBeCloseTo(
      11 * 0.1 +
        17 * 0.3 +
        3 +
        2 * 0.4 +
        1 +
        648_000 * PRICES.sqsRequest +
        5_760 * PRICES.dynamoDbWriteRequestUnit,
      3,
    );
    expect(cost.total).toBeCloseTo(cost.variableTotal + cost.fixedTotal, 3);
    const tenfold = monthlyCost(measured, { ...deployment, customers: 100_000 });
    expect(tenfold.fixedTotal).toBe(cost.fixedTotal);
    expect(tenfold.variableTotal).toBeGreaterThan(9 * cost.variableTotal);
  });
});
