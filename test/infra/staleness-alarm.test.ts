import { beforeAll, describe, expect, it } from 'vitest';
import type { PiriodMirrorStack } from '../../infra/app.js';
import { synthApp } from '../support/synth.js';

/*
 * The MirrorStale alarm's definition. There is no CloudWatch here, so these assertions pin
 * what CloudWatch evaluates: the expression, the periods and the missing-data rule.
 */

type MetricQuery = {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: {
      Namespace: string;
      MetricName: string;
      Dimensions: { Name: string; Value: string }[];
    };
    Period: number;
    Stat: string;
  };
};
type AlarmProps = {
  AlarmDescription: string;
  Metrics: MetricQuery[];
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: string;
  AlarmActions: unknown[];
};

let alarm: AlarmProps;
let stack: PiriodMirrorStack;
let metricNames: unknown[];
beforeAll(() => {
  const synth = synthApp({ scheduleMinutes: '20', 'aws:cdk:bundling-stacks': [] });
  stack = synth.stack as PiriodMirrorStack;
  const found = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties as AlarmProps)
    .filter((a) => String(a.AlarmDescription).startsWith('No full mirror of workspace acc_test'));
  expect(found).toHaveLength(1);
  alarm = found[0] as AlarmProps;
  metricNames = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties.MetricName,
  );
});

const query = (id: string) => alarm.Metrics.find((m) => m.Id === id) as MetricQuery;

describe('the MirrorStale alarm of a workspace', () => {
  it('fires on age: every report of three schedule periods in a row older than one period', () => {
    const staleness = query('staleness').MetricStat;
    expect(staleness?.Metric).toEqual({
      Namespace: 'PiriodMirror',
      MetricName: 'MirrorStaleness',
      Dimensions: [
        { Name: 'Workspace', Value: 'acc_test' },
        { Name: 'service', Value: 'full-mirror' },
      ],
    });
    // The freshest report of each 20-minute period.
    expect(staleness).toMatchObject({ Period: 1200, Stat: 'Minimum' });
    expect(alarm).toMatchObject({
      Threshold: 1200,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('fires on missing data: a period without any report reads as stale, and so does no data at all', () => {
    const expression = alarm.Metrics.find((m) => m.ReturnData !== false && m.Expression);
    // A period with no report is filled above the threshold…
    expect(expression?.Expression).toMatch(/FILL\(staleness, (\d+)\)/);
    const filled = Number(/FILL\(staleness, (\d+)\)/.exec(expression?.Expression ?? '')?.[1]);
    expect(filled).toBeGreaterThan(alarm.Threshold);
    // …and an expression with no data at all (the function gone) breaches too.
    expect(alarm.TreatMissingData).toBe('breaching');
  });

  it('stays quiet while the workspace is being configured (its full mirror counts NotConfigured)', () => {
    const expression = alarm.Metrics.find((m) => m.ReturnData !== false && m.Expression);
    expect(expression?.Expression).toMatch(/^IF\(FILL\(notConfigured, 0\) > 0, 0, /);
    expect(query('notConfigured').MetricStat).toMatchObject({
      Metric: {
        MetricName: 'NotConfigured',
        Dimensions: [
          { Name: 'Workspace', Value: 'acc_test' },
          { Name: 'service', Value: 'full-mirror' },
        ],
      },
      Period: 1200,
      Stat: 'Sum',
    });
  });

  it('is the metric the stack exposes as metricStaleness(workspace)', () => {
    const metric = stack.mirror.metricStaleness('acc_test');
    expect(metric.metricName).toBe('MirrorStaleness');
    expect(metric.dimensions).toEqual({ service: 'full-mirror', Workspace: 'acc_test' });
    expect(metric.period.toSeconds()).toBe(1200);
    expect(metric.statistic).toBe('Minimum');
  });

  it('replaces MirrorStalled: no alarm reads MirrorCompleted any more', () => {
    expect(metricNames).not.toContain('MirrorCompleted');
    expect(alarm.AlarmDescription).toMatch(/3 schedule periods \(60 min\)/);
  });
});
