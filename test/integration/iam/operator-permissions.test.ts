import { randomBytes } from 'node:crypto';
import {
  DeleteMessageCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../../lib/store/create-table.js';
import { createDocumentClient } from '../../../lib/store/dynamodb-client.js';
import { runCli } from '../../../tools/cli/main.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { xmlMembers } from '../../support/fake-aws-query.js';
import { type AwsCallRecorder, startAwsCallRecorder } from '../../support/iam/aws-call-recorder.js';
import type { AwsCall } from '../../support/iam/aws-calls.js';
import { evaluate, type PolicyStatement } from '../../support/iam/policy-evaluator.js';
import { unusedGrants } from '../../support/iam/role-check.js';
import { SimulatedDeployment } from '../../support/iam/simulated-deployment.js';
import { synthApp } from '../../support/synth.js';

/**
 * The operator policy (output `OperatorPolicyArn`) proven like the functions' roles: the CLI's
 * operator commands run against a deployment on paper (its outputs from a stand-in of
 * CloudFormation, every AWS service behind the call recorder, Piriod the sandbox), and every
 * AWS call they make, with what AWS documents the redrive needs, is evaluated against the
 * synthesized policy. No grant is left that no call uses.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const STACK = 'PiriodMirror';

let recorder: AwsCallRecorder;
let sandbox: Sandbox;
let statements: PolicyStatement[];
let outputs: Record<string, string>;
let env: Record<string, string>;
/** Every call of every command, kept for the no-unused-grant check. */
const recorded: AwsCall[] = [];

beforeAll(async () => {
  const { template } = synthApp({ 'aws:cdk:bundling-stacks': [] });
  const json = template.toJSON() as never;
  const d = new SimulatedDeployment(json, {
    account: ACCOUNT,
    region: REGION,
    suffix: randomBytes(4).toString('hex').toUpperCase(),
    stackName: STACK,
  });
  const [policyId] = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).find(
    ([id]) => id.startsWith('OperatorPolicy'),
  ) as [string, unknown];
  statements = d.resolve(
    (d.resource(policyId).Properties as { PolicyDocument: { Statement: unknown } }).PolicyDocument
      .Statement,
  ) as PolicyStatement[];
  const cfnOutputs = (json as { Outputs: Record<string, { Value: unknown }> }).Outputs;
  outputs = Object.fromEntries(
    Object.entries(cfnOutputs).map(([name, o]) => [name, d.resolveString(o.Value)]),
  );
  // Nothing answers there: the webhook check fails without leaving the machine.
  outputs.WebhookUrl = 'http://127.0.0.1:9/';
  const endpoint = inject('dynamoEndpoint');
  await ensureTable(
    createDocumentClient({ endpoint, region: REGION }),
    outputs.TableName as string,
  );
  await createDocumentClient({ endpoint, region: REGION }).send(
    new PutCommand({
      TableName: outputs.TableName,
      Item: { id: 'cus_1', name: 'Uno', workspace: 'acc_test', syncedAt: '2026-11-30T09:00:00Z' },
    }),
  );
  sandbox = await startSandbox({ customers: 5, workspace: 'acc_test' });
  recorder = await startAwsCallRecorder({
    dynamoEndpoint: endpoint,
    account: ACCOUNT,
    region: REGION,
    secrets: {
      [outputs.ApiTokenSecretArn as string]: sandbox.token,
      [outputs.WebhookSecretArn as string]: 'whsecret_operator',
    },
    stackArn: (name) => (name === STACK || name === d.stackId ? d.stackId : name),
    answer: (target) => {
      // One dead letter waiting, so doctor peeks at it.
      if (target === 'AmazonSQS.GetQueueAttributes')
        return { body: { Attributes: { ApproximateNumberOfMessages: '1' } } };
      if (target === 'AmazonSQS.ReceiveMessage') return { body: { Messages: [] } };
      if (target === 'AWSEvents.DescribeRule')
        return { body: { Name: outputs.ScheduleRuleName, ScheduleExpression: 'rate(15 minutes)' } };
      return undefined;
    },
    answerQuery: (p) => {
      if (p.Action === 'DescribeStacks') {
        const members = xmlMembers(
          Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        );
        return {
          result: `<Stacks><member><StackName>${STACK}</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-11-30T08:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks>`,
        };
      }
      return { result: '<Subscriptions></Subscriptions>' };
    },
  });
  const aws = recorder.url;
  env = {
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_DYNAMODB: aws,
    AWS_ENDPOINT_URL_SQS: aws,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws,
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws,
    AWS_ENDPOINT_URL_SNS: aws,
    PIRIOD_API_URL: sandbox.url,
    PIRIOD_WORKSPACE: 'acc_test',
  };
});
afterAll(async () => {
  await recorder?.close();
  await sandbox?.close();
});

/** Runs a CLI command against the recorder; returns its exit code and output, and the calls it made. */
async function operator(argv: string[], extra: Record<string, string> = {}) {
  recorder.reset();
  let out = '';
  const code = await runCli(
    argv,
    { ...env, ...extra },
    {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        out += s;
      },
      errIsTty: false,
    },
  );
  expect(recorder.unmodelled, 'calls the check cannot model').toEqual([]);
  const calls = recorder.calls();
  recorded.push(...calls);
  return { code, out, calls };
}

/** Every call the policy does not allow, one line each. */
function denied(calls: readonly AwsCall[]): string[] {
  return calls
    .filter((c) => evaluate(statements, c).effect !== 'allow')
    .map((c) => `${c.action} on ${c.resource} (${c.why}) → ${evaluate(statements, c).effect}`);
}
const actionsOf = (calls: AwsCall[]) => [...new Set(calls.map((c) => c.action))].sort();

describe('every AWS call of the operator commands is allowed by the operator policy', () => {
  it('doctor --stack: outputs, secrets, canary, dead letters, alarm topic, schedule and status', async () => {
    const run = await operator(['doctor', '--stack', STACK, '--timeout', '1']);
    expect(run.out).toMatch(/^PASS outputs — stack PiriodMirror/m);
    expect(run.out).toMatch(/^PASS secrets/m);
    expect(run.out).toMatch(/^PASS piriod/m);
    expect(actionsOf(run.calls)).toEqual([
      'cloudformation:DescribeStacks',
      'dynamodb:GetItem',
      'events:DescribeRule',
      'events:PutEvents',
      'secretsmanager:GetSecretValue',
      'sns:ListSubscriptionsByTopic',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    expect(denied(run.calls)).toEqual([]);
  }, 30_000);

  it('verify', async () => {
    const run = await operator(['verify', '--json'], {
      CUSTOMERS_TABLE: outputs.TableName as string,
      PIRIOD_API_TOKEN: sandbox.token,
    });
    expect(run.code, run.out).not.toBe(2);
    expect(actionsOf(run.calls)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DescribeTable',
      'dynamodb:Scan',
    ]);
    expect(denied(run.calls)).toEqual([]);
  });

  it('request-refresh', async () => {
    const run = await operator(['request-refresh', 'cus_1'], {
      EVENT_BUS_NAME: outputs.EventBusName as string,
    });
    expect(run.code, run.out).toBe(0);
    expect(actionsOf(run.calls)).toEqual(['events:PutEvents']);
    expect(denied(run.calls)).toEqual([]);
  });

  it('replay-changes', async () => {
    const run = await operator(['replay-changes', '--since', '2026-11-30T08:00:00Z'], {
      CUSTOMERS_TABLE: outputs.TableName as string,
      EVENT_BUS_NAME: outputs.EventBusName as string,
    });
    expect(run.code, run.out).toBe(0);
    expect(actionsOf(run.calls)).toEqual([
      'dynamodb:DescribeTable',
      'dynamodb:Scan',
      'events:PutEvents',
    ]);
    expect(denied(run.calls)).toEqual([]);
  });

  it('the redrive of docs/operations.md: read and delete failure records, move the rest', async () => {
    recorder.reset();
    const sqs = new SQSClient({
      region: REGION,
      endpoint: recorder.url,
      credentials: { accessKeyId: 'operator', secretAccessKey: 'operator' },
    });
    const dlqUrl = outputs.DeadLetterQueueUrl as string;
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageAttributeNames: ['All'] }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: 'r-1' }));
    await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: outputs.DeadLetterQueueArn,
        DestinationArn: outputs.RefreshQueueArn,
      }),
    );
    await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: outputs.DeadLetterQueueArn }));
    sqs.destroy();
    expect(recorder.unmodelled).toEqual([]);
    // What AWS documents the move task needs of whoever starts it, besides the task's own
    // action: to receive, delete and read the attributes of the source queue, and send to
    // the destination (SQS, "Learn how to configure a dead-letter queue redrive").
    const why = 'StartMessageMoveTask (documented permissions)';
    const documented: AwsCall[] = [
      ...['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => ({
        action,
        resource: outputs.DeadLetterQueueArn as string,
        origin: 'function' as const,
        why,
      })),
      {
        action: 'sqs:SendMessage',
        resource: outputs.RefreshQueueArn as string,
        origin: 'function',
        why,
      },
    ];
    const calls = [...recorder.calls(), ...documented];
    recorded.push(...calls);
    expect(denied(calls)).toEqual([]);
  });

  it('grants nothing that none of these calls uses', () => {
    const policy = { name: 'operator', statements } as Parameters<typeof unusedGrants>[0];
    const unused = unusedGrants(policy, recorded).map((g) => `${g.action} on ${g.resource}`);
    // The move task's cancel: the same resource and purpose as its start, for an operator who
    // started the wrong one; no local run cancels a task.
    expect(unused).toEqual([`sqs:CancelMessageMoveTask on ${outputs.DeadLetterQueueArn}`]);
  });
});
