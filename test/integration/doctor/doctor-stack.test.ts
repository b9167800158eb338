import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../tools/cli/main.js';
import { type DevRuntime, startDevRuntime } from '../../../tools/dev/dev-runtime.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { startFakeAws } from '../../support/fake-aws.js';
import { type QueryParams, startFakeAwsQuery, xmlMembers } from '../../support/fake-aws-query.js';
import { cliEnv } from '../../support/run-cli.js';

/**
 * `doctor --stack`: the outputs from CloudFormation, the secrets by ARN from Secrets Manager,
 * the alarm topic's subscriptions from SNS and the schedule from EventBridge — each a local
 * stand-in the official clients talk to — in front of the dev runtime's bus, queues and table.
 */
const STACK = 'PiriodMirror';
const SECRET = 'whsecret_doctor_stack';
const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:piriod-token-AbCdEf';
const HOOK_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:piriod-webhook-AbCdEf';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:PiriodMirror-alarms';

let sandbox: Sandbox;
let t: TestTable;
let rt: DevRuntime;
let secrets: Record<string, string>;
let subscriptionArn: string;
let stackExists: boolean;
const closers: (() => Promise<void>)[] = [];
let env: Record<string, string>;
let query: Awaited<ReturnType<typeof startFakeAwsQuery>>;

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 20, seed: 7 });
  t = await createTestTable('doctor-stack');
  rt = await startDevRuntime({
    env: { ...cliEnv(sandbox, t), PIRIOD_REQUESTS_PER_SECOND: '0' },
    webhookSecret: SECRET,
    fullMirrorIntervalMs: 0,
  });
  await rt.runFullMirror();
  const c = rt.cliEnv;
  const outputs = {
    TableName: c.CUSTOMERS_TABLE,
    EventBusName: c.EVENT_BUS_NAME,
    WebhookUrl: c.WEBHOOK_URL,
    RefreshQueueUrl: c.REFRESH_QUEUE_URL,
    DeadLetterQueueUrl: c.DEAD_LETTER_QUEUE_URL,
    RefreshQueueArn: 'arn:aws:sqs:us-east-1:000000000000:refresh-queue',
    DeadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:dead-letter-queue',
    AlarmTopicArn: TOPIC,
    ApiTokenSecretArn: TOKEN_ARN,
    WebhookSecretArn: HOOK_ARN,
    FullMirrorFunctionName: 'PiriodMirror-FullMirror',
    ScheduleRuleName: 'PiriodMirror-Schedule',
  } as Record<string, string>;
  query = await startFakeAwsQuery((p: QueryParams) => {
    if (p.Action === 'DescribeStacks') {
      if (!stackExists || p.StackName !== STACK)
        return {
          status: 400,
          code: 'ValidationError',
          message: `Stack with id ${p.StackName} does not exist`,
        };
      const members = xmlMembers(
        Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      );
      return {
        result: `<Stacks><member><StackName>${STACK}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-11-30T08:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks>`,
      };
    }
    if (p.Action === 'ListSubscriptionsByTopic' && p.TopicArn === TOPIC) {
      const sub = {
        SubscriptionArn: subscriptionArn,
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: TOPIC,
        Owner: '000000000000',
      };
      return { result: `<Subscriptions>${xmlMembers([sub])}</Subscriptions>` };
    }
    return { status: 400, code: 'InvalidAction', message: `unexpected ${p.Action}` };
  });
  const sm = await startFakeAws((r) => {
    const id = String(r.body.SecretId);
    if (r.target !== 'secretsmanager.GetSecretValue' || !(id in secrets))
      return { status: 400, body: { __type: 'ResourceNotFoundException', message: 'no secret' } };
    return {
      body: { ARN: id, Name: id.split(':').pop(), SecretString: secrets[id], VersionId: 'v1' },
    };
  });
  const events = await eventBridgeWithSchedule(c.AWS_ENDPOINT_URL_EVENTBRIDGE as string);
  closers.push(query.close, sm.close, events.close);
  env = {
    AWS_ENDPOINT_URL_CLOUDFORMATION: query.url,
    AWS_ENDPOINT_URL_SNS: query.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
    AWS_ENDPOINT_URL_SQS: c.AWS_ENDPOINT_URL_SQS as string,
    AWS_ENDPOINT_URL_DYNAMODB: t.endpoint,
    PIRIOD_API_URL: sandbox.url,
  };
});
afterAll(async () => {
  for (const close of closers) await close();
  await rt?.close();
  await sandbox?.close();
  await t?.drop();
});
beforeEach(() => {
  secrets = { [TOKEN_ARN]: sandbox.token, [HOOK_ARN]: SECRET };
  subscriptionArn = `${TOPIC}:1f2e3d4c-0000-4000-8000-000000000000`;
  stackExists = true;
});

/**
 * EventBridge's `DescribeRule` for the schedule rule (`rate(15 minutes)`, on the default bus),
 * every other call passed through to the dev runtime's local bus.
 */
async function eventBridgeWithSchedule(localBus: string) {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target']);
      if (target === 'AWSEvents.DescribeRule') {
        const name = JSON.parse(raw).Name;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({ Name: name, ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' }),
        );
        return;
      }
      const forwarded = await fetch(localBus, {
        method: 'POST',
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        body: raw,
      });
      res.writeHead(forwarded.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(await forwarded.text());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function doctor(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(
    ['doctor', '--stack', STACK, '--workspace', sandbox.workspace, '--timeout', '20', ...args],
    env,
    {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
      errIsTty: false,
    },
  );
  const status = Object.fromEntries(
    out
      .trimEnd()
      .split('\n')
      .map((l) => /^(PASS|FAIL|SKIP) (\S+) — /.exec(l))
      .map((m) => [m?.[2], m?.[1]]),
  );
  return { code, out, err, status };
}

describe('piriod-mirror doctor --stack', () => {
  it('reads the outputs, secrets, alarm subscriptions and schedule from AWS and passes every check', async () => {
    const run = await doctor();
    expect(run.code, run.out + run.err).toBe(0);
    expect(Object.values(run.status)).toEqual(Array(8).fill('PASS'));
    expect(run.out).toMatch(/^PASS outputs — stack PiriodMirror: 12 outputs/m);
    expect(run.out).toMatch(/^PASS alarms — 1 confirmed subscription to /m);
    expect(run.out).toMatch(/^PASS full-mirror — last completed .* schedule every 15 min$/m);
    expect(run.out).not.toContain(sandbox.token);
    expect(run.out).not.toContain(SECRET);
  });

  it('fails secrets with the put-secret-value fix while the token is the placeholder', async () => {
    secrets[TOKEN_ARN] = 'SET-ME';
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      new RegExp(
        `^FAIL secrets — the API token is not set .*; fix: aws secretsmanager put-secret-value --secret-id ${TOKEN_ARN} `,
        'm',
      ),
    );
    expect(run.status).toMatchObject({ piriod: 'SKIP', webhook: 'SKIP', canary: 'SKIP' });
  });

  it('fails alarms while the only subscription awaits confirmation', async () => {
    subscriptionArn = 'PendingConfirmation';
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(Object.entries(run.status).filter(([, s]) => s === 'FAIL')).toEqual([
      ['alarms', 'FAIL'],
    ]);
    expect(run.out).toMatch(
      /^FAIL alarms — no confirmed subscription .*\(1 pending confirmation\).*; fix: confirm/m,
    );
  });

  it('fails outputs for a stack that does not exist, and skips what needs it', async () => {
    stackExists = false;
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      /^FAIL outputs — stack PiriodMirror does not exist .*; fix: deploy it/m,
    );
    expect(Object.entries(run.status).filter(([, s]) => s !== 'SKIP')).toEqual([
      ['outputs', 'FAIL'],
    ]);
  });
});
