import { describe, expect, it } from 'vitest';
import { SecretNotSetError } from '../../../lib/env-variables.js';
import { answerWebhook } from '../../../lib/lambda/webhook-answer.js';
import {
  type ReceiveWebhookPorts,
  receiveWebhook as receive,
  type WebhookRequest,
} from '../../../lib/use-cases/receive-webhook.js';
import {
  countingSecret,
  fixedSecret,
  MemoryBus,
  plainSignature,
  plainSignatures,
} from '../../support/fakes.js';
import { signedFor } from '../../support/workspace-deps.js';

/** The use case with the plain signature rule of the tests, and the HTTP answer it makes. */
const receiveWebhook = async (
  req: WebhookRequest,
  ports: Omit<ReceiveWebhookPorts, 'signatures'>,
) => answerWebhook(await receive(req, { ...ports, signatures: plainSignatures }));

const SECRET = 'whsec_unit';

function signed(payload: Record<string, unknown>, secret = SECRET): WebhookRequest {
  const text = JSON.stringify(payload);
  return { signature: plainSignature(text, secret), body: { text, fields: payload } };
}

/** A secret that was rotated: the cached value is old until it is re-read. */
function rotatedSecret(old: string, current: string) {
  let reads = 0;
  return {
    get: async () => old,
    refresh: async () => {
      reads++;
      return current;
    },
    reads: () => reads,
  };
}

describe('receiveWebhook with in-memory ports', () => {
  it('turns a signed customer notification into one refresh request, then answers 200', async () => {
    const bus = new MemoryBus();
    const res = await receiveWebhook(signed({ event: 'customer.updated', object_id: 'cus_1' }), {
      ...signedFor(fixedSecret(SECRET)),
      requests: bus,
    });
    expect(res).toMatchObject({
      statusCode: 200,
      outcome: 'refresh-requested',
      customerId: 'cus_1',
    });
    expect(bus.refreshes).toEqual([{ ids: ['cus_1'], origin: 'webhook', workspace: 'acc_1' }]);
  });

  it('says what happened, never how to answer it over HTTP', async () => {
    const forged = await receive(
      signed({ event: 'customer.updated', object_id: 'cus_1' }, 'not-the-secret'),
      { ...signedFor(fixedSecret(SECRET)), requests: new MemoryBus(), signatures: plainSignatures },
    );
    expect(forged).toEqual({
      outcome: 'rejected',
      rejection: 'forged',
      reason: 'missing or invalid x-piriod-signature',
      workspace: 'acc_1',
    });
  });

  it('rejects a forged signature with 401 and publishes nothing', async () => {
    const bus = new MemoryBus();
    const res = await receiveWebhook(
      signed({ event: 'customer.updated', object_id: 'cus_1' }, 'not-the-secret'),
      { ...signedFor(fixedSecret(SECRET)), requests: bus },
    );
    expect(res.statusCode).toBe(401);
    expect(bus.refreshes).toEqual([]);
  });

  it('accepts a payload signed with a rotated secret after one re-read', async () => {
    const bus = new MemoryBus();
    const secret = rotatedSecret('whsec_old', SECRET);
    const res = await receiveWebhook(signed({ event: 'customer.created', object_id: 'cus_2' }), {
      ...signedFor(secret),
      requests: bus,
    });
    expect(res.statusCode).toBe(200);
    expect(secret.reads()).toBe(1);
  });

  it('sends the refresh straight to the queue when the bus refuses, then answers 200', async () => {
    const bus = new MemoryBus();
    bus.failRequests = true;
    const queue = new MemoryBus();
    const res = await receiveWebhook(signed({ event: 'customer.updated', object_id: 'cus_1' }), {
      ...signedFor(fixedSecret(SECRET)),
      requests: bus,
      queue,
    });
    expect(res).toMatchObject({ statusCode: 200, outcome: 'refresh-queued', busRefused: true });
    expect(queue.refreshes).toEqual([{ ids: ['cus_1'], origin: 'webhook', workspace: 'acc_1' }]);
  });

  it('answers 202 and acts on nothing when the bus and the queue both refuse', async () => {
    const bus = new MemoryBus();
    const queue = new MemoryBus();
    bus.failRequests = true;
    queue.failRequests = true;
    const res = await receiveWebhook(signed({ event: 'customer.updated', object_id: 'cus_1' }), {
      ...signedFor(fixedSecret(SECRET)),
      requests: bus,
      queue,
    });
    expect(res).toMatchObject({
      statusCode: 202,
      outcome: 'unprocessed',
      reason: 'bus-and-queue-refused',
    });
  });

  it.each([
    [
      'a contact notification',
      { event: 'customer.contact.updated', object_id: 'con_1' },
      'not-a-customer',
    ],
    [
      'a source notification',
      { event: 'customer.source.created', object_id: 'src_1' },
      'not-a-customer',
    ],
    ['a payment', { event: 'payment.created', object_id: 'pay_1' }, 'not-a-customer'],
    ['a numeric object_id', { event: 'customer.updated', object_id: 123 }, 'not-a-notification'],
    ['a missing event', { object_id: 'cus_1' }, 'not-a-notification'],
    ['a missing object_id', { event: 'customer.updated' }, 'not-a-notification'],
    [
      'a malformed customer id',
      { event: 'customer.updated', object_id: 'cus_../x' },
      'malformed-customer-id',
    ],
  ])(
    'answers 200 to %s, ignored with its reason, publishing nothing',
    async (_, payload, reason) => {
      const bus = new MemoryBus();
      const res = await receiveWebhook(signed(payload), {
        ...signedFor(fixedSecret(SECRET)),
        requests: bus,
      });
      expect(res).toMatchObject({ statusCode: 200, outcome: 'ignored', reason });
      expect(bus.refreshes).toEqual([]);
    },
  );

  it('answers 202 and acts on nothing when the signing secret cannot be read', async () => {
    const bus = new MemoryBus();
    const unreadable = {
      get: async () => {
        throw new Error('Secrets Manager: ThrottlingException');
      },
      refresh: async () => {
        throw new Error('Secrets Manager: ThrottlingException');
      },
    };
    const res = await receiveWebhook(signed({ event: 'customer.updated', object_id: 'cus_1' }), {
      ...signedFor(unreadable),
      requests: bus,
    });
    expect(res).toMatchObject({
      statusCode: 202,
      outcome: 'unprocessed',
      reason: 'secret-unreadable',
    });
    expect(res.body).not.toContain('Throttling');
    expect(bus.refreshes).toEqual([]);
  });

  it('acknowledges with 202 and acts on nothing before the signing secret is set', async () => {
    const bus = new MemoryBus();
    const notSet = {
      get: async () => {
        throw new SecretNotSetError('the secret has no value yet');
      },
      refresh: async () => {
        throw new SecretNotSetError('the secret has no value yet');
      },
    };
    const ports = { ...signedFor(notSet), requests: bus };
    const res = await receiveWebhook(
      signed({ event: 'customer.updated', object_id: 'cus_1' }),
      ports,
    );
    expect(res).toMatchObject({ statusCode: 202, outcome: 'not-configured' });
    // What needs no secret is answered as before.
    expect(
      (await receiveWebhook({ signature: undefined, body: { invalid: 'body is not JSON' } }, ports))
        .statusCode,
    ).toBe(400);
    expect(bus.refreshes).toEqual([]);
  });

  it('answers 400 to a body that is no JSON object and 401 to no signature, before reading the secret', async () => {
    const secret = countingSecret(SECRET);
    const ports = { ...signedFor(secret), requests: new MemoryBus() };
    const notAnObject = await receiveWebhook(
      { signature: undefined, body: { invalid: 'body is not a JSON object' } },
      ports,
    );
    expect(notAnObject).toMatchObject({ statusCode: 400, reason: 'body is not a JSON object' });
    const unsigned = await receiveWebhook(
      { signature: undefined, body: { text: '{"event":"x"}', fields: { event: 'x' } } },
      ports,
    );
    expect(unsigned.statusCode).toBe(401);
    expect(secret.reads()).toBe(0);
  });

  it('answers a missing workspace before a body that is no JSON object', async () => {
    const ports = {
      workspaces: ['acc_A', 'acc_B'],
      secretOf: () => fixedSecret(SECRET),
      requests: new MemoryBus(),
      queue: new MemoryBus(),
    };
    const res = await receiveWebhook(
      { signature: undefined, body: { invalid: 'body is not JSON' }, workspace: 'acc_Z' },
      ports,
    );
    expect(res.statusCode).toBe(404);
  });
});

describe('receiveWebhook for a deployment of two workspaces', () => {
  const SECRETS: Record<string, string> = { acc_A: 'whsec_a', acc_B: 'whsec_b' };
  const ports = (bus = new MemoryBus()) => ({
    workspaces: ['acc_A', 'acc_B'],
    secretOf: (w: string) => fixedSecret(SECRETS[w] as string),
    requests: bus,
    queue: new MemoryBus(),
  });
  const note = { event: 'customer.updated', object_id: 'cus_1' };
  const at = (workspace: string | undefined, secret: string) => ({
    ...signed(note, secret),
    ...(workspace === undefined ? {} : { workspace }),
  });

  it("verifies with the named workspace's secret and requests the refresh in it", async () => {
    const bus = new MemoryBus();
    const res = await receiveWebhook(at('acc_B', 'whsec_b'), ports(bus));
    expect(res).toMatchObject({ statusCode: 200, workspace: 'acc_B' });
    expect(bus.refreshes).toEqual([{ ids: ['cus_1'], origin: 'webhook', workspace: 'acc_B' }]);
  });

  it("answers 401 to a payload signed with another workspace's secret", async () => {
    const bus = new MemoryBus();
    const res = await receiveWebhook(at('acc_A', 'whsec_b'), ports(bus));
    expect(res).toMatchObject({ statusCode: 401, outcome: 'rejected' });
    expect(bus.refreshes).toEqual([]);
  });

  it('answers 404 to a workspace not mirrored and 400 to none, before reading a secret', async () => {
    const read: string[] = [];
    const p = {
      ...ports(),
      secretOf: (w: string) => {
        read.push(w);
        return fixedSecret(SECRETS[w] as string);
      },
    };
    const unknown = await receiveWebhook(at('acc_Z', 'whsec_a'), p);
    expect(unknown).toMatchObject({ statusCode: 404, outcome: 'rejected' });
    expect(unknown.workspace).toBeUndefined();
    expect(await receiveWebhook(at(undefined, 'whsec_a'), p)).toMatchObject({
      statusCode: 400,
      reason: expect.stringMatching(/workspace missing/),
    });
    expect(read).toEqual([]);
  });
});
