import { describe, expect, it } from 'vitest';
import { awsCallsOf } from '../../support/iam/aws-calls.js';
import { type DeployedFunction, deployedFunctions } from '../../support/iam/deployed-functions.js';
import { evaluate, type PolicyStatement } from '../../support/iam/policy-evaluator.js';
import { deniedCalls, unusedGrants } from '../../support/iam/role-check.js';
import { SimulatedDeployment } from '../../support/iam/simulated-deployment.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/customers';
const BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/mirror';
const site = { account: '123456789012', region: 'us-east-1' };

describe('the IAM evaluator', () => {
  it('denies implicitly what no statement allows, and lets an explicit Deny win over an Allow', () => {
    const allow: PolicyStatement = { Effect: 'Allow', Action: 'dynamodb:*', Resource: `${TABLE}*` };
    const deny: PolicyStatement = { Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' };
    expect(evaluate([allow], { action: 'dynamodb:Scan', resource: TABLE }).effect).toBe('allow');
    expect(evaluate([allow, deny], { action: 'dynamodb:Scan', resource: TABLE }).effect).toBe(
      'explicit-deny',
    );
    expect(evaluate([allow], { action: 'sqs:SendMessage', resource: TABLE }).effect).toBe(
      'implicit-deny',
    );
  });

  it('does not let a table ARN cover its indexes; a glob or the index ARN does', () => {
    const query = { action: 'dynamodb:Query', resource: `${TABLE}/index/by-version-shard` };
    const on = (Resource: string): PolicyStatement[] => [
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource },
    ];
    expect(evaluate(on(TABLE), query).effect).toBe('implicit-deny');
    expect(evaluate(on(`${TABLE}/index/*`), query).effect).toBe('allow');
    expect(evaluate(on(`${TABLE}/index/by-version-shar?`), query).effect).toBe('allow');
    expect(evaluate(on(`${TABLE}/index/by-email`), query).effect).toBe('implicit-deny');
  });

  it('matches actions without case and resources with it, and honours NotAction', () => {
    const s: PolicyStatement = { Effect: 'Allow', NotAction: 'sqs:*', Resource: TABLE };
    expect(evaluate([s], { action: 'DynamoDB:putitem', resource: TABLE }).effect).toBe('allow');
    expect(evaluate([s], { action: 'sqs:SendMessage', resource: TABLE }).effect).toBe(
      'implicit-deny',
    );
    expect(
      evaluate([s], { action: 'dynamodb:PutItem', resource: TABLE.toUpperCase() }).effect,
    ).toBe('implicit-deny');
  });

  it('authorizes PutEvents only when every condition key of the entry matches', () => {
    const s: PolicyStatement = {
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: BUS,
      Condition: {
        StringEquals: {
          'events:source': 'piriod.mirror',
          'events:detail-type': 'Customer Changed',
        },
      },
    };
    const put = (detailType: string | undefined) => ({
      action: 'events:PutEvents',
      resource: BUS,
      context: {
        'events:source': 'piriod.mirror',
        ...(detailType ? { 'events:detail-type': detailType } : {}),
      },
    });
    expect(evaluate([s], put('Customer Changed')).effect).toBe('allow');
    expect(evaluate([s], put('Customer Refresh Requested')).effect).toBe('implicit-deny');
    // A key the request does not carry fails the condition (no IfExists).
    expect(evaluate([s], put(undefined)).effect).toBe('implicit-deny');
  });

  it('understands IfExists, Null, ArnLike and the set qualifiers', () => {
    const s = (Condition: PolicyStatement['Condition']): PolicyStatement[] => [
      { Effect: 'Allow', Action: 'sns:Publish', Resource: '*', Condition },
    ];
    const req = (context: Record<string, string | string[]>) => ({
      action: 'sns:Publish',
      resource: 'arn:aws:sns:us-east-1:123456789012:t',
      context,
    });
    expect(evaluate(s({ StringEqualsIfExists: { 'a:k': 'x' } }), req({})).effect).toBe('allow');
    expect(evaluate(s({ Null: { 'a:k': 'true' } }), req({ 'a:k': 'x' })).effect).toBe(
      'implicit-deny',
    );
    expect(
      evaluate(
        s({ ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:123456789012:alarm:*' } }),
        req({ 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:DeadLetters' }),
      ).effect,
    ).toBe('allow');
    expect(
      evaluate(
        s({ 'ForAllValues:StringEquals': { 'a:tags': ['x', 'y'] } }),
        req({ 'a:tags': ['x', 'z'] }),
      ).effect,
    ).toBe('implicit-deny');
    expect(
      evaluate(
        s({ 'ForAnyValue:StringEquals': { 'a:tags': ['x', 'y'] } }),
        req({ 'a:tags': ['x', 'z'] }),
      ).effect,
    ).toBe('allow');
  });

  it('refuses, loudly, an operator or policy variable it does not model', () => {
    const numeric: PolicyStatement = {
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: '*',
      Condition: { NumericLessThan: { 'a:n': '3' } },
    };
    expect(() =>
      evaluate([numeric], { action: 'sqs:SendMessage', resource: 'q', context: { 'a:n': '1' } }),
    ).toThrow(/NumericLessThan is not modelled/);
    const variable: PolicyStatement = {
      Effect: 'Allow',
      Action: 's3:GetObject',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template.
      Resource: 'arn:aws:s3:::b/${aws:username}/*',
    };
    expect(() =>
      evaluate([variable], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/x/y' }),
    ).toThrow(/policy variables are not modelled/);
  });
});

describe('AWS calls as IAM authorizes them', () => {
  it('authorizes a Query on an index against the index ARN, a batch per table', () => {
    expect(
      awsCallsOf(
        'DynamoDB_20120810.Query',
        { TableName: 'customers', IndexName: 'by-email' },
        site,
      ),
    ).toEqual([
      expect.objectContaining({ action: 'dynamodb:Query', resource: `${TABLE}/index/by-email` }),
    ]);
    const batch = awsCallsOf(
      'DynamoDB_20120810.BatchGetItem',
      { RequestItems: { customers: {}, other: {} } },
      site,
    );
    expect(batch.map((c) => c.resource)).toEqual([TABLE, TABLE.replace('customers', 'other')]);
  });

  it('authorizes each PutEvents entry with its source and detail-type, and SQS batches as single sends', () => {
    const calls = awsCallsOf(
      'AWSEvents.PutEvents',
      {
        Entries: [
          { EventBusName: 'mirror', Source: 'piriod.mirror', DetailType: 'Customer Changed' },
          { EventBusName: BUS, Source: 'piriod.mirror', DetailType: 'Other' },
        ],
      },
      site,
    );
    expect(calls.map((c) => [c.resource, c.context?.['events:detail-type']])).toEqual([
      [BUS, 'Customer Changed'],
      [BUS, 'Other'],
    ]);
    const send = awsCallsOf(
      'AmazonSQS.SendMessageBatch',
      { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/refresh', Entries: [] },
      site,
    );
    expect(send).toEqual([
      expect.objectContaining({
        action: 'sqs:SendMessage',
        resource: 'arn:aws:sqs:us-east-1:123456789012:refresh',
      }),
    ]);
  });

  it('refuses a service it does not model', () => {
    expect(() => awsCallsOf('AmazonSNS.Publish', {}, site)).toThrow(/not modelled/);
  });
});

describe('role checks', () => {
  const fn = (statements: PolicyStatement[]): DeployedFunction => ({
    logicalId: 'FullMirrorFunctionABCDEF12',
    name: 'full-mirror',
    physicalName: 'fm',
    roleLogicalId: 'FullMirrorRole',
    statements,
    environment: {},
    onBehalf: [],
  });
  const query = {
    action: 'dynamodb:Query',
    resource: `${TABLE}/index/by-version-shard`,
    origin: 'function' as const,
    why: 'Query',
  };

  it('names function, action and resource of a denied call', () => {
    const role = fn([
      { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:Query'], Resource: TABLE },
    ]);
    expect(deniedCalls(role, [query, query])).toEqual([
      `full-mirror: dynamodb:Query on ${TABLE}/index/by-version-shard (function: Query) → implicit-deny`,
    ]);
  });

  it('lists the grants no call uses', () => {
    const role = fn([
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:Scan'],
        Resource: `${TABLE}/index/*`,
      },
    ]);
    expect(unusedGrants(role, [query]).map((g) => g.action)).toEqual(['dynamodb:Scan']);
  });
});

describe('the simulated deployment', () => {
  const d = new SimulatedDeployment(
    {
      Resources: {
        Table: { Type: 'AWS::DynamoDB::GlobalTable' },
        Queue: { Type: 'AWS::SQS::Queue' },
        Logs: { Type: 'AWS::Logs::LogGroup' },
      },
    },
    { ...site, suffix: 'X1' },
  );

  it('resolves Ref, GetAtt, Join, Sub, Select and Split to the names it deploys', () => {
    expect(
      d.resolve({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/by-email']] }),
    ).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/PiriodMirror-Table-X1/index/by-email');
    expect(d.resolve({ Ref: 'Queue' })).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/PiriodMirror-Queue-X1',
    );
    expect(
      d.resolve({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template.
        'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Logs}',
      }),
    ).toBe('arn:aws:logs:us-east-1:123456789012:log-group:PiriodMirror-Logs-X1');
    expect(d.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
    expect(d.resolve({ 'Fn::GetAtt': ['Logs', 'Arn'] })).toMatch(
      /:log-group:PiriodMirror-Logs-X1:\*$/,
    );
  });

  it('refuses an intrinsic or attribute it does not model', () => {
    expect(() => d.resolve({ 'Fn::If': ['c', 'a', 'b'] })).toThrow(/Fn::If is not modelled/);
    expect(() => d.resolve({ 'Fn::GetAtt': ['Queue', 'Nope'] })).toThrow(/not modelled/);
  });
});

describe('what Lambda does with a function role, read from the template', () => {
  const template = {
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          LoggingConfig: { LogGroup: { Ref: 'Logs' } },
          Environment: { Variables: { QUEUE_URL: { Ref: 'Queue' } } },
        },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sqs:ReceiveMessage',
                Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] },
              },
            ],
          },
        },
      },
      Logs: { Type: 'AWS::Logs::LogGroup' },
      Queue: { Type: 'AWS::SQS::Queue' },
      Dlq: { Type: 'AWS::SQS::Queue' },
      Table: { Type: 'AWS::DynamoDB::GlobalTable' },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
        },
      },
      Stream: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
        },
      },
      Async: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          Qualifier: '$LATEST',
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
        },
      },
    },
  };
  const d = new SimulatedDeployment(template, { ...site, suffix: 'T1' });

  it('adds logs, the pollers of its event sources and every on-failure destination', () => {
    const fn = deployedFunctions(d).get('fn');
    const lines = fn?.onBehalf.map(
      (c) => `${c.action} ${c.resource.split(':').slice(5).join(':')} (${c.why})`,
    );
    expect(lines).toEqual([
      expect.stringMatching(/^logs:CreateLogStream log-group:PiriodMirror-Logs-T1:log-stream:/),
      expect.stringMatching(/^logs:PutLogEvents log-group:PiriodMirror-Logs-T1:log-stream:/),
      'sqs:ReceiveMessage PiriodMirror-Queue-T1 (SQS event source Mapping)',
      'sqs:DeleteMessage PiriodMirror-Queue-T1 (SQS event source Mapping)',
      'sqs:GetQueueAttributes PiriodMirror-Queue-T1 (SQS event source Mapping)',
      expect.stringMatching(/^dynamodb:DescribeStream table\/PiriodMirror-Table-T1\/stream\//),
      expect.stringMatching(/^dynamodb:GetRecords /),
      expect.stringMatching(/^dynamodb:GetShardIterator /),
      'dynamodb:ListStreams  (stream event source Stream)',
      'sqs:SendMessage PiriodMirror-Dlq-T1 (OnFailure destination of Stream)',
      'sqs:SendMessage PiriodMirror-Dlq-T1 (OnFailure destination of Async)',
    ]);
    expect(fn?.environment.QUEUE_URL).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/PiriodMirror-Queue-T1',
    );
    // The role allows only the poll: the rest is denied, each line naming what and why.
    expect(fn && deniedCalls(fn, fn.onBehalf)).toHaveLength(10);
  });
});
