import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiveWebhookHandler } from '../../functions/receive-webhook/handler.js';
import { createRefreshCustomersHandler } from '../../functions/refresh-customers/handler.js';
import { systemClock } from '../../lib/ports.js';
import { mirrorAll } from '../../lib/use-cases/mirror-all.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { functionUrlEvent, refreshEventBody, signedWebhook, sqsEvent } from '../support/events.js';
import {
  countingSecret,
  fixedSecret,
  lambdaContext,
  MemoryBus,
  MemoryDeadLetters,
} from '../support/fakes.js';
import { scanTable } from '../support/oracle.js';
import { expectMirroredOrReported, fastClient, scenarioDeps } from '../support/scenario.js';
import { inWorkspace, signedFor } from '../support/workspace-deps.js';

let sandbox: Sandbox;
let t: TestTable;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 400, seed: 41 });
  t = await createTestTable('hostile');
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
}

describe('scenario 5: hostile customers', () => {
  it('reports schema-invalid customers with reasons, mirrors the rest, memory bounded', async () => {
    const ids = sandbox.customers().map((c) => c.id);
    const bad: Record<string, RegExp> = {};
    const corrupt = (i: number, patch: Record<string, unknown>, reason: RegExp) => {
      const id = ids[i] as string;
      sandbox.corruptCustomer(id, patch);
      bad[id] = reason;
    };
    corrupt(10, { send_invoices: 'yes' }, /send_invoices: expected boolean, got string/);
    corrupt(11, { name: undefined }, /name: is required/);
    corrupt(12, { contacts: 'none' }, /contacts: expected array, got string/);
    corrupt(13, { updated: 'soon' }, /updated: is not a parseable timestamp/);
    corrupt(14, { metadata: nested(60) }, /metadata: nests deeper than 24 levels/);
    corrupt(15, { name: 'bad \ud800 surrogate' }, /name: contains a lone UTF-16 surrogate/);
    for (let i = 20; i < 40; i++)
      corrupt(i, { address: 'x'.repeat(1_000_000) }, /over the .* DynamoDB item/);
    // Legal, if unusual: mirrored exactly, long ones counted as warnings.
    const odd = {
      [ids[50] as string]: { name: 'Ünïcödé 🚀 Ltda. ‏עברית‎ 中文 e\u0301' },
      [ids[51] as string]: { name: 'x'.repeat(150), phone: '+56 9 1234 5678 ext 99999' },
      [ids[52] as string]: { metadata: nested(10), email: 'NOT-AN-EMAIL' },
    };
    for (const [id, patch] of Object.entries(odd)) sandbox.corruptCustomer(id, patch);

    const rssBefore = process.memoryUsage().rss;
    let warned = 0;
    const result = await mirrorAll({ ...scenarioDeps(sandbox, t), onWarnings: () => warned++ });
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1_048_576;

    expect(result.summary.failed.map((f) => f.id).sort()).toEqual(Object.keys(bad).sort());
    for (const f of result.summary.failed) expect(f.reason).toMatch(bad[f.id] as RegExp);
    await expectMirroredOrReported(t, sandbox, result.summary);
    const items = await scanTable(t);
    for (const id of Object.keys(odd)) expect(items.get(id)).toBeDefined();
    expect(items.get(ids[50] as string)?.name).toBe('Ünïcödé 🚀 Ltda. ‏עברית‎ 中文 e\u0301');
    expect(warned).toBeGreaterThanOrEqual(2);
    // Twenty 1 MB customers were read, rejected and released, not accumulated.
    expect(growthMb).toBeLessThan(300);
  });
});

describe('scenario 5: hostile webhooks and refresh events', () => {
  const secret = 'whsecret_hostile';
  const payload = { event: 'customer.updated', object_id: 'cus_01H8XYZ123ABC' };

  it('rejects every forged or malformed webhook without publishing', async () => {
    const bus = new MemoryBus();
    const handler = createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret(secret)),
      requests: bus,
    }));
    const attempts = [
      [
        401,
        functionUrlEvent({
          body: JSON.stringify(payload),
          headers: { 'x-piriod-signature': 'f'.repeat(64) },
        }),
      ],
      [
        401,
        functionUrlEvent({
          body: JSON.stringify({ ...payload, object_id: 'cus_OTHER' }),
          headers: {
            'x-piriod-signature': signedWebhook(payload, secret).headers[
              'x-piriod-signature'
            ] as string,
          },
        }),
      ],
      [401, functionUrlEvent({ body: JSON.stringify(payload) })],
      [413, functionUrlEvent({ body: JSON.stringify({ ...payload, pad: 'p'.repeat(100_000) }) })],
      [400, functionUrlEvent({ body: '{"event": "customer.updated", "object_id": ' })],
      [405, signedWebhook(payload, secret, { method: 'GET' })],
    ] as const;
    for (const [status, event] of attempts) expect((await handler(event)).statusCode).toBe(status);
    expect(bus.refreshes).toEqual([]);
  });

  it('answers a 4xx, never a throw, to an 8 KB body nested 4,000 levels deep with any signature', async () => {
    const bus = new MemoryBus();
    const handler = createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret(secret)),
      requests: bus,
    }));
    const deep = `{"event": ${'['.repeat(4000)}${']'.repeat(4000)}, "object_id": "cus_1"}`;
    expect(deep.length).toBeGreaterThan(8000);
    const wide = JSON.stringify({ event: 'x', object_id: 'cus_1', pad: Array(30_000).fill(1) });
    for (const body of [deep, wide]) {
      const res = await handler(
        functionUrlEvent({ body, headers: { 'x-piriod-signature': 'a'.repeat(64) } }),
      );
      expect(res.statusCode).toBe(401);
    }
    expect(bus.refreshes).toEqual([]);
  });

  it('checks the signature header’s format before reading the secret', async () => {
    const counted = countingSecret(secret);
    const handler = createReceiveWebhookHandler(async () => ({
      ...signedFor(counted),
      requests: new MemoryBus(),
    }));
    for (const signature of [undefined, '', 'sha256=abc', 'z'.repeat(64), 'a'.repeat(63)]) {
      const headers: Record<string, string> =
        signature === undefined ? {} : { 'x-piriod-signature': signature };
      const res = await handler(functionUrlEvent({ body: JSON.stringify(payload), headers }));
      expect(res.statusCode).toBe(401);
    }
    expect(counted.reads()).toBe(0);
  });

  it('publishes a refresh only for a real customer id, whatever split of the signed characters is sent', async () => {
    const bus = new MemoryBus();
    const handler = createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret(secret)),
      requests: bus,
    }));
    // Piriod signs ''.join(values): all of these carry the same valid signature.
    const signature = signedWebhook(payload, secret).headers['x-piriod-signature'] as string;
    const joined = `${payload.event}${payload.object_id}`;
    const answers = new Map<number, number>();
    for (let cut = 1; cut < joined.length; cut++) {
      const shifted = { event: joined.slice(0, cut), object_id: joined.slice(cut) };
      const res = await handler(
        functionUrlEvent({
          body: JSON.stringify(shifted),
          headers: { 'x-piriod-signature': signature },
        }),
      );
      const status = res.statusCode ?? 0;
      answers.set(status, (answers.get(status) ?? 0) + 1);
    }
    expect(bus.refreshes).toEqual([
      { ids: ['cus_01H8XYZ123ABC'], origin: 'webhook', workspace: 'acc_1' },
    ]);
    expect([...answers.keys()].every((status) => status < 500)).toBe(true);
  });

  it('coalesces a flood of 1,000 valid notifications for one customer into a handful of Piriod requests', async () => {
    const bus = new MemoryBus();
    const receiver = createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret(secret)),
      requests: bus,
    }));
    for (let i = 0; i < 1000; i++)
      expect((await receiver(signedWebhook(payload, secret))).statusCode).toBe(200);
    expect(bus.refreshes).toHaveLength(1000);
    // The rule delivers each event to the queue; the worker takes batches of 100 (the stack's BatchSize).
    const bodies = bus.refreshes.map((r) =>
      refreshEventBody({ customerId: r.ids[0] }, ['piriod-mirror:webhook']),
    );
    const worker = createRefreshCustomersHandler(async () =>
      inWorkspace({
        piriod: fastClient(sandbox),
        store: t.store,
        deadLetters: new MemoryDeadLetters(),
        workspace: sandbox.workspace,
        concurrency: 4,
        clock: systemClock,
      }),
    );
    sandbox.resetStats();
    for (let i = 0; i < bodies.length; i += 100) {
      expect(
        (await worker(sqsEvent(bodies.slice(i, i + 100)), lambdaContext())).batchItemFailures,
      ).toEqual([]);
    }
    expect(sandbox.stats().get).toBe(10);
  });

  it('rejects refresh events with bad ids with a reason and never sends them to Piriod', async () => {
    const dlq = new MemoryDeadLetters();
    const worker = createRefreshCustomersHandler(async () =>
      inWorkspace({
        piriod: fastClient(sandbox),
        store: t.store,
        deadLetters: dlq,
        workspace: sandbox.workspace,
        concurrency: 4,
        clock: systemClock,
      }),
    );
    sandbox.resetStats();
    const badIds = ['../', '', 'x'.repeat(10_240), 'cus_1/../../admin', 'cus_ok?x=1'];
    const res = await worker(
      sqsEvent(badIds.map((id) => JSON.stringify({ customerId: id }))),
      lambdaContext(),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(dlq.sent).toHaveLength(badIds.length);
    for (const m of dlq.sent) expect(m.reason).toMatch(/^invalid customer id/);
    expect(sandbox.stats().requests).toBe(0);
  });
});
