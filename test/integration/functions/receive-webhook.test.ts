import { beforeEach, describe, expect, it } from 'vitest';
import { createReceiveWebhookHandler } from '../../../functions/receive-webhook/handler.js';
import { webhookSignature } from '../../../lib/piriod/signature.js';
import { functionUrlEvent, signedWebhook } from '../../support/events.js';
import { fixedSecret, MemoryBus } from '../../support/fakes.js';
import { signedFor } from '../../support/workspace-deps.js';

const secret = 'whsecret_0123456789abcdef';
let bus: MemoryBus;
let handler: ReturnType<typeof createReceiveWebhookHandler>;

beforeEach(() => {
  bus = new MemoryBus();
  handler = createReceiveWebhookHandler(async () => ({
    ...signedFor(fixedSecret(secret)),
    requests: bus,
  }));
});

const customerPayload = { event: 'customer.updated', object_id: 'cus_01H8XYZ123ABC' };

describe('receive-webhook handler', () => {
  it('verifies a signed customer notification, requests a refresh, answers 200', async () => {
    const res = await handler(signedWebhook(customerPayload, secret));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual({
      status: 'accepted',
      customerId: 'cus_01H8XYZ123ABC',
    });
    expect(bus.refreshes).toEqual([
      { ids: ['cus_01H8XYZ123ABC'], origin: 'webhook', workspace: 'acc_1' },
    ]);
  });

  it('routes on the cus_ prefix whatever the (undocumented) event name', async () => {
    const res = await handler(
      signedWebhook({ event: 'something.new', object_id: 'cus_ABC' }, secret),
    );
    expect(res.statusCode).toBe(200);
    expect(bus.refreshes[0]?.ids).toEqual(['cus_ABC']);
  });

  it('accepts a replay of the same payload: a refresh is idempotent', async () => {
    const event = signedWebhook(customerPayload, secret);
    expect((await handler(event)).statusCode).toBe(200);
    expect((await handler(event)).statusCode).toBe(200);
    expect(bus.refreshes).toHaveLength(2);
  });

  it('answers 200 and ignores other signed events, so Piriod never disables the webhook', async () => {
    const res = await handler(
      signedWebhook({ event: 'payment.created', object_id: 'pay_123' }, secret),
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual({ status: 'ignored', event: 'payment.created' });
    expect(bus.refreshes).toEqual([]);
  });

  it('decodes base64 bodies from the Function URL', async () => {
    const body = Buffer.from(JSON.stringify(customerPayload)).toString('base64');
    const event = functionUrlEvent({
      body,
      isBase64Encoded: true,
      headers: { 'x-piriod-signature': webhookSignature(customerPayload, secret) },
    });
    expect((await handler(event)).statusCode).toBe(200);
  });

  it.each([
    ['missing signature', functionUrlEvent({ body: JSON.stringify(customerPayload) })],
    [
      'wrong signature',
      functionUrlEvent({
        body: JSON.stringify(customerPayload),
        headers: { 'x-piriod-signature': 'ab'.repeat(32) },
      }),
    ],
    [
      'signature of another body',
      functionUrlEvent({
        body: JSON.stringify(customerPayload),
        headers: {
          'x-piriod-signature': webhookSignature(
            { event: 'customer.updated', object_id: 'cus_OTHER' },
            secret,
          ),
        },
      }),
    ],
    ['signed with another secret', signedWebhook(customerPayload, 'whsecret_attacker')],
  ])('answers 401 and publishes nothing for a %s', async (_name, event) => {
    const res = await handler(event);
    expect(res.statusCode).toBe(401);
    expect(bus.refreshes).toEqual([]);
  });

  it('answers 405 to any method but POST, before anything else', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await handler(signedWebhook(customerPayload, secret, { method }));
      expect(res.statusCode).toBe(405);
      expect(res.headers?.allow).toBe('POST');
    }
  });

  it('answers 413 to a body over 64 KiB', async () => {
    const res = await handler(
      functionUrlEvent({ body: JSON.stringify({ event: 'x', pad: 'y'.repeat(70_000) }) }),
    );
    expect(res.statusCode).toBe(413);
  });

  it('answers 400 to a body that is not a JSON object', async () => {
    for (const body of ['not json', '[1,2]', '"text"', '', undefined]) {
      expect((await handler(functionUrlEvent({ body }))).statusCode).toBe(400);
    }
  });

  it('answers 200 to signed notifications it does not act on, so Piriod never disables the webhook', async () => {
    for (const payload of [
      { event: 'customer.contact.updated', object_id: 'con_01H8XYZ' },
      { event: 'customer.source.created', object_id: 'src_01H8XYZ' },
      { event: 'customer.updated', object_id: 12345 },
      { object_id: 'cus_01H8XYZ123ABC' },
      { event: 'customer.updated', object_id: '../x' },
    ]) {
      const res = await handler(signedWebhook(payload, secret));
      expect(res.statusCode, JSON.stringify(payload)).toBe(200);
      expect(JSON.parse(res.body as string)).toMatchObject({ status: 'ignored' });
    }
    expect(bus.refreshes).toEqual([]);
  });

  it('answers 202 and acts on nothing when the bus and the refresh queue both refuse', async () => {
    bus.failRequests = true;
    const queue = new MemoryBus();
    queue.failRequests = true;
    const failing = createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret(secret)),
      requests: bus,
      queue,
    }));
    const res = await failing(signedWebhook(customerPayload, secret));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body as string)).toEqual({ status: 'not-processed' });
  });

  it('answers 202 instead of throwing when its dependencies cannot be built', async () => {
    const broken = createReceiveWebhookHandler(async () => {
      throw new Error('REFRESH_QUEUE_URL is not set');
    });
    const res = await broken(signedWebhook(customerPayload, secret));
    expect(res.statusCode).toBe(202);
    // What needs no dependency is still answered.
    expect((await broken(functionUrlEvent({ method: 'GET' }))).statusCode).toBe(405);
  });
});
