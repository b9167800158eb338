import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiveWebhookHandler } from '../../../functions/receive-webhook/handler.js';
import { sendWebhook } from '../../../tools/sandbox/webhook-sender.js';
import { functionUrlEvent } from '../../support/events.js';
import { fixedSecret, MemoryBus } from '../../support/fakes.js';
import { signedFor } from '../../support/workspace-deps.js';

const secret = 'whsecret_http_test';
const bus = new MemoryBus();
let server: Server;
let url: string;

// The receiver behind a real HTTP listener, as a Function URL puts it: body and headers as sent.
beforeAll(async () => {
  const handler = createReceiveWebhookHandler(async () => ({
    ...signedFor(fixedSecret(secret)),
    requests: bus,
  }));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', async () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
      );
      const out = await handler(functionUrlEvent({ method: req.method, body, headers }));
      res.writeHead(out.statusCode ?? 500, out.headers as Record<string, string>);
      res.end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the sandbox's signed webhook sender", () => {
  it('is accepted by the receiver over HTTP and becomes a refresh request', async () => {
    expect(
      await sendWebhook(url, secret, { event: 'customer.created', object_id: 'cus_NEW123' }),
    ).toBe(200);
    expect(bus.refreshes).toEqual([{ ids: ['cus_NEW123'], origin: 'webhook', workspace: 'acc_1' }]);
  });

  it('is rejected when signed with another secret', async () => {
    expect(
      await sendWebhook(url, 'whsecret_wrong', { event: 'customer.updated', object_id: 'cus_X' }),
    ).toBe(401);
  });
});
