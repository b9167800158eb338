import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createReceiveWebhookHandler,
  receiveWebhookDeps,
} from '../../../functions/receive-webhook/handler.js';
import {
  createRefreshCustomersHandler,
  refreshCustomersDeps,
} from '../../../functions/refresh-customers/handler.js';
import { secretsManagerReader } from '../../../lib/aws/secret-value.js';
import { eventBus } from '../../../lib/compose/bus.js';
import { deadLetterQueue } from '../../../lib/compose/queues.js';
import { loadReceiverConfig, loadRefreshWorkerConfig } from '../../../lib/config.js';
import type { SdkBudget } from '../../../lib/sdk/sdk-budgets.js';
import { createDocumentClient } from '../../../lib/store/dynamodb-client.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { signedWebhook, sqsEvent } from '../../support/events.js';
import { lambdaContext } from '../../support/fakes.js';
import { startStalledEndpoint } from '../../support/stalled-endpoint.js';

/** Short limits so that a stalled call fails fast here; the product's own are in SDK_BUDGETS. */
const BUDGET: SdkBudget = { connectionTimeoutMs: 500, requestTimeoutMs: 300, maxAttempts: 2 };
/**
 * Without the SDK timeouts these calls wait for the socket's idle timeout (minutes): the test
 * fails at this limit instead of passing slowly.
 */
const STALL_LIMIT = { timeout: 15_000 };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:piriod-token-AbCdEf';

let stalled: Awaited<ReturnType<typeof startStalledEndpoint>>;
beforeAll(async () => {
  stalled = await startStalledEndpoint();
});
afterAll(async () => {
  await stalled.close();
});

/** The SDK's `TimeoutError` for the request timeout, wherever a wrapper put it. */
function requestTimeoutIn(err: unknown): Error | undefined {
  for (let e = err as Error | undefined; e; e = e.cause as Error | undefined) {
    if (
      e.name === 'TimeoutError' &&
      /exceeded the configured 300 ms requestTimeout/.test(e.message)
    )
      return e;
  }
  return undefined;
}

/** Each case: one call through the project's client, and the AWS operation it sends. */
const calls: [string, string, () => Promise<unknown>][] = [
  [
    'the DynamoDB document client',
    'DynamoDB_20120810.GetItem',
    () =>
      createDocumentClient({ endpoint: stalled.url, budget: BUDGET }).send(
        new GetCommand({ TableName: 'customers', Key: { id: 'cus_1' } }),
      ),
  ],
  [
    'SQS (a dead letter)',
    'AmazonSQS.SendMessage',
    () =>
      deadLetterQueue({ endpoint: stalled.url, url: `${stalled.url}/1/dlq` }, BUDGET).send(
        '{"customerId":"cus_1"}',
        { reason: 'test', customerId: 'cus_1' },
      ),
  ],
  [
    'EventBridge (a refresh request)',
    'AWSEvents.PutEvents',
    () => eventBus({ endpoint: stalled.url, name: 'bus' }, BUDGET).request(['cus_1'], 'event'),
  ],
  [
    'Secrets Manager (through Powertools)',
    'secretsmanager.GetSecretValue',
    () => secretsManagerReader(stalled.url, 300, BUDGET)(SECRET_ARN, { forceFetch: true }),
  ],
];

describe('AWS SDK clients against an endpoint that accepts connections and never answers', () => {
  it.each(calls)(
    '%s fails with a TimeoutError after the budget’s attempts instead of hanging',
    async (_name, target, call) => {
      const before = stalled.targets().length;
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(requestTimeoutIn(err), String(err)).toBeDefined();
      // A timed-out attempt is transient to the SDK: it tries again, as many times as budgeted.
      expect(stalled.targets().slice(before)).toEqual(Array(BUDGET.maxAttempts).fill(target));
    },
    STALL_LIMIT.timeout,
  );
});

describe('handlers with a stalled AWS dependency report instead of hanging', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ customers: 3, seed: 5 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it(
    'receive-webhook answers 202 when EventBridge and SQS never answer, instead of hanging or failing',
    async () => {
      const secret = 'whsecret_0123456789abcdef';
      const env = {
        PIRIOD_WEBHOOK_SECRET: secret,
        PIRIOD_WORKSPACE: 'acc_1',
        EVENT_BUS_NAME: 'bus',
        AWS_ENDPOINT_URL_EVENTBRIDGE: stalled.url,
        REFRESH_QUEUE_URL: `${stalled.url}/123456789012/refresh`,
        AWS_ENDPOINT_URL_SQS: stalled.url,
      };
      const handler = createReceiveWebhookHandler(() =>
        receiveWebhookDeps(loadReceiverConfig(env), BUDGET),
      );
      const res = await handler(
        signedWebhook({ event: 'customer.updated', object_id: 'cus_01H8XYZ123ABC' }, secret),
      );
      expect(res.statusCode).toBe(202);
      expect(JSON.parse(res.body as string)).toEqual({ status: 'not-processed' });
    },
    STALL_LIMIT.timeout,
  );

  it(
    'refresh-customers hands every message back to SQS when DynamoDB never answers',
    async () => {
      const env = {
        PIRIOD_API_URL: sandbox.url,
        PIRIOD_API_TOKEN: sandbox.token,
        PIRIOD_WORKSPACE: sandbox.workspace,
        PIRIOD_REQUESTS_PER_SECOND: '0',
        CUSTOMERS_TABLE: 'customers',
        AWS_ENDPOINT_URL_DYNAMODB: stalled.url,
        AWS_ENDPOINT_URL_SQS: stalled.url,
        DEAD_LETTER_QUEUE_URL: `${stalled.url}/123456789012/dlq`,
      };
      const handler = createRefreshCustomersHandler(() =>
        refreshCustomersDeps(loadRefreshWorkerConfig(env), BUDGET),
      );
      const ids = sandbox.customers().map((c) => c.id);
      const before = stalled.targets().length;
      const res = await handler(
        sqsEvent(ids.map((id) => JSON.stringify({ customerId: id }))),
        lambdaContext(60_000, 'refresh-customers'),
      );
      // A timeout is transient: every message goes back to SQS, none to the dead-letter queue.
      expect(res.batchItemFailures).toEqual(
        ids.map((_, i) => ({ itemIdentifier: `msg-${i + 1}` })),
      );
      const sent = stalled.targets().slice(before);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((t) => !t.startsWith('DynamoDB_20120810.'))).toEqual([]);
    },
    STALL_LIMIT.timeout,
  );
});
