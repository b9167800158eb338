import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCallError, AwsJsonClient } from '../../../lib/aws/aws-json-client.js';
import { EventBridgeBus } from '../../../lib/aws/event-bridge-bus.js';
import { fetchFromSecretsManager, secretResolver } from '../../../lib/aws/secret-value.js';
import { SqsDeadLetters, SqsRefreshQueue } from '../../../lib/aws/sqs-queues.js';
import { ConfigError } from '../../../lib/env-variables.js';
import { type FakeAwsRequest, startFakeAws } from '../../support/fake-aws.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function fake(respond?: (r: FakeAwsRequest) => { status?: number; body: unknown }) {
  const f = await startFakeAws(respond);
  close = f.close;
  return f;
}

const client = (url: string, service: string, contentType = 'application/x-amz-json-1.1') =>
  new AwsJsonClient({ service, region: 'us-east-1', endpoint: url, credentials, contentType });

class Sha {
  private h;
  constructor(k?: Uint8Array | string) {
    this.h = k === undefined ? createHash('sha256') : createHmac('sha256', k);
  }
  update(d: Uint8Array | string) {
    this.h.update(d);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

describe('AwsJsonClient', () => {
  it('sends a SigV4-signed JSON-protocol request that verifies against the same credentials', async () => {
    const f = await fake(() => ({ body: { ok: true } }));
    expect(await client(f.url, 'events').call('AWSEvents.PutEvents', { Entries: [] })).toEqual({
      ok: true,
    });
    const [req] = f.requests;
    expect(req?.target).toBe('AWSEvents.PutEvents');
    expect(req?.headers['content-type']).toBe('application/x-amz-json-1.1');
    const auth = String(req?.headers.authorization);
    expect(auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/events\/aws4_request/,
    );
    // Re-sign the received request at its own date: the signature must match.
    const amzDate = String(req?.headers['x-amz-date']);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const url = new URL(f.url);
    const signer = new SignatureV4({
      service: 'events',
      region: 'us-east-1',
      credentials,
      sha256: Sha as never,
    });
    const again = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSEvents.PutEvents',
        },
        body: req?.raw,
      } as never,
      { signingDate },
    );
    expect(auth).toBe(
      (again as unknown as { headers: Record<string, string> }).headers.authorization,
    );
  });

  it('retries throttling and 5xx, then succeeds', async () => {
    let n = 0;
    const f = await fake(() =>
      ++n < 3 ? { status: 503, body: { __type: 'ServiceUnavailable' } } : { body: {} },
    );
    await client(f.url, 'sqs').call('AmazonSQS.SendMessage', {});
    expect(f.requests).toHaveLength(3);
  });

  it('does not retry a client error, and says what AWS answered', async () => {
    const f = await fake(() => ({
      status: 400,
      body: { __type: 'com.amazonaws#AccessDeniedException', message: 'no' },
    }));
    const err = (await client(f.url, 'sqs')
      .call('AmazonSQS.SendMessage', {})
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err.message).toBe('AmazonSQS.SendMessage answered 400 AccessDeniedException: no');
    expect(f.requests).toHaveLength(1);
  });
});

describe('SQS adapters', () => {
  it('sends refreshes in batches of 10 and retries only the entries SQS failed', async () => {
    let first = true;
    const f = await fake((r) => {
      const entries = r.body.Entries as { Id: string }[];
      if (first && entries.length === 10) {
        first = false;
        return { body: { Failed: [{ Id: '3', Code: 'InternalError' }], Successful: [] } };
      }
      return { body: { Successful: entries.map((e) => ({ Id: e.Id })) } };
    });
    const ids = Array.from({ length: 23 }, (_, i) => `cus_${i}`);
    await new SqsRefreshQueue(
      client(f.url, 'sqs', 'application/x-amz-json-1.0'),
      'https://q',
      async () => {},
    ).sendRefreshes(ids, 'schedule');
    const sizes = f.requests.map((r) => (r.body.Entries as unknown[]).length);
    expect(sizes).toEqual([10, 1, 10, 3]);
    const retried = f.requests[1]?.body.Entries as {
      MessageBody: string;
      MessageAttributes: unknown;
    }[];
    expect(JSON.parse(retried[0]!.MessageBody)).toEqual({ customerId: 'cus_3' });
    expect(retried[0]?.MessageAttributes).toEqual({
      syncSource: { DataType: 'String', StringValue: 'schedule' },
    });
  });

  it('fails loudly, naming the ids, when SQS keeps refusing entries', async () => {
    const f = await fake((r) => ({
      body: {
        Failed: (r.body.Entries as { Id: string }[]).map((e) => ({
          Id: e.Id,
          Code: 'KmsThrottled',
        })),
      },
    }));
    const q = new SqsRefreshQueue(client(f.url, 'sqs'), 'https://q', async () => {});
    await expect(q.sendRefreshes(['cus_a', 'cus_b'], 'schedule')).rejects.toThrow(
      'SQS refused refresh messages for cus_a, cus_b after 5 attempts (KmsThrottled, KmsThrottled)',
    );
  });

  it('dead-letters the original body with reason and customerId attributes', async () => {
    const f = await fake(() => ({ body: { MessageId: 'm' } }));
    await new SqsDeadLetters(client(f.url, 'sqs'), 'https://dlq').send('{"customerId":"cus_x"}', {
      reason: 'not found',
      customerId: 'cus_x',
    });
    expect(f.requests[0]?.body).toEqual({
      QueueUrl: 'https://dlq',
      MessageBody: '{"customerId":"cus_x"}',
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'not found' },
        customerId: { DataType: 'String', StringValue: 'cus_x' },
      },
    });
  });
});

describe('EventBridge bus', () => {
  it('puts refresh requests with the contract shape, marking webhook origin in resources', async () => {
    const f = await fake(() => ({ body: { FailedEntryCount: 0, Entries: [{ EventId: 'e' }] } }));
    await new EventBridgeBus(client(f.url, 'events'), 'bus').request(['cus_1'], 'webhook');
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

  it('publishes changes 10 per call and fails when EventBridge rejects an entry', async () => {
    let calls = 0;
    const f = await fake(() =>
      ++calls === 2
        ? { body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] } }
        : { body: { FailedEntryCount: 0 } },
    );
    const bus = new EventBridgeBus(client(f.url, 'events'), 'bus');
    const changes = Array.from({ length: 15 }, (_, i) => ({
      id: `cus_${i}`,
      change: 'updated' as const,
    }));
    await expect(bus.publish(changes)).rejects.toThrow(
      'EventBridge rejected 1 events (InternalFailure)',
    );
    expect(f.requests.map((r) => (r.body.Entries as unknown[]).length)).toEqual([10, 5]);
  });
});

describe('secrets', () => {
  it('reads a secret from Secrets Manager once and caches it across invocations', async () => {
    const f = await fake(() => ({ body: { SecretString: 'whsecret_from_aws' } }));
    const env = {
      PIRIOD_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: f.url,
    };
    const secret = secretResolver(
      env,
      'PIRIOD_WEBHOOK_SECRET',
      'PIRIOD_WEBHOOK_SECRET_ARN',
      (arn) => fetchFromSecretsManager(arn, env),
    );
    expect(await secret()).toBe('whsecret_from_aws');
    expect(await secret()).toBe('whsecret_from_aws');
    expect(f.requests).toHaveLength(1);
    expect(f.requests[0]?.target).toBe('secretsmanager.GetSecretValue');
  });

  it('prefers the plain variable, and refuses the placeholder with the command that fixes it', async () => {
    expect(
      await secretResolver(
        { PIRIOD_API_TOKEN: 'sk_x' },
        'PIRIOD_API_TOKEN',
        'PIRIOD_API_TOKEN_SECRET_ARN',
        async () => 'unused',
      )(),
    ).toBe('sk_x');
    const unset = secretResolver(
      { PIRIOD_API_TOKEN_SECRET_ARN: 'arn:s' },
      'PIRIOD_API_TOKEN',
      'PIRIOD_API_TOKEN_SECRET_ARN',
      async () => 'SET-ME',
    );
    const err = (await unset().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(
      /has no value yet: set it with `aws secretsmanager put-secret-value --secret-id arn:s/,
    );
    expect(err.message).not.toContain('SET-ME');
  });
});
