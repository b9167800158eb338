import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCE, REFRESH_REQUESTED } from '../../../lib/messages/event-names.js';
import { REFRESH_QUEUE } from '../../../lib/messages/routing.js';
import { sdkClientConfig } from '../../../lib/sdk/sdk-config.js';
import { type DevRuntime, type Hop, startDevRuntime } from '../../../tools/dev/dev-runtime.js';
import { patchCustomer } from '../../../tools/sandbox/sandbox-client.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { sendWebhook } from '../../../tools/sandbox/webhook-sender.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { cliEnv, runMirror } from '../../support/run-cli.js';

const SECRET = 'whsecret_dev_tests';
let sandbox: Sandbox;
let t: TestTable;
let runtime: DevRuntime | undefined;
let hops: Hop[];
let hopListeners: ((h: Hop) => void)[] = [];

/** Resolves with the first hop, from now on, that `match` accepts. */
function nextHop(match: (h: Hop) => boolean): Promise<Hop> {
  return new Promise((resolve) => {
    hopListeners.push((h) => {
      if (match(h)) resolve(h);
    });
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 300, seed: 5 });
  t = await createTestTable('dev');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  sandbox.failCustomer(sandbox.customers()[5]?.id as string, undefined);
});

async function start(extra: Partial<Parameters<typeof startDevRuntime>[0]> = {}, env = {}) {
  hops = [];
  hopListeners = [];
  runtime = await startDevRuntime({
    env: { ...cliEnv(sandbox, t), PIRIOD_REQUESTS_PER_SECOND: '0', ...env },
    sandbox,
    webhookSecret: SECRET,
    fullMirrorIntervalMs: 0,
    onHop: (h) => {
      hops.push(h);
      for (const listener of hopListeners) listener(h);
    },
    ...extra,
  });
  return runtime;
}

const stored = async (id: string) =>
  (await t.client.send(new GetCommand({ TableName: t.tableName, Key: { id } }))).Item;

describe('npm run dev: the serverless flow on one machine', () => {
  it('completes a full mirror with a tiny time budget through continuation events', async () => {
    // 10.3 s of Lambda time leaves 0.3 s of budget after the 10 s safety margin. Every page
    // takes longer than that to arrive, so each invocation mirrors one page and hands the
    // rest on, however fast this machine writes (a faster one finished in one invocation).
    const rt = await start({ fullMirrorTimeoutMs: 10_300 });
    sandbox.setFaults({ latencyMs: 350 });
    try {
      const reports = await rt.runFullMirror();
      expect(reports.length).toBeGreaterThan(1);
      expect(reports.at(-1)).toMatchObject({ completed: true });
      expect(reports.slice(0, -1).every((r) => r.completed === false)).toBe(true);
    } finally {
      sandbox.setFaults({ latencyMs: 0 });
    }
    const continuations = hops.filter(
      (h) => h.hop === 'bus' && h.detailType === 'Full Mirror Continued',
    );
    expect(continuations).toHaveLength(hops.filter((h) => h.hop === 'full-mirror').length - 1);
    for (const c of sandbox.customers().slice(0, 300)) {
      expect((await stored(c.id))?.updated, c.id).toBeDefined();
    }
  });

  it('turns a PATCH in the sandbox into the new version in the table, via the webhook path', async () => {
    const rt = await start();
    const id = sandbox.customers()[1]?.id as string;
    const written = rt.nextWrite(id);
    const patched = await patchCustomer(sandbox, id, { manager: 'Edited Through The Webhook' });
    expect(await written).toBe('updated');
    expect(await stored(id)).toMatchObject({
      manager: 'Edited Through The Webhook',
      updated: new Date(String(patched.updated)).toISOString(),
      syncSource: 'webhook',
    });
    const path = hops.map((h) => h.hop);
    expect(path.indexOf('webhook')).toBeLessThan(path.indexOf('worker'));
    expect(path).toContain('bus');
    expect(path).toContain('queue');
  });

  it('coalesces a storm of duplicate notifications into a handful of Piriod requests', async () => {
    const rt = await start();
    const id = sandbox.customers()[2]?.id as string;
    sandbox.resetStats();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, () =>
        sendWebhook(rt.webhookUrl, SECRET, { event: 'customer.updated', object_id: id }),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await rt.drained();
    // One GET per worker batch that held the id: 50 messages arrive within a batching window
    // or two, never one request each.
    expect(sandbox.stats().get).toBeGreaterThanOrEqual(1);
    expect(sandbox.stats().get).toBeLessThanOrEqual(5);
    expect(rt.deadLetters()).toEqual([]);
  });

  it('dead-letters a customer that keeps failing transiently on its last receive, with the last error and its id', async () => {
    const rt = await start(
      { queue: { visibilityTimeoutMs: 20, batchingWindowMs: 0 } },
      { PIRIOD_MAX_ATTEMPTS: '1' },
    );
    const id = sandbox.customers()[5]?.id as string;
    sandbox.failCustomer(id, 503);
    sandbox.resetStats();
    const deadLettered = nextHop((h) => h.hop === 'dead-letter');
    const status = await sendWebhook(rt.webhookUrl, SECRET, {
      event: 'customer.updated',
      object_id: id,
    });
    expect(status).toBe(200);
    await deadLettered;
    await rt.drained();
    expect(rt.deadLetters()).toHaveLength(1);
    const [dead] = rt.deadLetters();
    // The worker's own dead letter, not SQS's redrive (which would carry no reason).
    expect(dead?.customerId).toBe(id);
    expect(dead?.reason).toMatch(
      new RegExp(
        `answered 503.*\\(customer ${id}\\).*dead-lettered on receive 5, maxReceiveCount 5`,
      ),
    );
    expect(JSON.parse(dead?.body ?? '{}')).toMatchObject({
      'detail-type': 'Customer Refresh Requested',
      detail: { customerId: id },
    });
    expect(sandbox.stats().get).toBe(REFRESH_QUEUE.maxReceiveCount); // one failed GET per receive
  });

  it('dead-letters an id with control characters with a reason and an escaped customerId, never a refused SendMessage', async () => {
    const rt = await start({ queue: { visibilityTimeoutMs: 20, batchingWindowMs: 0 } });
    const hostile = 'cus_\u0001\u0007bad';
    const deadLettered = nextHop((h) => h.hop === 'dead-letter');
    const events = new EventBridgeClient(sdkClientConfig(rt.cliEnv.AWS_ENDPOINT_URL_EVENTBRIDGE));
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: rt.cliEnv.EVENT_BUS_NAME,
            Source: EVENT_SOURCE,
            DetailType: REFRESH_REQUESTED,
            Detail: JSON.stringify({ customerId: hostile }),
          },
        ],
      }),
    );
    await deadLettered;
    await rt.drained();
    expect(rt.deadLetters()).toEqual([
      {
        body: expect.stringContaining('"customerId":"cus_\\u0001\\u0007bad"'),
        customerId: 'cus_\\u0001\\u0007bad',
        reason: expect.stringMatching(/^invalid customer id "cus_\\u0001\\u0007bad"/),
      },
    ]);
  });

  it('refreshes the customers request-refresh names, on the dev runtime’s bus', async () => {
    const rt = await start();
    const ids = sandbox
      .customers()
      .slice(10, 13)
      .map((c) => c.id);
    for (const id of ids) {
      await t.client.send(new DeleteCommand({ TableName: t.tableName, Key: { id } }));
    }
    const writes = ids.map((id) => rt.nextWrite(id));
    const run = await runMirror(['request-refresh', ...ids, '--json'], rt.cliEnv);
    expect(run.code, run.stderr).toBe(0);
    // The events name the workspace of PIRIOD_WORKSPACE (exported by the dev runtime).
    expect(JSON.parse(run.stdout)).toEqual({
      requested: 3,
      events: 1,
      bus: 'piriod-mirror-dev',
      workspace: sandbox.workspace,
    });
    expect(hops.find((h) => h.hop === 'bus')).toMatchObject({ workspace: sandbox.workspace });
    expect(await Promise.all(writes)).toEqual(['created', 'created', 'created']);
    for (const id of ids) expect((await stored(id))?.syncSource).toBe('event');

    const bad = await runMirror(['request-refresh', ids[0] as string, '../etc'], rt.cliEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /"\.\.\/etc" is not a Piriod customer id; expected cus_….*; nothing was sent/,
    );
    expect(hops.filter((h) => h.hop === 'bus')).toHaveLength(1);
  });
});
