import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ALARMED_METRICS, METRICS_NAMESPACE } from '../lib/lambda/metric-names.js';
import {
  EVENT_SOURCE,
  MIRROR_COMPLETED,
  MIRROR_CONTINUED,
  MIRROR_FAILED,
} from '../lib/messages/event-names.js';

/*
 * How current each workspace's mirror is, in CloudWatch: the `MirrorStaleness` metric that
 * full-mirror emits, its alarm, and full-mirror's grant to announce cycles on the bus.
 */

/** Periods without a completed cycle before the MirrorStale alarm fires, by default. */
const STALE_AFTER_PERIODS = 3;

/**
 * full-mirror's `MirrorStaleness` of `workspace`: seconds since the workspace's last completed
 * cycle, emitted on every invocation once one has completed. Its Minimum over a schedule
 * period is the freshest report of that period (0 when a cycle completed in it).
 */
export function metricStaleness(
  workspace: string,
  scheduleMinutes: number,
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: ALARMED_METRICS.mirrorStaleness,
    dimensionsMap: { service: 'full-mirror', Workspace: workspace },
    statistic: 'Minimum',
    period: Duration.minutes(scheduleMinutes),
    unit: cloudwatch.Unit.SECONDS,
    ...props,
  });
}

/** Options of {@link stalenessAlarm}. */
export interface StalenessAlarmOptions {
  workspace: string;
  scheduleMinutes: number;
  /** Default {@link STALE_AFTER_PERIODS}. */
  staleAfterPeriods?: number;
}

/**
 * The MirrorStale alarm of one workspace: it fires when, for `staleAfterPeriods` schedule
 * periods in a row, no report says a cycle completed within the last period — every report
 * is older, or there is no report at all (the schedule disabled, the function deleted or
 * failing before it reports). Missing data breaches: that is what a mirror that stopped
 * looks like.
 *
 * A workspace still being configured is not stale: its full mirror ends quietly and counts
 * `NotConfigured` instead of mirroring, and a period with such a count reads 0 (fresh). The
 * staleness itself is only emitted once a cycle has completed, so before the token is set
 * nothing claims an age; once it is set, the first cycle has `staleAfterPeriods` periods to
 * complete. The expression:
 * `IF(FILL(notConfigured, 0) > 0, 0, FILL(staleness, <one period over the threshold>))`.
 */
export function stalenessAlarm(
  scope: Construct,
  id: string,
  options: StalenessAlarmOptions,
): cloudwatch.Alarm {
  const { workspace, scheduleMinutes } = options;
  const periods = options.staleAfterPeriods ?? STALE_AFTER_PERIODS;
  const period = Duration.minutes(scheduleMinutes);
  const threshold = period.toSeconds();
  const notConfigured = new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: ALARMED_METRICS.notConfigured,
    dimensionsMap: { service: 'full-mirror', Workspace: workspace },
    statistic: 'Sum',
    period,
  });
  const expression = new cloudwatch.MathExpression({
    expression: `IF(FILL(notConfigured, 0) > 0, 0, FILL(staleness, ${threshold * 2}))`,
    usingMetrics: {
      staleness: metricStaleness(workspace, scheduleMinutes),
      notConfigured,
    },
    period,
    label: `Seconds since the last completed full mirror of ${workspace}`,
  });
  return expression.createAlarm(scope, id, {
    alarmDescription: `No full mirror of workspace ${workspace} completed for ${periods} schedule periods (${periods * scheduleMinutes} min), or full-mirror stopped reporting (schedule disabled, function gone): the mirror is stale. \`piriod-mirror status --workspace ${workspace}\` shows its last cycle and last failure`,
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}

/**
 * The statement that lets full-mirror put exactly its own events on the bus, from the
 * product's source: its continuations, "Mirror Completed" and "Mirror Failed".
 */
export function mirrorEventsStatement(busArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['events:PutEvents'],
    resources: [busArn],
    conditions: {
      StringEquals: {
        'events:source': EVENT_SOURCE,
        'events:detail-type': [MIRROR_CONTINUED, MIRROR_COMPLETED, MIRROR_FAILED],
      },
    },
  });
}
