import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.js';
import { INDEXES } from '../../lib/store/table-definition.js';
import { bundlesContext, synthApp } from '../support/synth.js';

const require = createRequire(import.meta.url);

let template: Template;
let assemblyDir: string;

beforeAll(() => {
  // Change events on, so all four functions are bundled and checked.
  const synth = synthApp({ publishChanges: 'true' });
  template = synth.template;
  assemblyDir = synth.assembly.directory;
});

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON; the assertions check their shape.
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (type: string) =>
  Object.entries(template.findResources(type)) as [string, Resource][];
const functionByName = (name: string) => {
  const found = resources('AWS::Lambda::Function').find(([id]) => id.startsWith(name));
  if (!found) throw new Error(`no function ${name}`);
  return found;
};

describe('the customers table', () => {
  it('is on-demand with the shared key schema, the three query indexes and the narrow version index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: INDEXES.map((i) =>
        Match.objectLike({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            ...(i.sortKey ? [{ AttributeName: i.sortKey, KeyType: 'RANGE' }] : []),
          ],
          Projection: i.include
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.include] }
            : { ProjectionType: 'ALL' },
        }),
      ),
    });
  });

  it('expires reserved items (doctor canaries) through TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('has point-in-time recovery and deletion protection, and is retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      }),
    });
  });
});

describe('the functions', () => {
  it('run nodejs24.x on arm64 with ESM handlers and their own log groups with retention', () => {
    const fns = resources('AWS::Lambda::Function');
    expect(fns.map(([id]) => id.replace(/Function.*/, '')).sort()).toEqual([
      'FullMirror',
      'PublishChanges',
      'ReceiveWebhook',
      'RefreshCustomers',
    ]);
    for (const [, fn] of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    }
    const groups = resources('AWS::Logs::LogGroup');
    expect(groups).toHaveLength(4);
    for (const [, g] of groups) expect(g.Properties.RetentionInDays).toBe(30);
  });

  it('gives the worker reserved concurrency and a partial-batch SQS source with a 1 s window', () => {
    const [, worker] = functionByName('RefreshCustomers');
    expect(worker.Properties.ReservedConcurrentExecutions).toBe(2);
    expect(worker.Properties.Timeout).toBe(60);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RefreshQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
    });
  });

  it('bounds the public webhook receiver with reserved concurrency (default 10)', () => {
    expect(functionByName('ReceiveWebhook')[1].Properties.ReservedConcurrentExecutions).toBe(10);
  });

  it('publishes "Customer Changed" from the table stream, retrying and dead-lettering positions', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CustomersTable'), 'StreamArn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('PublishChanges') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] },
        },
      },
    });
    for (const name of ['RefreshCustomers', 'FullMirror']) {
      const vars = functionByName(name)[1].Properties.Environment.Variables;
      expect(vars).not.toHaveProperty('PUBLISH_CHANGES');
    }
  });

  it('leaves room for a tick that finds the cycle running (the lease, not the reservation, keeps one cycle), for up to 15 minutes', () => {
    const [, fullMirror] = functionByName('FullMirror');
    // The cycle, a superseded tick that runs and ends at once, a continuation's hand-over.
    expect(fullMirror.Properties.ReservedConcurrentExecutions).toBe(3);
    expect(fullMirror.Properties.Timeout).toBe(900);
  });

  it("bounds full-mirror's asynchronous invokes: one period of age, one retry, failures dead-lettered", () => {
    const [fullMirrorId, fullMirror] = functionByName('FullMirror');
    const configs = resources('AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(1);
    const [, config] = configs[0]!;
    expect(config.Properties.FunctionName).toEqual({ Ref: fullMirrorId });
    // Throttled ticks would otherwise wait up to 6 h and start extra cycles from page 1.
    expect(config.Properties.MaximumEventAgeInSeconds).toBeLessThanOrEqual(15 * 60);
    expect(config.Properties.MaximumRetryAttempts).toBeLessThanOrEqual(1);
    const dlqId = resources('AWS::SQS::Queue').find(([id]) => id.startsWith('DeadLetterQueue'))![0];
    expect(config.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    });
    // Lambda delivers the failure record with the function's role: exactly SendMessage there.
    const policy = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('FullMirror'))![1];
    const toDlq = (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).filter(
      (st) => JSON.stringify(st.Resource).includes(dlqId),
    );
    expect(toDlq).toEqual([
      expect.objectContaining({ Action: 'sqs:SendMessage', Effect: 'Allow' }),
    ]);
    expect(fullMirror.Properties.Environment.Variables.FULL_MIRROR_SCHEDULE_MINUTES).toBe('15');
  });

  it('reads secrets by ARN, never as plain environment values', () => {
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(env).not.toHaveProperty('PIRIOD_API_TOKEN');
      expect(env).not.toHaveProperty('PIRIOD_WEBHOOK_SECRET');
    }
    for (const name of ['FullMirror', 'RefreshCustomers'])
      expect(functionByName(name)[1].Properties.Environment.Variables).toHaveProperty(
        'PIRIOD_API_TOKEN_SECRET_ARNS',
      );
    expect(functionByName('ReceiveWebhook')[1].Properties.Environment.Variables).toHaveProperty(
      'PIRIOD_WEBHOOK_SECRET_ARNS',
    );
    expect(resources('AWS::SecretsManager::Secret')).toHaveLength(2);
  });

  it("gives the receiver the refresh queue's URL and SendMessage on it alone, for a refused bus", () => {
    const receiver = functionByName('ReceiveWebhook')[1];
    const queueId = resources('AWS::SQS::Queue').find(([id]) => id.startsWith('RefreshQueue'))![0];
    expect(receiver.Properties.Environment.Variables.REFRESH_QUEUE_URL).toEqual({ Ref: queueId });
    const policy = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('ReceiveWebhook'))!;
    const statements = policy[1].Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const send = statements.filter((st) => [st.Action].flat().includes('sqs:SendMessage'));
    expect(send.map((st) => st.Resource)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
  });

  it('exposes the webhook receiver through a Function URL without IAM auth, as an output', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.hasOutput('WebhookUrl', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ReceiveWebhook'), 'FunctionUrl'] },
    });
  });
});

describe('least-privilege grants', () => {
  const policyOf = (fn: string) => {
    const found = resources('AWS::IAM::Policy').find(([id]) => id.startsWith(fn));
    if (!found) throw new Error(`no policy for ${fn}`);
    return found[1].Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
  };
  const actions = (fn: string) =>
    policyOf(fn)
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .sort();

  it('lets each role put only the events its function publishes', () => {
    const puts = (fn: string) =>
      policyOf(fn)
        .filter((st) => String(st.Action) === 'events:PutEvents')
        .map((st) => (st as unknown as { Condition: unknown }).Condition);
    const only = (detailType: string | string[]) => [
      { StringEquals: { 'events:source': 'piriod.mirror', 'events:detail-type': detailType } },
    ];
    expect(puts('ReceiveWebhook')).toEqual(only('Customer Refresh Requested'));
    expect(puts('FullMirror')).toEqual(
      only(['Full Mirror Continued', 'Mirror Completed', 'Mirror Failed']),
    );
    expect(puts('PublishChanges')).toEqual(only('Customer Changed'));
    expect(puts('RefreshCustomers')).toEqual([]);
  });

  it('lets the change publisher read only the table stream, and list streams as IAM requires', () => {
    const dynamo = policyOf('PublishChanges').filter((st) =>
      String(st.Action).includes('dynamodb'),
    );
    expect(dynamo).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/CustomersTable/), 'StreamArn'] },
      }),
      // ListStreams has no resource-level permissions: only "*" authorizes it.
      expect.objectContaining({ Action: 'dynamodb:ListStreams', Resource: '*' }),
    ]);
  });

  it('gives each function only the actions it uses', () => {
    // What each function calls is proven by test/integration/functions/permissions.test.ts;
    // this pins the resulting lists, so a widened grant shows up in review.
    const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'];
    expect(actions('ReceiveWebhook')).toEqual(
      [...logs, 'events:PutEvents', 'secretsmanager:GetSecretValue', 'sqs:SendMessage'].sort(),
    );
    expect(actions('FullMirror')).toEqual(
      [
        ...logs,
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'secretsmanager:GetSecretValue',
        'sqs:SendMessage',
        'events:PutEvents',
      ].sort(),
    );
    expect(actions('RefreshCustomers')).toEqual(
      [
        ...logs,
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'secretsmanager:GetSecretValue',
        'sqs:SendMessage',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
      ].sort(),
    );
  });

  it('lets full-mirror query the version index by its ARN, and grants no other index', () => {
    const onIndexes = (fn: string) =>
      policyOf(fn).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
    // A Query on an index is authorized on <tableArn>/index/<name>, never by the table's ARN.
    expect(onIndexes('FullMirror')).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': [
            '',
            [
              { 'Fn::GetAtt': [expect.stringMatching(/CustomersTable/), 'Arn'] },
              '/index/by-version-shard',
            ],
          ],
        },
      }),
    ]);
    for (const fn of ['RefreshCustomers', 'ReceiveWebhook', 'PublishChanges']) {
      expect(onIndexes(fn), fn).toEqual([]);
    }
  });
});

describe('events and queues', () => {
  it('routes "Customer Refresh Requested" from piriod.mirror on the custom bus to the refresh queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: { source: ['piriod.mirror'], 'detail-type': ['Customer Refresh Requested'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RefreshQueue'), 'Arn'] },
        }),
      ],
    });
  });

  it('schedules full-mirror every 15 minutes by default, and routes continuations to it', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['piriod.mirror'], 'detail-type': ['Full Mirror Continued'] },
    });
  });

  it('encrypts both queues, enforces SSL, bounds redelivery and keeps dead letters 14 days', () => {
    const queues = resources('AWS::SQS::Queue');
    expect(queues).toHaveLength(2);
    for (const [, q] of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    const [, dlq] = queues.find(([id]) => id.startsWith('DeadLetterQueue'))!;
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const [, refresh] = queues.find(([id]) => id.startsWith('RefreshQueue'))!;
    // Six worker timeouts (60 s) plus the default 1 s batching window.
    expect(refresh.Properties.VisibilityTimeout).toBe(361);
    expect(refresh.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
    const policies = resources('AWS::SQS::QueuePolicy').map(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    expect(policies.filter((p) => p.includes('aws:SecureTransport')).length).toBe(2);
  });
});

describe('monitoring', () => {
  it('alarms on dead letters, backlog age, errors, throttles and a stalled mirror, to an encrypted topic', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    const metrics = alarms.map(([, a]) => a.Properties.MetricName).sort();
    expect(metrics).toEqual(
      [
        'ApproximateAgeOfOldestMessage',
        'ApproximateNumberOfMessagesVisible',
        'ChangesPublishFailed',
        'IteratorAge',
        'WebhookPublishFailed',
        'WebhookUnprocessed',
        'Errors',
        'Errors',
        'Errors',
        'Errors',
        'NotConfigured',
        // MirrorStale: a math expression (test/infra/staleness-alarm.test.ts), no MetricName.
        undefined,
        'Throttles',
        'Throttles',
        'Throttles',
        'Throttles',
      ].sort(),
    );
    for (const [, a] of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    // A 202 the receiver answered without acting: any one in five minutes alarms.
    const unprocessed = alarms.find(([, a]) => a.Properties.MetricName === 'WebhookUnprocessed')!;
    expect(unprocessed[1].Properties).toMatchObject({
      Namespace: 'PiriodMirror',
      Dimensions: [{ Name: 'service', Value: 'receive-webhook' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasOutput('AlarmTopicArn', { Value: { Ref: Match.stringLikeRegexp('AlarmTopic') } });
  });

  it('can deliver every alarm: each action topic lets CloudWatch publish and use its key', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    const topics = template.findResources('AWS::SNS::Topic');
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const keys = template.findResources('AWS::KMS::Key');
    const ownAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': expect.anything() },
    };
    const allowsCloudWatch = (statements: Record<string, unknown>[], actions: string[]) =>
      statements.some(
        (st) =>
          st.Effect === 'Allow' &&
          JSON.stringify(st.Principal) ===
            JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }) &&
          actions.every((a) => ([] as unknown[]).concat(st.Action).includes(a)) &&
          expect.objectContaining(ownAlarms).asymmetricMatch(st.Condition),
      );
    expect(alarms.length).toBeGreaterThan(0);
    for (const [name, alarm] of alarms) {
      const actions = [...alarm.Properties.AlarmActions, ...(alarm.Properties.OKActions ?? [])];
      expect(actions.length, name).toBeGreaterThan(0);
      for (const action of actions as { Ref: string }[]) {
        const topic = topics[action.Ref];
        if (!topic) throw new Error(`${name} → ${action.Ref} is not a topic of the stack`);
        const statements = policies
          .filter((p) =>
            (p.Properties.Topics as { Ref: string }[]).some((t) => t.Ref === action.Ref),
          )
          .flatMap((p) => p.Properties.PolicyDocument.Statement);
        expect(allowsCloudWatch(statements, ['sns:Publish']), `${name}: topic policy`).toBe(true);
        const keyRef = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': string[] })[
          'Fn::GetAtt'
        ][0] as string;
        const keyStatements = keys[keyRef]?.Properties.KeyPolicy.Statement;
        expect(
          allowsCloudWatch(keyStatements, ['kms:Decrypt', 'kms:GenerateDataKey*']),
          `${name}: key policy`,
        ).toBe(true);
      }
    }
  });
});

describe('the synthesized bundles', () => {
  it('import cleanly in a fresh Node process and export handler', () => {
    const sizes: Record<string, number> = {};
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const key = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const file = join(assemblyDir, `asset.${key}`, 'index.mjs');
      sizes[id.replace(/Function.*/, '')] = Math.round(statSync(file).size / 1024);
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m.handler);`,
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' } },
      );
      expect(out.trim()).toBe('function');
    }
    console.info(`bundle sizes (KB): ${JSON.stringify(sizes)}`);
    expect(Object.keys(sizes)).toHaveLength(4);
  });
});

describe('stack parameters', () => {
  it('takes schedule, concurrency, test mode, change events and stream from context', () => {
    const { template: off } = synthApp({ 'aws:cdk:bundling-stacks': [] });
    expect(Object.keys(off.findResources('AWS::Lambda::Function'))).toHaveLength(3);
    expect(JSON.stringify(off.toJSON())).not.toContain('StreamSpecification');

    const { template: t } = synthApp({
      scheduleMinutes: 5,
      workerConcurrency: 4,
      receiverConcurrency: 3,
      testMode: 'true',
      tableStream: 'true',
      'aws:cdk:bundling-stacks': [],
    });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    // full-mirror's events live one period, and its lease is sized from the same period.
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: 300 });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Scheduled full mirror of Piriod customers',
      Environment: { Variables: Match.objectLike({ FULL_MIRROR_SCHEDULE_MINUTES: '5' }) },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 4,
      Environment: {
        Variables: Match.objectLike({ PIRIOD_WORKSPACES: 'acc_test:test' }),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Verifies Piriod webhooks and requests refreshes',
      ReservedConcurrentExecutions: 3,
    });
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('refuses to synthesize for deployment without a workspace; a synth-only run warns', () => {
    expect(() => buildApp(new App({ context: bundlesContext() }))).toThrow(
      /context workspace is required: deploy with `npm run deploy -- -c workspace=acc_…`/,
    );
    const { stack } = buildApp(new App({ context: { synthOnly: 'true', ...bundlesContext() } }));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(JSON.stringify(warnings)).toContain('placeholder workspace acc_REPLACE_ME');
  });

  it('refuses a plain-http Piriod URL', () => {
    expect(() =>
      synthApp({ apiUrl: 'http://api.piriod.com', 'aws:cdk:bundling-stacks': [] }),
    ).toThrow(/context apiUrl must be an https:\/\/ URL/);
  });

  it('carries every feature flag aws-cdk-lib recommends for this version in cdk.json', () => {
    const recommended = JSON.parse(
      readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'),
    ) as Record<string, unknown>;
    const context = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<string, unknown>;
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    for (const [flag, value] of Object.entries(recommended)) {
      expect(context[flag], flag).toEqual(value);
    }
  });

  it('rejects a malformed parameter with the context key in the message', () => {
    expect(() => synthApp({ scheduleMinutes: 'often', 'aws:cdk:bundling-stacks': [] })).toThrow(
      /context scheduleMinutes must be a whole number/,
    );
  });
});
