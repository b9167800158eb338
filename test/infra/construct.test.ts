import { App, Duration, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PiriodMirror, type PiriodMirrorProps } from '../../infra/index.js';
import { bundlesContext, synthApp } from '../support/synth.js';

/** A consumer's app: a stack of its own with cdk-nag, and what `build` puts in it. */
function consumerStack(build: (stack: Stack) => void, stackName = 'Consumer') {
  const app = new App({ context: bundlesContext() });
  const stack = new Stack(app, stackName);
  build(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws "Validation failed" on an unacknowledged cdk-nag finding.
  return { stack, template: Template.fromStack(stack) };
}

const mirrorIn = (stack: Stack, props: Partial<PiriodMirrorProps> = {}, id = 'Mirror') =>
  new PiriodMirror(stack, id, { workspaces: ['acc_A'], reservedConcurrency: false, ...props });

const dashboardNames = (t: Template) =>
  Object.values(t.findResources('AWS::CloudWatch::Dashboard')).map(
    (d) => d.Properties.DashboardName as string,
  );

/** The properties that set a resource's physical name, unique in an account and region. */
const PHYSICAL_NAME_KEYS = new Set([
  'AlarmName',
  'DashboardName',
  'FunctionName',
  'LogGroupName',
  'ManagedPolicyName',
  'Name',
  'QueueName',
  'RoleName',
  'TableName',
  'TopicName',
]);

/** Every physical name a template sets. */
function physicalNames(t: Template): string[] {
  const names: string[] = [];
  for (const r of Object.values(t.toJSON().Resources) as { Properties?: object }[]) {
    // A literal: a Ref or GetAtt points at another resource, it names none.
    for (const [k, v] of Object.entries(r.Properties ?? {}))
      if (PHYSICAL_NAME_KEYS.has(k) && typeof v === 'string') names.push(v);
  }
  return names;
}

describe('PiriodMirror in a consumer’s stack', () => {
  it('passes cdk-nag, and adds no output unless asked', () => {
    const { template } = consumerStack((s) => mirrorIn(s));
    expect(template.findOutputs('*')).toEqual({});
  });

  it('lets two instances share one stack with no common physical name, dashboard included', () => {
    const { template } = consumerStack((s) => {
      mirrorIn(s, {}, 'Live');
      mirrorIn(s, { workspaces: ['acc_A:test'] }, 'Test');
    });
    expect(dashboardNames(template).sort()).toEqual([
      'Consumer-Live-mirror',
      'Consumer-Test-mirror',
    ]);
    const names = physicalNames(template);
    expect(names).toHaveLength(4); // two buses, two dashboards
    expect(new Set(names).size).toBe(names.length);
  });

  it('names the dashboard after the stack, not the Stage around it', () => {
    const app = new App({ context: bundlesContext() });
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Billing');
    mirrorIn(stack);
    expect(dashboardNames(Template.fromStack(stack))).toEqual(['Prod-Billing-Mirror-mirror']);
  });

  it('gives staging and production stacks of this repository no common physical name, alarm or export', () => {
    const staging = synthApp({ stackName: 'PiriodMirrorStaging' }).template;
    const production = synthApp({ stackName: 'PiriodMirrorProduction' }).template;
    expect(dashboardNames(staging)).toEqual(['PiriodMirrorStaging-mirror']);
    const shared = physicalNames(staging).filter((n) => physicalNames(production).includes(n));
    expect(shared).toEqual([]);
    for (const t of [staging, production]) {
      for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm')))
        expect(alarm.Properties.AlarmName).toBeUndefined();
      for (const output of Object.values(t.findOutputs('*'))) expect(output.Export).toBeUndefined();
    }
  });

  it('refuses a malformed stackName in one line', () => {
    expect(() => synthApp({ stackName: '1 bad' })).toThrow(
      /^context stackName must start with a letter/,
    );
  });

  it('grantRead grants exactly the consumer policy: three reads on the table and its query indexes', () => {
    let mirror: PiriodMirror | undefined;
    const { template } = consumerStack((s) => {
      mirror = mirrorIn(s);
      const role = new iam.Role(s, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      mirror.grantRead(role);
    });
    const readerPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('Reader'),
    );
    const [statement, ...rest] = readerPolicies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    expect(rest).toEqual([]);
    const consumer = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0]?.Properties
      .PolicyDocument.Statement[0];
    expect([...statement.Action].sort()).toEqual([...consumer.Action].sort());
    expect(statement.Resource).toEqual(consumer.Resource);
    expect(mirror?.consumerPolicy).toBeDefined();
  });

  it('grantRequestRefresh grants PutEvents on the bus for refresh requests of piriod.mirror only', () => {
    const { template } = consumerStack((s) => {
      const mirror = mirrorIn(s);
      mirror.grantRequestRefresh(
        new iam.Role(s, 'Ops', { assumedBy: new iam.AccountRootPrincipal() }),
      );
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Ops') }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'events:PutEvents',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MirrorEventBus'), 'Arn'] },
            Condition: {
              StringEquals: {
                'events:source': 'piriod.mirror',
                'events:detail-type': 'Customer Refresh Requested',
              },
            },
          },
        ],
      },
    });
  });

  it('on an existing bus creates none and puts its rules there; changeEventPattern names its workspaces', () => {
    let pattern: events.EventPattern | undefined;
    const { template } = consumerStack((s) => {
      const bus = new events.EventBus(s, 'CompanyBus');
      const mirror = mirrorIn(s, {
        eventBus: bus,
        workspaces: ['acc_A', { id: 'acc_B', testMode: true }],
      });
      pattern = mirror.changeEventPattern;
      expect(mirror.eventBus).toBe(bus);
      expect(mirror.workspace('acc_B').testMode).toBe(true);
      expect(() => mirror.workspace('acc_Z')).toThrow(
        'PiriodMirror: no workspace acc_Z; it mirrors acc_A, acc_B',
      );
    });
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const busRules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern,
    );
    expect(busRules).toHaveLength(2);
    for (const r of busRules) expect(r.Properties.EventBusName.Ref).toMatch(/^CompanyBus/);
    expect(pattern).toEqual({
      source: ['piriod.mirror'],
      detailType: ['Customer Changed'],
      detail: { workspace: ['acc_A', 'acc_B'] },
    });
  });

  it('sends alarms to a given topic and lets CloudWatch publish to it; warns when it cannot', () => {
    const { template } = consumerStack((s) => {
      const topic = new sns.Topic(s, 'Pager', { enforceSSL: true });
      expect(mirrorIn(s, { alarmTopic: topic }).alarmTopic).toBe(topic);
    });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    const { stack } = consumerStack((s) =>
      mirrorIn(s, {
        alarmTopic: sns.Topic.fromTopicArn(
          s,
          'Imported',
          'arn:aws:sns:us-east-1:111111111111:pager',
        ),
      }),
    );
    expect(
      JSON.stringify(Annotations.fromStack(stack).findWarning('*', Match.anyValue())),
    ).toContain('allow cloudwatch.amazonaws.com sns:Publish');
  });

  it('with RemovalPolicy.DESTROY deletes the table (protection off), the secrets, the dead letters and the key', () => {
    const { template } = consumerStack((s) =>
      mirrorIn(s, { removalPolicy: RemovalPolicy.DESTROY }),
    );
    const resources = Object.values(template.toJSON().Resources) as { DeletionPolicy?: string }[];
    expect(resources.filter((r) => r.DeletionPolicy === 'Retain')).toEqual([]);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
  });

  it('takes schedule and batching window as Durations', () => {
    const { template } = consumerStack((s) =>
      mirrorIn(s, { schedule: Duration.hours(1), batchingWindow: Duration.seconds(5) }),
    );
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it.each([
    [
      { workspaces: [] },
      "PiriodMirror: workspaces must list at least one workspace, e.g. ['acc_A'] or [{ id: 'acc_A', testMode: true }]",
    ],
    [
      { workspaces: ['acc_A', 'acc_A'] },
      'PiriodMirror: workspaces names acc_A twice: each workspace once',
    ],
    [
      { workspaces: [{ id: 'acc,B' }] },
      `PiriodMirror: workspaces has {"id":"acc,B"}: give 'acc_…', 'acc_…:test' or { id: 'acc_…', testMode }`,
    ],
    [
      { schedule: Duration.seconds(90) },
      'PiriodMirror: schedule must be whole minutes, got 1 minute 30 seconds',
    ],
    [
      { schedule: Duration.days(1) },
      'PiriodMirror: schedule (minutes) must be a whole number in [1, 720], got 1440',
    ],
    [
      { removalPolicy: RemovalPolicy.SNAPSHOT },
      'PiriodMirror: removalPolicy must be RETAIN or DESTROY, got snapshot',
    ],
    [
      { apiUrl: 'http://api.piriod.com' },
      'PiriodMirror: apiUrl must be an https:// URL, got "http://api.piriod.com"',
    ],
    [
      { workerConcurrency: 1 },
      'PiriodMirror: workerConcurrency must be a whole number in [2, 100], got 1',
    ],
  ] as [Partial<PiriodMirrorProps>, string][])('refuses %j in one line', (props, message) => {
    const stack = new Stack(new App({ context: bundlesContext() }), 'S');
    expect(() => mirrorIn(stack, props)).toThrow(message);
  });

  it('adds the contract’s outputs once per stack, under their exact names', () => {
    const { template } = consumerStack((s) => {
      mirrorIn(s).addStackOutputs();
      const second = mirrorIn(s, {}, 'Second');
      expect(() => second.addStackOutputs()).toThrow(
        'PiriodMirror: stack Consumer has the piriod-mirror outputs already: one instance per stack may add them',
      );
    });
    expect(Object.keys(template.findOutputs('*'))).toContain('RefreshCustomersFunctionName');
  });
});
