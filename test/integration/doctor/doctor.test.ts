import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { REFRESH_REQUESTED } from '../../../lib/messages/event-names.js';
import { canaryItemId } from '../../../lib/store/dynamodb-canary-log.js';
import { runCli } from '../../../tools/cli/main.js';
import { runCliCaptured, useDevRuntime } from '../../support/dev-fixture.js';

const SECRET = 'whsecret_doctor_tests';
const CHECK_ORDER = [
  'outputs',
  'secrets',
  'piriod',
  'webhook',
  'canary',
  'dead-letters',
  'alarms',
  'full-mirror',
];
const dev = useDevRuntime({ customers: 30, seed: 19, table: 'doctor', webhookSecret: SECRET });

/** Runs `doctor` in process, as the CLI does, and reads its lines. */
async function doctor(env: Record<string, string | undefined>, ...args: string[]) {
  // A canary deadline well inside the test's own timeout, so a lost canary is a FAIL line.
  const { code, out, err } = await runCliCaptured(['doctor', '--timeout', '20', ...args], env);
  const lines = out.trimEnd().split('\n');
  const status = Object.fromEntries(
    lines.map((l) => {
      const m = /^(PASS|FAIL|SKIP) (\S+) — /.exec(l);
      return [m?.[2] ?? l, m?.[1]];
    }),
  );
  return { code, out, err, lines, status };
}

describe('piriod-mirror doctor against the dev runtime', () => {
  it('passes every check it can locally (alarms SKIP) and exits 0; the probe publishes nothing', async () => {
    dev.hops.length = 0;
    const run = await doctor(dev.runtime.cliEnv);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.lines.map((l) => l.split(' ')[1])).toEqual(CHECK_ORDER);
    expect(run.status).toEqual({
      outputs: 'PASS',
      secrets: 'PASS',
      piriod: 'PASS',
      webhook: 'PASS',
      canary: 'PASS',
      'dead-letters': 'PASS',
      alarms: 'SKIP',
      'full-mirror': 'PASS',
    });
    // The webhook probes: 200 for the signed one, 401 for the unsigned; only the canary hit the bus.
    expect(
      dev.hops.filter((h) => h.hop === 'webhook').map((h) => h.hop === 'webhook' && h.status),
    ).toEqual([200, 401]);
    const first = dev.sandbox.customers()[0]?.id;
    expect(dev.hops.filter((h) => h.hop === 'bus' && h.detailType === REFRESH_REQUESTED)).toEqual([
      expect.objectContaining({ ids: [first] }),
    ]);
    expect(run.out).not.toContain(dev.sandbox.token);
    expect(run.out).not.toContain(SECRET);
  });

  it('proves the canary through the worker: its nonce is recorded as a reserved item with an expiry', async () => {
    const before = new Date().toISOString();
    const run = await doctor(dev.runtime.cliEnv, '--json');
    expect(run.code).toBe(0);
    const results = run.lines.map((l) => JSON.parse(l));
    expect(results.map((r) => r.check)).toEqual(CHECK_ORDER);
    const canary = results.find((r) => r.check === 'canary');
    expect(canary).toEqual({
      check: 'canary',
      status: 'PASS',
      detail: expect.stringMatching(
        /refreshed by the worker in [\d.]+ s \(unchanged; canary [\w-]+\)$/,
      ),
    });
    // The worker's record, under a reserved id, expiring through TTL within a day.
    const nonce = /canary ([\w-]+)\)$/.exec(canary.detail)?.[1] as string;
    const item = (
      await dev.table.client.send(
        new GetCommand({ TableName: dev.table.tableName, Key: { id: canaryItemId(nonce) } }),
      )
    ).Item;
    expect(item).toMatchObject({
      id: `canary#${nonce}`,
      canaryCustomerId: dev.sandbox.customers()[0]?.id,
      result: 'unchanged',
    });
    expect(item?.handledAt >= before && item?.handledAt <= new Date().toISOString()).toBe(true);
    const handled = Date.parse(item?.handledAt);
    expect(item?.expiresAt).toBe(Math.floor(handled / 1000) + 24 * 3600);
    // No reader of customers sees it.
    const get = await runCli(['get', `canary#${nonce}`], dev.runtime.cliEnv, {
      out: () => {},
      err: () => {},
      errIsTty: false,
    });
    expect(get).not.toBe(0);
  });

  it('fails only webhook, with its fix, when the webhook secret is wrong', async () => {
    const run = await doctor({
      ...dev.runtime.cliEnv,
      PIRIOD_WEBHOOK_SECRET: 'whsecret_not_the_one',
    });
    expect(run.code).toBe(1);
    expect(Object.entries(run.status).filter(([, s]) => s === 'FAIL')).toEqual([
      ['webhook', 'FAIL'],
    ]);
    expect(run.out).toMatch(
      /^FAIL webhook — .*rejected a probe signed with the webhook secret \(401\).*; fix: set PIRIOD_WEBHOOK_SECRET/m,
    );
  });

  it('fails piriod, with its fix, when Piriod rejects the token; the canary then says SKIP', async () => {
    const token = dev.sandbox.token;
    dev.sandbox.rotateToken('sk_test_rotated_by_doctor_test');
    try {
      const run = await doctor(dev.runtime.cliEnv);
      expect(run.code).toBe(1);
      expect(Object.entries(run.status).filter(([, s]) => s === 'FAIL')).toEqual([
        ['piriod', 'FAIL'],
      ]);
      expect(run.out).toMatch(
        /^FAIL piriod — Piriod rejected the token .*; fix: set PIRIOD_API_TOKEN/m,
      );
      expect(run.out).toMatch(/^SKIP canary — needs a customer from piriod$/m);
    } finally {
      dev.sandbox.rotateToken(token);
    }
  });

  it('fails dead-letters with the count and the oldest reason while a dead letter waits, and keeps it', async () => {
    const bad = await runCli(['request-refresh', 'cus_doctor_absent'], dev.runtime.cliEnv, {
      out: () => {},
      err: () => {},
      errIsTty: false,
    });
    expect(bad).toBe(0);
    await dev.runtime.drained();
    expect(dev.runtime.deadLetters()).toHaveLength(1);
    const run = await doctor(dev.runtime.cliEnv);
    expect(run.code).toBe(1);
    expect(Object.entries(run.status).filter(([, s]) => s === 'FAIL')).toEqual([
      ['dead-letters', 'FAIL'],
    ]);
    expect(run.out).toMatch(
      /^FAIL dead-letters — 1 message waiting; the oldest \(cus_doctor_absent\), sent \d+ s ago: .*not found.*; fix: /m,
    );
    // A peek, never a delete: the message is still there, and visible.
    expect(dev.runtime.deadLetters()).toHaveLength(1);
    expect((await doctor(dev.runtime.cliEnv)).status['dead-letters']).toBe('FAIL');
  });

  it('stops with exit 2 and one line when there is nothing to check', async () => {
    const run = await doctor({});
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/doctor: nothing to check: pass --stack NAME/);
  });
});
