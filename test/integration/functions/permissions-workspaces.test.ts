import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFullMirrorHandler, fullMirrorDeps } from '../../../functions/full-mirror/handler.js';
import {
  createReceiveWebhookHandler,
  receiveWebhookDeps,
} from '../../../functions/receive-webhook/handler.js';
import {
  createRefreshCustomersHandler,
  refreshCustomersDeps,
} from '../../../functions/refresh-customers/handler.js';
import {
  loadFullMirrorConfig,
  loadReceiverConfig,
  loadRefreshWorkerConfig,
} from '../../../lib/config.js';
import { ensureTable } from '../../../lib/store/create-table.js';
import { createDocumentClient } from '../../../lib/store/dynamodb-client.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { signedWebhook, sqsEvent } from '../../support/events.js';
import { lambdaContext } from '../../support/fakes.js';
import { type AwsCallRecorder, startAwsCallRecorder } from '../../support/iam/aws-call-recorder.js';
import { type DeployedFunction, deployedFunctions } from '../../support/iam/deployed-functions.js';
import { permissionHarness } from '../../support/iam/permission-harness.js';
import { SimulatedDeployment } from '../../support/iam/simulated-deployment.js';
import { synthApp } from '../../support/synth.js';

/**
 * A deployment of two workspaces, run as deployed (see permissions.test.ts): what each
 * function does for the second workspace — read its token or webhook secret, mirror it — is
 * allowed by its synthesized role.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const A = 'acc_sandbox';
const B = 'acc_sandbox_2';
const WEBHOOK_SECRETS: Record<string, string> = {
  [A]: 'whsecret_permissions_a_0123456789',
  [B]: 'whsecret_permissions_b_0123456789',
};

let functions: Map<string, DeployedFunction>;
let recorder: AwsCallRecorder;
let sandbox: Sandbox;
const { fn, driven } = permissionHarness({
  functions: () => functions,
  recorder: () => recorder,
  piriodUrl: () => sandbox.url,
  region: REGION,
});

beforeAll(async () => {
  const { template } = synthApp({
    workspace: undefined,
    workspaces: `${A},${B}`,
    'aws:cdk:bundling-stacks': [],
  });
  const deployment = new SimulatedDeployment(template.toJSON() as never, {
    account: ACCOUNT,
    region: REGION,
    suffix: randomBytes(4).toString('hex').toUpperCase(),
  });
  functions = deployedFunctions(deployment);
  const worker = fn('refresh-customers');
  const endpoint = inject('dynamoEndpoint');
  await ensureTable(
    createDocumentClient({ endpoint, region: REGION }),
    worker.environment.CUSTOMERS_TABLE as string,
  );
  sandbox = await startSandbox({ customers: 20, seed: 4, workspaces: 2 });
  const arns = (map: string | undefined) => JSON.parse(map ?? '{}') as Record<string, string>;
  const tokenArns = arns(worker.environment.PIRIOD_API_TOKEN_SECRET_ARNS);
  const webhookArns = arns(fn('receive-webhook').environment.PIRIOD_WEBHOOK_SECRET_ARNS);
  recorder = await startAwsCallRecorder({
    dynamoEndpoint: endpoint,
    account: ACCOUNT,
    region: REGION,
    secrets: Object.fromEntries(
      [A, B].flatMap((w) => [
        [tokenArns[w] as string, sandbox.inWorkspace(w).token],
        [webhookArns[w] as string, WEBHOOK_SECRETS[w] as string],
      ]),
    ),
  });
});
afterAll(async () => {
  await recorder?.close();
  await sandbox?.close();
});

/** The secrets a run read, by the workspace whose map names them. */
function secretsRead(calls: { action: string; resource: string }[], map: string | undefined) {
  const byArn = Object.entries(JSON.parse(map ?? '{}') as Record<string, string>);
  return byArn
    .filter(([, arn]) =>
      calls.some((c) => c.action === 'secretsmanager:GetSecretValue' && c.resource === arn),
    )
    .map(([w]) => w)
    .sort();
}

describe('a deployment of two workspaces: every call is allowed by the roles', () => {
  it("full-mirror mirrors B with B's token", async () => {
    const calls = await driven('full-mirror', async (env) => {
      const handler = createFullMirrorHandler(() => fullMirrorDeps(loadFullMirrorConfig(env)));
      const tick = { 'detail-type': 'Scheduled Event', detail: { workspace: B } };
      expect(await handler(tick, lambdaContext(900_000))).toMatchObject({
        workspace: B,
        completed: true,
      });
    });
    expect(secretsRead(calls, fn('full-mirror').environment.PIRIOD_API_TOKEN_SECRET_ARNS)).toEqual([
      B,
    ]);
  });

  it("refresh-customers refreshes A's and B's customers, each with its own token", async () => {
    const [idA] = sandbox
      .inWorkspace(A)
      .customers()
      .map((c) => c.id);
    const [idB] = sandbox
      .inWorkspace(B)
      .customers()
      .map((c) => c.id);
    const calls = await driven('refresh-customers', async (env) => {
      const handler = createRefreshCustomersHandler(() =>
        refreshCustomersDeps(loadRefreshWorkerConfig(env)),
      );
      const res = await handler(
        sqsEvent([
          JSON.stringify({ customerId: idA, workspace: A }),
          JSON.stringify({ customerId: idB, workspace: B }),
        ]),
        lambdaContext(60_000),
      );
      expect(res.batchItemFailures).toEqual([]);
    });
    const tokens = fn('refresh-customers').environment.PIRIOD_API_TOKEN_SECRET_ARNS;
    expect(secretsRead(calls, tokens)).toEqual([A, B]);
  });

  it("receive-webhook verifies B's endpoint with B's secret", async () => {
    const calls = await driven('receive-webhook', async (env) => {
      const handler = createReceiveWebhookHandler(() =>
        receiveWebhookDeps(loadReceiverConfig(env)),
      );
      const request = signedWebhook(
        { event: 'customer.updated', object_id: 'cus_01H8XYZ123ABC' },
        WEBHOOK_SECRETS[B] as string,
      );
      const res = await handler({
        ...request,
        rawQueryString: `workspace=${B}`,
        queryStringParameters: { workspace: B },
      });
      expect(res.statusCode).toBe(200);
    });
    const secrets = fn('receive-webhook').environment.PIRIOD_WEBHOOK_SECRET_ARNS;
    expect(secretsRead(calls, secrets)).toEqual([B]);
  });
});
