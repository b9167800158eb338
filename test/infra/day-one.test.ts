import { describe, expect, it } from 'vitest';
import { notConfiguredPeriodHours } from '../../infra/not-configured-alarm.js';
import { synthApp } from '../support/synth.js';

// No bundling: alarms and policies are all this file checks.
const { template } = synthApp({ 'aws:cdk:bundling-stacks': [] });
type Props = Record<string, unknown>;
const resources = (type: string) =>
  Object.entries(template.findResources(type)) as [string, { Properties: Props }][];

describe('a deployment not configured yet', () => {
  const notConfigured = resources('AWS::CloudWatch::Alarm').filter(
    ([, a]) => a.Properties.MetricName === 'NotConfigured',
  );

  it('notifies only when every hour of a whole day counted a tick without a token', () => {
    expect(notConfigured).toHaveLength(1);
    const [, alarm] = notConfigured[0]!;
    expect(alarm.Properties).toMatchObject({
      Namespace: 'PiriodMirror',
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 24,
      DatapointsToAlarm: 24,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      // Configured (or deployed less than a day ago): no ticks counted, nothing to say.
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Properties.Dimensions).toEqual([
      { Name: 'Workspace', Value: 'acc_test' },
      { Name: 'service', Value: 'full-mirror' },
    ]);
  });

  it('notifies once: an alarm action, no OK action', () => {
    const [, alarm] = notConfigured[0]!;
    expect(alarm.Properties.AlarmActions).toHaveLength(1);
    expect(alarm.Properties.OKActions).toBeUndefined();
  });

  it('names the secret to set', () => {
    const [, alarm] = notConfigured[0]!;
    const description = JSON.stringify(alarm.Properties.AlarmDescription);
    expect(description).toMatch(/put-secret-value --secret-id /);
    expect(description).toMatch(/"Ref":"ApiTokenSecret3A926DEB"/);
  });

  it('looks at periods that each hold a tick, and a day in all, whatever the schedule', () => {
    for (const minutes of [1, 15, 60, 61, 119, 180, 300, 480, 720]) {
      const hours = notConfiguredPeriodHours(minutes);
      expect(hours * 60, `${minutes} min`).toBeGreaterThanOrEqual(minutes);
      expect(24 % hours, `${minutes} min`).toBe(0);
    }
    expect(notConfiguredPeriodHours(300)).toBe(6);
  });
});

describe('the operator policy', () => {
  const policies = resources('AWS::IAM::ManagedPolicy').filter(([id]) =>
    id.startsWith('OperatorPolicy'),
  );

  it('is one managed policy, attached to none of the stack’s roles, output as OperatorPolicyArn', () => {
    expect(policies).toHaveLength(1);
    const [id, policy] = policies[0]!;
    expect(policy.Properties.Roles).toBeUndefined();
    expect(template.findOutputs('OperatorPolicyArn')).toEqual({
      OperatorPolicyArn: expect.objectContaining({ Value: { Ref: id } }),
    });
  });

  it('names this stack’s resources only: no wildcard resource', () => {
    const [, policy] = policies[0]!;
    const statements = (policy.Properties.PolicyDocument as { Statement: Props[] }).Statement;
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(JSON.stringify(statements.map((s) => s.Resource))).not.toMatch(/"\*"|:\*"/);
  });
});
