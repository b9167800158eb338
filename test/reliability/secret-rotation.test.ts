import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createReceiveWebhookHandler,
  receiveWebhookDeps,
} from '../../functions/receive-webhook/handler.js';
import {
  createRefreshCustomersHandler,
  refreshCustomersDeps,
} from '../../functions/refresh-customers/handler.js';
import { loadReceiverConfig, loadRefreshWorkerConfig } from '../../lib/config.js';
import { webhookSignature } from '../../lib/piriod/signature.js';
import { type Sandbox, startSandbox } from '../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../support/dynamo.js';
import { functionUrlEvent, sqsEvent } from '../support/events.js';
import { defaultAnswer, startFakeAws } from '../support/fake-aws.js';
import { lambdaContext } from '../support/fakes.js';

const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:piriod-token-AbCdEf';
const WEBHOOK_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:piriod-webhook-XyZ';

let sandbox: Sandbox;
let t: TestTable;
let aws: Awaited<ReturnType<typeof startFakeAws>>;
/** What Secrets Manager holds now, by ARN; an operator's put-secret-value changes it. */
const stored = new Map<string, string>();

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 20, seed: 11 });
  t = await createTestTable('rotation');
  stored.set(TOKEN_ARN, sandbox.token);
  stored.set(WEBHOOK_ARN, 'whsecret_before');
  aws = await startFakeAws((r) =>
    r.target === 'secretsmanager.GetSecretValue'
      ? { body: { ARN: r.body.SecretId, SecretString: stored.get(String(r.body.SecretId)) } }
      : defaultAnswer(r),
  );
});
afterAll(async () => {
  await sandbox.close();
  await aws.close();
  await t.drop();
});

/** The stack's environment for the functions, pointed at the local stand-ins. */
function functionEnv() {
  return {
    PIRIOD_API_URL: sandbox.url,
    PIRIOD_WORKSPACES: sandbox.workspace,
    PIRIOD_API_TOKEN_SECRET_ARNS: JSON.stringify({ [sandbox.workspace]: TOKEN_ARN }),
    PIRIOD_WEBHOOK_SECRET_ARNS: JSON.stringify({ [sandbox.workspace]: WEBHOOK_ARN }),
    PIRIOD_REQUESTS_PER_SECOND: '0',
    CUSTOMERS_TABLE: t.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: t.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    AWS_ENDPOINT_URL_SQS: aws.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    DEAD_LETTER_QUEUE_URL: `${aws.url}/123456789012/dlq`,
    REFRESH_QUEUE_URL: `${aws.url}/123456789012/refresh`,
    EVENT_BUS_NAME: 'bus',
  };
}

const sent = (target: string) => aws.requests.filter((r) => r.target === target);

describe('secrets rotate without a cold start', () => {
  it('a warm worker mirrors with a rotated Piriod token, and nothing is dead-lettered', async () => {
    // Built once, as in a warm container.
    const deps = await refreshCustomersDeps(loadRefreshWorkerConfig(functionEnv()));
    const handler = createRefreshCustomersHandler(async () => deps);
    const [first, second] = sandbox.customers().map((c) => c.id) as [string, string];

    const before = await handler(
      sqsEvent([JSON.stringify({ customerId: first })]),
      lambdaContext(),
    );
    expect(before.batchItemFailures).toEqual([]);

    // The operator generates a new token in Piriod (the old one dies at once) and stores it.
    stored.set(TOKEN_ARN, sandbox.rotateToken('sk_test_rotated_token_2'));
    const edited = sandbox.editCustomer(first, { manager: 'After Rotation' });
    const after = await handler(
      sqsEvent([JSON.stringify({ customerId: first }), JSON.stringify({ customerId: second })]),
      lambdaContext(),
    );

    expect(after.batchItemFailures).toEqual([]);
    expect(sent('AmazonSQS.SendMessage')).toHaveLength(0); // no dead letter
    const item = await t.store.readVersions([first, second]);
    expect(item.get(first)?.updated).toBe(new Date(String(edited.updated)).toISOString());
    expect(item.has(second)).toBe(true);
  });

  it('a warm receiver accepts webhooks signed with a rotated secret, re-reading it at most once a minute', async () => {
    const bus = { ids: [] as string[] };
    const deps = await receiveWebhookDeps(loadReceiverConfig(functionEnv()));
    const handler = createReceiveWebhookHandler(async () => ({
      ...deps,
      requests: { request: async (ids) => void bus.ids.push(...ids) },
    }));
    const signed = (secret: string, id: string) => {
      const payload = { event: 'customer.updated', object_id: id };
      return functionUrlEvent({
        body: JSON.stringify(payload),
        headers: { 'x-piriod-signature': webhookSignature(payload, secret) },
      });
    };
    expect((await handler(signed('whsecret_before', 'cus_A1'))).statusCode).toBe(200);

    stored.set(WEBHOOK_ARN, 'whsecret_after');
    const reads = () => sent('secretsmanager.GetSecretValue').length;
    const readsBefore = reads();
    expect((await handler(signed('whsecret_after', 'cus_B2'))).statusCode).toBe(200);
    expect(reads()).toBe(readsBefore + 1);

    // A flood of forged signatures costs no further secret reads within the minute.
    for (let i = 0; i < 20; i++) {
      expect((await handler(signed('whsecret_forged', `cus_F${i}`))).statusCode).toBe(401);
    }
    expect(reads()).toBe(readsBefore + 1);
    expect(bus.ids).toEqual(['cus_A1', 'cus_B2']);
  });
});
