import { randomBytes } from 'node:crypto';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFullMirrorHandler, fullMirrorDeps } from '../../../functions/full-mirror/handler.js';
import {
  createPublishChangesHandler,
  publishChangesDeps,
} from '../../../functions/publish-changes/handler.js';
import {
  createReceiveWebhookHandler,
  receiveWebhookDeps,
} from '../../../functions/receive-webhook/handler.js';
import {
  createRefreshCustomersHandler,
  refreshCustomersDeps,
} from '../../../functions/refresh-customers/handler.js';
import {
  loadChangeFeedConfig,
  loadFullMirrorConfig,
  loadReceiverConfig,
  loadRefreshWorkerConfig,
} from '../../../lib/config.js';
import {
  EVENT_SOURCE,
  MIRROR_COMPLETED,
  MIRROR_CONTINUED,
  MIRROR_FAILED,
} from '../../../lib/messages/event-names.js';
import { ensureTable } from '../../../lib/store/create-table.js';
import { createDocumentClient } from '../../../lib/store/dynamodb-client.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { fixture, refreshEventBody, signedWebhook, sqsEvent } from '../../support/events.js';
import { lambdaContext } from '../../support/fakes.js';
import { type AwsCallRecorder, startAwsCallRecorder } from '../../support/iam/aws-call-recorder.js';
import type { AwsCall } from '../../support/iam/aws-calls.js';
import { type DeployedFunction, deployedFunctions } from '../../support/iam/deployed-functions.js';
import { permissionHarness } from '../../support/iam/permission-harness.js';
import { unusedGrants } from '../../support/iam/role-check.js';
import { SimulatedDeployment } from '../../support/iam/simulated-deployment.js';
import { synthApp } from '../../support/synth.js';
import { readTableStream } from '../../support/table-stream.js';

/**
 * Every AWS call each function makes, run as deployed (its environment from the synthesized
 * template, read by its own loader and composed by its own `*Deps`, as its handler module
 * does), is checked against that function's role in the same template, together with what
 * Lambda does with the role on its behalf. DynamoDB Local
 * and the local endpoints enforce no IAM; this is where a missing grant shows before a deploy.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const WEBHOOK_SECRET = 'whsecret_permissions_0123456789';

/**
 * Grants no local run can use, as `"<function>: <action>"` → the path that needs it in AWS.
 * Empty today: every grant is used by a recorded call. An entry must be a grant the role has
 * and no recorded call uses, or the last test fails.
 */
const NEEDED_WITHOUT_A_LOCAL_CALL: Record<string, string> = {};

let functions: Map<string, DeployedFunction>;
let recorder: AwsCallRecorder;
let sandbox: Sandbox;
let endpoint: string;
let tableName: string;
const { fn, driven, recorded } = permissionHarness({
  functions: () => functions,
  recorder: () => recorder,
  piriodUrl: () => sandbox.url,
  region: REGION,
});

beforeAll(async () => {
  // Change events on, so all four functions and the table stream are in the template.
  const { template } = synthApp({ publishChanges: 'true', 'aws:cdk:bundling-stacks': [] });
  const deployment = new SimulatedDeployment(template.toJSON() as never, {
    account: ACCOUNT,
    region: REGION,
    suffix: randomBytes(4).toString('hex').toUpperCase(),
  });
  functions = deployedFunctions(deployment);
  const worker = fn('refresh-customers');
  tableName = worker.environment.CUSTOMERS_TABLE as string;
  endpoint = inject('dynamoEndpoint');
  await ensureTable(tableClient(), tableName, { stream: true });
  // The stack's one workspace, and its secrets from the functions' JSON maps of ARNs.
  const workspace = worker.environment.PIRIOD_WORKSPACES as string;
  const arnOf = (map: string | undefined) =>
    (JSON.parse(map ?? '{}') as Record<string, string>)[workspace] as string;
  sandbox = await startSandbox({ customers: 250, invalidEvery: 50, workspace });
  recorder = await startAwsCallRecorder({
    dynamoEndpoint: endpoint,
    account: ACCOUNT,
    region: REGION,
    secrets: {
      [arnOf(worker.environment.PIRIOD_API_TOKEN_SECRET_ARNS)]: sandbox.token,
      [arnOf(fn('receive-webhook').environment.PIRIOD_WEBHOOK_SECRET_ARNS)]: WEBHOOK_SECRET,
    },
  });
});
afterAll(async () => {
  await recorder?.close();
  await sandbox?.close();
});

/** The test's own access to the table, past the recorder: what it does is not the functions'. */
const tableClient = () => createDocumentClient({ endpoint, region: REGION });

/**
 * Deletes `id`'s item just before the function's first write of it reaches DynamoDB: the
 * conditional write then fails without returning an item, and the store re-reads it
 * (`GetItem`), the path a hand-deleted item takes in AWS.
 */
function deleteBeforeItsWrite(id: string) {
  let done = false;
  recorder.beforeAnswer(async (r) => {
    const item = r.body.Item as { id?: { S?: string } } | undefined;
    if (done || r.target !== 'DynamoDB_20120810.PutItem' || item?.id?.S !== id) return;
    done = true;
    await tableClient().send(new DeleteCommand({ TableName: tableName, Key: { id } }));
  });
}

const actionsOf = (calls: AwsCall[]) => [...new Set(calls.map((c) => c.action))].sort();

describe('every AWS call of every function is allowed by its synthesized role', () => {
  it('full-mirror: version index, upserts, hand-offs, a continuation and the sweep', async () => {
    const calls = await driven('full-mirror', async (env) => {
      const handler = createFullMirrorHandler(() => fullMirrorDeps(loadFullMirrorConfig(env)));
      // A whole cycle writes every valid customer and hands the invalid ones off.
      const first = await handler(fixture('scheduled-event.json'), lambdaContext(900_000));
      expect(first).toMatchObject({ completed: true, created: 245, handedOff: 5 });
      // Customers removed in Piriod are handed off by the sweep of the next cycle, which
      // runs out of time after its first page and continues through the bus.
      const [legacy, raced, ...gone] = sandbox
        .customers()
        .slice(0, 4)
        .map((c) => c.id) as [string, string, ...string[]];
      for (const id of gone) sandbox.deleteCustomer(id);
      // An item written before the version index existed is added to it on the next cycle.
      await tableClient().send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: legacy },
          UpdateExpression: 'REMOVE versionShard',
        }),
      );
      // An edited customer whose item is deleted by hand just before its write is re-read.
      sandbox.editCustomer(raced, { manager: 'Edited Before A Race' });
      deleteBeforeItsWrite(raced);
      const second = await handler(fixture('scheduled-event.json'), lambdaContext(10_000));
      expect(second).toMatchObject({ completed: false, nextPage: 2 });
      // The continuation exactly as the handler put it on the bus (it carries the lease).
      const put = recorder.requests
        .filter((r) => r.target === 'AWSEvents.PutEvents')
        .flatMap((r) => r.body.Entries as { DetailType: string; Detail: string }[])
        .filter((e) => e.DetailType === MIRROR_CONTINUED)
        .at(-1);
      expect(put).toBeDefined();
      const continuation = {
        source: EVENT_SOURCE,
        'detail-type': MIRROR_CONTINUED,
        detail: JSON.parse(put?.Detail ?? '{}'),
      };
      const last = await handler(continuation, lambdaContext(900_000));
      expect(last).toMatchObject({ completed: true });
      // A cycle that fails (the token no longer works) is announced as "Mirror Failed".
      const token = sandbox.token;
      sandbox.rotateToken('piriod_permissions_rotated_0123456789');
      try {
        await expect(
          handler(fixture('scheduled-event.json'), lambdaContext(900_000)),
        ).rejects.toThrow();
      } finally {
        sandbox.rotateToken(token);
      }
    });
    // Each cycle's end went out, and full-mirror put no detail-type but its own three.
    const detailTypes = recorder.requests
      .filter((r) => r.target === 'AWSEvents.PutEvents')
      .flatMap((r) => r.body.Entries as { DetailType: string }[])
      .map((e) => e.DetailType);
    expect([...new Set(detailTypes)].sort()).toEqual(
      [MIRROR_COMPLETED, MIRROR_CONTINUED, MIRROR_FAILED].sort(),
    );
    // The role allows PutEvents for exactly those detail-types, and no other.
    const allowed = fn('full-mirror')
      .statements.filter((st) => [st.Action].flat().includes('events:PutEvents'))
      .flatMap((st) => [
        (st.Condition as { StringEquals: Record<string, string | string[]> }).StringEquals[
          'events:detail-type'
        ],
      ])
      .flat();
    expect([...allowed].sort()).toEqual([MIRROR_COMPLETED, MIRROR_CONTINUED, MIRROR_FAILED].sort());
    expect(actionsOf(calls)).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'sqs:SendMessage',
        'events:PutEvents',
      ]),
    );
  });

  it('refresh-customers: refreshes, a tombstone and dead letters with their reasons', async () => {
    const [live, removed] = sandbox.customers().map((c) => c.id) as [string, string];
    const invalid = sandbox.customers().find((_, i) => i % 50 === 49)?.id;
    // Without billing history a delete removes the customer (else Piriod archives it), so
    // its refresh tombstones the item.
    sandbox.corruptCustomer(removed, { aggregations: { sales: 0 } });
    expect(sandbox.deleteCustomer(removed)).toBe('removed');
    sandbox.editCustomer(live, { manager: 'Permissions Check' });
    const calls = await driven('refresh-customers', async (env) => {
      deleteBeforeItsWrite(live);
      const handler = createRefreshCustomersHandler(() =>
        refreshCustomersDeps(loadRefreshWorkerConfig(env)),
      );
      const res = await handler(
        sqsEvent([
          JSON.stringify({ customerId: live }),
          refreshEventBody({ customerIds: [removed, invalid] }),
          JSON.stringify({ customerId: 'cus_NOT_IN_PIRIOD' }),
          'not json',
        ]),
        lambdaContext(60_000),
      );
      expect(res.batchItemFailures).toEqual([]);
    });
    const tombstone = recorder.requests.find(
      (r) =>
        r.target === 'DynamoDB_20120810.UpdateItem' &&
        (r.body.Key as { id: { S: string } }).id.S === removed,
    );
    expect(String(tombstone?.body.UpdateExpression)).toContain('#deleted = :true');
    // The unknown id and the unparseable body, at least, went to the dead-letter queue.
    const deadLetters = recorder.requests
      .filter((r) => r.target === 'AmazonSQS.SendMessage')
      .map((r) => r.body.MessageAttributes as Record<string, { StringValue: string }>);
    expect(deadLetters.length).toBeGreaterThanOrEqual(2);
    expect(deadLetters.map((a) => a.customerId?.StringValue)).toContain('cus_NOT_IN_PIRIOD');
    for (const attributes of deadLetters) expect(attributes.reason?.StringValue).toBeTruthy();
    expect(actionsOf(calls)).toEqual(
      expect.arrayContaining([
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
      ]),
    );
  });

  it('receive-webhook: a signed notification becomes a refresh request on the bus, or straight on the queue when the bus refuses', async () => {
    const calls = await driven('receive-webhook', async (env) => {
      const handler = createReceiveWebhookHandler(() =>
        receiveWebhookDeps(loadReceiverConfig(env)),
      );
      const note = (id: string) =>
        signedWebhook({ event: 'customer.updated', object_id: id }, WEBHOOK_SECRET);
      expect((await handler(note('cus_01H8XYZ123ABC'))).statusCode).toBe(200);
      // EventBridge refuses: the same request goes to the refresh queue, as the rule delivers it.
      // (Async: a rejected hook is answered as EventBridge's InternalFailure, a 500.)
      recorder.beforeAnswer(async (r) => {
        if (r.target === 'AWSEvents.PutEvents') throw new Error('EventBridge unavailable');
      });
      const fallback = await handler(note('cus_01H8XYZFALLBACK'));
      expect(JSON.parse(fallback.body as string)).toMatchObject({ status: 'accepted' });
      expect(fallback.statusCode).toBe(200);
    });
    const sent = recorder.requests.filter((r) => r.target === 'AmazonSQS.SendMessage');
    // The stack's refresh queue, the one full-mirror hands off to.
    expect(fn('receive-webhook').environment.REFRESH_QUEUE_URL).toBe(
      fn('full-mirror').environment.REFRESH_QUEUE_URL,
    );
    expect(sent.map((r) => r.body.QueueUrl)).toEqual([
      fn('receive-webhook').environment.REFRESH_QUEUE_URL,
    ]);
    expect(JSON.parse(String(sent[0]?.body.MessageBody))).toMatchObject({
      'detail-type': 'Customer Refresh Requested',
      resources: ['piriod-mirror:webhook'],
      detail: { customerId: 'cus_01H8XYZFALLBACK' },
    });
    expect(actionsOf(calls)).toEqual([
      'events:PutEvents',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
    ]);
  });

  it('publish-changes: stream records become "Customer Changed" events', async () => {
    const records = await readTableStream({ client: tableClient(), tableName, endpoint });
    expect(records.length).toBeGreaterThan(0);
    const calls = await driven('publish-changes', async (env) => {
      const handler = createPublishChangesHandler(() =>
        publishChangesDeps(loadChangeFeedConfig(env)),
      );
      const res = await handler({ Records: records.slice(0, 25) }, lambdaContext(30_000));
      expect(res.batchItemFailures).toEqual([]);
    });
    expect(actionsOf(calls)).toEqual(['events:PutEvents']);
  });
});

describe('the roles grant nothing more', () => {
  it('grants no action on a resource that neither a recorded call nor Lambda itself uses', () => {
    expect([...recorded.keys()].sort(), 'every function was driven above').toEqual(
      [...functions.keys()].sort(),
    );
    const unused = [...functions.values()].flatMap((f) =>
      unusedGrants(f, [...(recorded.get(f.name) ?? []), ...f.onBehalf]).map(
        (g) => `${f.name}: ${g.action} on ${g.resource}`,
      ),
    );
    const explained = (line: string) =>
      Object.keys(NEEDED_WITHOUT_A_LOCAL_CALL).some((k) => line.startsWith(`${k} on `));
    expect(unused.filter((line) => !explained(line))).toEqual([]);
    // Each explained grant must still be one the role has and nothing uses.
    for (const key of Object.keys(NEEDED_WITHOUT_A_LOCAL_CALL)) {
      expect(
        unused.some((line) => line.startsWith(`${key} on `)),
        key,
      ).toBe(true);
    }
  });
});
