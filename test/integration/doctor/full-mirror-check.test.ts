import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorClients } from '../../../tools/cli/compose/doctor-clients.js';
import type { DoctorContext } from '../../../tools/cli/doctor/context.js';
import { fullMirrorCheck } from '../../../tools/cli/doctor/ops-checks.js';
import { pass } from '../../../tools/cli/doctor/result.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

/*
 * The `full-mirror` check against the lease item in DynamoDB Local, at instants the test
 * chooses: a first cycle still within its time is nothing to fail yet.
 */
let t: TestTable;
const NOW = new Date('2026-11-30T12:00:00Z');

beforeAll(async () => {
  t = await createTestTable('doctor-full-mirror');
});
afterAll(async () => {
  await t.drop();
});

function context(workspace: string): DoctorContext {
  return {
    env: { AWS_ENDPOINT_URL_DYNAMODB: t.endpoint },
    deployment: { source: 'environment', tableName: t.tableName },
    clients: {} as DoctorClients,
    workspace,
    testMode: false,
    canaryTimeoutMs: 1_000,
    scheduleMinutes: 15,
    now: () => NOW,
    results: new Map([['outputs', pass('outputs', 'test')]]),
  };
}

/** A lease whose first cycle started `minutesAgo` and never completed. */
async function firstCycleStarted(workspace: string, minutesAgo: number) {
  const started = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  const claim = {
    token: `cycle-${workspace}`,
    cycleStartedAt: started,
    invocation: 1,
    now: started,
    expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
  };
  expect(await t.lease({ workspace }).acquire(claim)).toMatchObject({ held: true });
}

describe('doctor: full-mirror', () => {
  it('says SKIP while the first cycle is still within two periods: run doctor again later', async () => {
    await firstCycleStarted('acc_first', 5);
    const r = await fullMirrorCheck(context('acc_first'));
    expect(r).toMatchObject({
      status: 'SKIP',
      detail: expect.stringMatching(/first full mirror of acc_first is running since/),
    });
  });

  it('fails when no cycle ever completed and the first has run longer than two periods', async () => {
    await firstCycleStarted('acc_stuck', 45);
    const r = await fullMirrorCheck(context('acc_stuck'));
    expect(r).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/has completed yet/) });
  });

  it('fails when no full mirror ever ran', async () => {
    const r = await fullMirrorCheck(context('acc_never'));
    expect(r.status).toBe('FAIL');
  });
});
