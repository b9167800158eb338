import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgeBus, PutEventsError } from '../../../lib/aws/event-bridge-bus.js';
import { secretSource, secretsManagerReader } from '../../../lib/aws/secret-value.js';
import {
  SendRefreshesError,
  SqsDeadLetters,
  SqsRefreshQueue,
} from '../../../lib/aws/sqs-queues.js';
import { SqsRefreshEvents } from '../../../lib/aws/sqs-refresh-events.js';
import { ConfigError, SecretNotSetError } from '../../../lib/env-variables.js';
import { parseRefreshMessage } from '../../../lib/messages/parse-refresh-message.js';
import { sdkClientConfig } from '../../../lib/sdk/sdk-config.js';
import { startLocalAws } from '../../../tools/dev/local-aws.js';
import { LocalQueue } from '../../../tools/dev/local-queue.js';
import {
  defaultAnswer,
  type FakeAwsRequest,
  type FakeAwsResponse,
  sqsSuccess,
  startFakeAws,
} from '../../support/fake-aws.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function fake(respond?: (r: FakeAwsRequest) => FakeAwsResponse) {
  const f = await startFakeAws(respond);
  close = f.close;
  return f;
}

const noWait = async () => {};
const LOCAL_SETTINGS = {
  batchSize: 10,
  batchingWindowMs: 0,
  visibilityTimeoutMs: 0,
  maxReceiveCount: 5,
};
const NO_TARGETS = { 'refresh-queue': () => {}, 'full-mirror': () => {} };
const sqs = (url: string) => new SQSClient(sdkClientConfig(url));
const events = (url: string) => new EventBridgeClient(sdkClientConfig(url));
type Entry = { Id: string; MessageBody: string };

describe('SQS adapters (official SQS client)', () => {
  it('sends refreshes in batches of 10 and retries only the entries SQS failed', async () => {
    let first = true;
    const f = await fake((r) => {
      const entries = r.body.Entries as Entry[];
      if (first && entries.length === 10) {
        first = false;
        return {
          body: {
            Successful: entries.filter((e) => e.Id !== '3').map(sqsSuccess),
            Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }],
          },
        };
      }
      return defaultAnswer(r);
    });
    const ids = Array.from({ length: 23 }, (_, i) => `cus_${i}`);
    await new SqsRefreshQueue(sqs(f.url), `${f.url}/q`, noWait).sendRefreshes(
      ids,
      'schedule',
      'acc_1',
    );
    const sizes = f.requests.map((r) => (r.body.Entries as unknown[]).length);
    expect(sizes).toEqual([10, 1, 10, 3]);
    const retried = f.requests[1]?.body.Entries as (Entry & { MessageAttributes: unknown })[];
    expect(JSON.parse(retried[0]!.MessageBody)).toEqual({
      customerId: 'cus_3',
      workspace: 'acc_1',
    });
    expect(retried[0]?.MessageAttributes).toEqual({
      syncSource: { DataType: 'String', StringValue: 'schedule' },
    });
  });

  it('fails loudly, naming the ids, when SQS keeps refusing entries', async () => {
    const f = await fake((r) => ({
      body: {
        Successful: [],
        Failed: (r.body.Entries as Entry[]).map((e) => ({
          Id: e.Id,
          Code: 'KmsThrottled',
          SenderFault: false,
        })),
      },
    }));
    const q = new SqsRefreshQueue(sqs(f.url), `${f.url}/q`, noWait);
    const err = (await q
      .sendRefreshes(['cus_a', 'cus_b'], 'schedule', 'acc_1')
      .catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(SendRefreshesError);
    expect(err.message).toBe(
      'SQS refused refresh messages for cus_a, cus_b after 5 attempts (KmsThrottled, KmsThrottled)',
    );
    expect((err as SendRefreshesError).ids).toEqual(['cus_a', 'cus_b']);
  });

  it('does not retry entries SQS marks as the sender’s fault', async () => {
    const f = await fake((r) => {
      const [bad, ...good] = r.body.Entries as Entry[];
      return {
        body: {
          Successful: good.map(sqsSuccess),
          Failed: [{ Id: bad?.Id, Code: 'InvalidParameterValue', SenderFault: true }],
        },
      };
    });
    const q = new SqsRefreshQueue(sqs(f.url), `${f.url}/q`, noWait);
    await expect(q.sendRefreshes(['cus_a', 'cus_b'], 'schedule', 'acc_1')).rejects.toThrow(
      'SQS refused refresh messages for cus_a as malformed (sender fault) (InvalidParameterValue)',
    );
    expect(f.requests).toHaveLength(1);
  });

  it('rejects an answer whose MD5OfMessageBody does not match the body sent', async () => {
    const f = await fake(() => ({
      body: { MessageId: 'm', MD5OfMessageBody: '0'.repeat(32) },
    }));
    const dlq = new SqsDeadLetters(sqs(f.url), `${f.url}/dlq`);
    await expect(dlq.send('{"customerId":"cus_x"}', { reason: 'gone' })).rejects.toThrow(
      /Checksum/,
    );
  });

  it('dead-letters the original body with reason and customerId attributes', async () => {
    const f = await fake();
    await new SqsDeadLetters(sqs(f.url), `${f.url}/dlq`).send('{"customerId":"cus_x"}', {
      reason: 'not found',
      customerId: 'cus_x',
    });
    expect(f.requests[0]?.target).toBe('AmazonSQS.SendMessage');
    expect(f.requests[0]?.body).toEqual({
      QueueUrl: `${f.url}/dlq`,
      MessageBody: '{"customerId":"cus_x"}',
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'not found' },
        customerId: { DataType: 'String', StringValue: 'cus_x' },
      },
    });
  });

  it('dead-letters a hostile id and 10 KB of reason with valid, bounded attributes that the SQS stand-in accepts', async () => {
    const dlq = new LocalQueue('dlq', LOCAL_SETTINGS, undefined, undefined);
    const local = await startLocalAws({ queues: { dlq }, targets: NO_TARGETS });
    close = local.close;
    const client = sqs(local.url);
    const hostileId = `cus_\u0000\u0007${'\uD800'}x`;
    const body = JSON.stringify({ customerId: hostileId });
    // The stand-in refuses what SQS refuses: the raw id as an attribute value.
    await expect(
      client.send(
        new SendMessageCommand({
          QueueUrl: local.queueUrl('dlq'),
          MessageBody: body,
          MessageAttributes: { customerId: { DataType: 'String', StringValue: hostileId } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });

    const deadLetters = new SqsDeadLetters(client, local.queueUrl('dlq'));
    await deadLetters.send(body, {
      reason: `invalid customer id ${hostileId}`,
      customerId: hostileId,
    });
    await deadLetters.send('{"customerId":"cus_2"}', {
      reason: 'y'.repeat(10_240),
      customerId: 'cus_2',
    });
    const [first, second] = dlq.peek();
    expect(first?.body).toBe(body);
    expect(first?.attributes).toEqual({
      reason: 'invalid customer id cus_\\u0000\\u0007\\ud800x',
      customerId: 'cus_\\u0000\\u0007\\ud800x',
    });
    expect([...(second?.attributes.reason ?? '')]).toHaveLength(1000);
    expect(second?.attributes.reason?.endsWith('…')).toBe(true);
    expect(second?.attributes.customerId).toBe('cus_2');
  });

  it('does not resend a call that answers 200 with a body that does not parse, and says so', async () => {
    const f = await fake(() => ({ raw: '{not json' }));
    const dlq = new SqsDeadLetters(sqs(f.url), `${f.url}/dlq`);
    await expect(dlq.send('{}', { reason: 'x' })).rejects.toThrow(/Deserialization error/);
    expect(f.requests).toHaveLength(1);
  });

  it('waits for a slow but successful answer instead of sending the message twice', async () => {
    const f = await fake((r) => ({ ...defaultAnswer(r), delayMs: 3_500 }));
    await new SqsDeadLetters(sqs(f.url), `${f.url}/dlq`).send('{}', { reason: 'x' });
    expect(f.requests).toHaveLength(1);
  });
});

describe('EventBridge bus (official EventBridge client)', () => {
  it('puts refresh requests with the contract shape, marking webhook origin in resources', async () => {
    const f = await fake();
    await new EventBridgeBus(events(f.url), 'bus').request(['cus_1'], 'webhook');
    expect(f.requests[0]?.body).toEqual({
      Entries: [
        {
          EventBusName: 'bus',
          Source: 'piriod.mirror',
          DetailType: 'Customer Refresh Requested',
          Detail: '{"customerId":"cus_1"}',
          Resources: ['piriod-mirror:webhook'],
        },
      ],
    });
  });

  it('retries a throttle reported only in the x-amzn-ErrorType header', async () => {
    let n = 0;
    const f = await fake((r) =>
      ++n === 1
        ? {
            status: 400,
            headers: { 'x-amzn-errortype': 'ThrottlingException' },
            body: { message: 'Rate exceeded' },
          }
        : defaultAnswer(r),
    );
    await new EventBridgeBus(events(f.url), 'bus').request(['cus_1'], 'event');
    expect(f.requests).toHaveLength(2);
  });

  it('re-sends only the entries EventBridge failed, never the accepted ones', async () => {
    let round = 0;
    const f = await fake((r) => {
      const entries = r.body.Entries as { Detail: string }[];
      round++;
      return {
        body: {
          FailedEntryCount: round === 1 ? 2 : 0,
          Entries: entries.map((_, i) =>
            round === 1 && (i === 2 || i === 7)
              ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
              : { EventId: `e-${round}-${i}` },
          ),
        },
      };
    });
    const changes = Array.from({ length: 10 }, (_, i) => ({
      id: `cus_${i}`,
      testMode: false,
      change: 'updated' as const,
    }));
    await new EventBridgeBus(events(f.url), 'bus', noWait).publish(changes);
    const sent = f.requests.map((r) =>
      (r.body.Entries as { Detail: string }[]).map((e) => JSON.parse(e.Detail).id),
    );
    expect(sent).toEqual([changes.map((c) => c.id), ['cus_2', 'cus_7']]);
  });

  it('fails at once on an entry EventBridge will never accept, and after bounded rounds otherwise', async () => {
    const f = await fake((r) => ({
      body: {
        FailedEntryCount: 1,
        Entries: (r.body.Entries as unknown[]).map(() => ({ ErrorCode: 'MalformedDetail' })),
      },
    }));
    const bus = new EventBridgeBus(events(f.url), 'bus', noWait);
    const err = await bus
      .continueFrom({
        workspace: 'acc_1',
        startPage: 3,
        cycleStartedAt: 'x',
        invocation: 1,
        lease: 't',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PutEventsError);
    expect((err as Error).message).toBe('EventBridge rejected 1 of 1 events (MalformedDetail)');
    expect(f.requests).toHaveLength(1);

    const g = await startFakeAws((r) => ({
      body: {
        FailedEntryCount: 1,
        Entries: (r.body.Entries as unknown[]).map(() => ({ ErrorCode: 'InternalFailure' })),
      },
    }));
    try {
      await expect(
        new EventBridgeBus(events(g.url), 'bus', noWait).request(['cus_1'], 'event'),
      ).rejects.toThrow('EventBridge rejected 1 of 1 events after 4 attempts (InternalFailure)');
      expect(g.requests).toHaveLength(4);
    } finally {
      await g.close();
    }
  });
});

describe('secrets (Powertools Parameters over the official Secrets Manager client)', () => {
  const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:piriod-token-AbCdEf';

  /** A token source over a local Secrets Manager holding `values.current`. */
  async function tokenFromSecretsManager(values: { current: string }) {
    const f = await fake((r) => ({
      body: { ARN: r.body.SecretId, Name: 'piriod-token', SecretString: values.current },
    }));
    const token = secretSource(
      { arn: ARN, names: { plain: 'PIRIOD_API_TOKEN', arn: 'PIRIOD_API_TOKEN_SECRET_ARN' } },
      {
        read: secretsManagerReader(f.url),
        minRefreshMs: 0,
      },
    );
    return { f, token };
  }

  it('reads the secret by ARN once and serves it from the cache', async () => {
    const values = { current: 'sk_live_one' };
    const { f, token } = await tokenFromSecretsManager(values);
    expect(await token.get()).toBe('sk_live_one');
    expect(await token.get()).toBe('sk_live_one');
    expect(f.requests.map((r) => [r.target, r.body.SecretId])).toEqual([
      ['secretsmanager.GetSecretValue', ARN],
    ]);
  });

  it('re-reads a rotated secret on refresh, bypassing the cache, and caches the new value', async () => {
    const values = { current: 'sk_live_one' };
    const { f, token } = await tokenFromSecretsManager(values);
    expect(await token.get()).toBe('sk_live_one');
    values.current = 'sk_live_two';
    expect(await token.get()).toBe('sk_live_one'); // cached, within its max age
    expect(await token.refresh()).toBe('sk_live_two');
    expect(await token.get()).toBe('sk_live_two');
    expect(f.requests).toHaveLength(2);
  });

  it('shares one forced read among concurrent refreshes and limits how often they happen', async () => {
    let now = 0;
    let reads = 0;
    const token = secretSource(
      { arn: ARN, names: { plain: 'PIRIOD_WEBHOOK_SECRET', arn: 'PIRIOD_WEBHOOK_SECRET_ARN' } },
      {
        read: async (_arn, { forceFetch }) => {
          if (forceFetch) reads++;
          return `whsecret_${reads}`;
        },
        minRefreshMs: 60_000,
        now: () => now,
      },
    );
    const all = await Promise.all([token.refresh(), token.refresh(), token.refresh()]);
    expect(all).toEqual(['whsecret_1', 'whsecret_1', 'whsecret_1']);
    now = 59_000;
    await token.refresh();
    expect(reads).toBe(1);
    now = 60_000;
    expect(await token.refresh()).toBe('whsecret_2');
  });

  it('prefers the plain variable, and refuses the placeholder with the command that fixes it', async () => {
    const plain = secretSource(
      { plain: ' sk_x ', names: { plain: 'PIRIOD_API_TOKEN', arn: 'PIRIOD_API_TOKEN_SECRET_ARN' } },
      {
        read: async () => 'unused',
        minRefreshMs: 0,
      },
    );
    expect(await plain.get()).toBe('sk_x');
    const unset = secretSource(
      { arn: 'arn:s', names: { plain: 'PIRIOD_API_TOKEN', arn: 'PIRIOD_API_TOKEN_SECRET_ARN' } },
      {
        read: async () => 'SET-ME',
        minRefreshMs: 0,
      },
    );
    const err = (await unset.get().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(SecretNotSetError);
    expect(err.message).toMatch(
      /has no value yet: set it with `aws secretsmanager put-secret-value --secret-id arn:s/,
    );
    expect(err.message).not.toContain('SET-ME');
  });

  it('keeps the value it read when a later read fails, past its cache age and on refresh', async () => {
    const state = { fail: false };
    const f = await fake((r) =>
      state.fail
        ? { status: 500, body: { __type: 'InternalServiceError', message: 'down' } }
        : { body: { ARN: r.body.SecretId, Name: 'piriod-webhook', SecretString: 'whsecret_1' } },
    );
    const budget = { connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 1 };
    const secret = secretSource(
      { arn: ARN, names: { plain: 'PIRIOD_WEBHOOK_SECRET', arn: 'PIRIOD_WEBHOOK_SECRET_ARN' } },
      // A cache age of 0: every get() reads Secrets Manager again, as an expired cache does.
      { read: secretsManagerReader(f.url, 0, budget), minRefreshMs: 0 },
    );
    expect(await secret.get()).toBe('whsecret_1');
    state.fail = true;
    expect(await secret.get()).toBe('whsecret_1');
    expect(await secret.refresh()).toBe('whsecret_1');
    expect(f.requests.length).toBeGreaterThanOrEqual(3);
  });

  it('fails a first read that fails: there is no value to keep', async () => {
    const f = await fake(() => ({
      status: 500,
      body: { __type: 'InternalServiceError', message: 'down' },
    }));
    const budget = { connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 1 };
    const secret = secretSource(
      { arn: ARN, names: { plain: 'PIRIOD_WEBHOOK_SECRET', arn: 'PIRIOD_WEBHOOK_SECRET_ARN' } },
      { read: secretsManagerReader(f.url, 0, budget), minRefreshMs: 0 },
    );
    const err = await secret.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(SecretNotSetError);
  });
});

describe('refresh events sent straight to the refresh queue (the receiver’s fallback)', () => {
  it('sends the event as the bus rule delivers it, which the worker reads as a webhook refresh', async () => {
    const f = await fake();
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/PiriodMirror-RefreshQueue';
    const queue = new SqsRefreshEvents(sqs(f.url), url, () => new Date('2026-11-25T12:00:00.123Z'));
    await queue.request(['cus_01H8XYZ123ABC'], 'webhook', 'acc_A');
    const sent = f.requests.filter((r) => r.target === 'AmazonSQS.SendMessage');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body.QueueUrl).toBe(url);
    const body = String(sent[0]?.body.MessageBody);
    expect(JSON.parse(body)).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'Customer Refresh Requested',
      source: 'piriod.mirror',
      account: '123456789012',
      time: '2026-11-25T12:00:00Z',
      region: 'eu-west-1',
      resources: ['piriod-mirror:webhook'],
      detail: { customerId: 'cus_01H8XYZ123ABC', workspace: 'acc_A' },
    });
    expect(parseRefreshMessage(body)).toEqual({
      ids: ['cus_01H8XYZ123ABC'],
      invalidIds: [],
      origin: 'webhook',
      workspace: 'acc_A',
    });
  });
});
