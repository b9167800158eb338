import { createServer } from 'node:http';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createReceiveWebhookHandler } from '../functions/receive-webhook/handler.js';
import { EventBridgeBus } from '../lib/aws/event-bridge-bus.js';
import { normalizeCustomer } from '../lib/customer/normalize.js';
import { webhookSignature } from '../lib/piriod/signature.js';
import { sdkClientConfig } from '../lib/sdk/sdk-config.js';
import { generateCustomers } from '../tools/sandbox/seed-data.js';
import { log, median, pct, quick, round, SIZE } from './bench-context.js';
import { measureSignature } from './signature-bench.js';

/** Section 5: normalizeCustomer against JSON.parse of the same customers. */
export function measureNormalization(results: Record<string, unknown>): void {
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

/** Section 7: webhook handling in process vs the bare publish. */
export async function measureWebhook(results: Record<string, unknown>): Promise<void> {
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
    workspaces: ['acc_bench'],
    secretOf: () => ({ get: async () => secret, refresh: async () => secret }),
    requests: bus,
    // The fallback is never used here: the bus accepts every request.
    queue: bus,
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
  // The signature check alone on the largest body the receiver takes (64 KiB, ~8k keys).
  results.webhookSignature = measureSignature(quick ? 20 : 100);
}
