import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ALARMED_METRICS, METRICS_NAMESPACE } from '../lib/lambda/metric-names.js';

/** Props of {@link notConfiguredAlarms}. */
export interface NotConfiguredAlarmsProps {
  /** Each workspace with the ARN of its API token secret, which the alarm names. */
  workspaces: readonly { id: string; apiTokenSecretArn: string }[];
  scheduleMinutes: number;
  topic: sns.ITopic;
}

/** How long set-up may take before it is worth a notification. */
const GRACE_HOURS = 24;

/**
 * The evaluation period, in hours, of the NotConfigured alarm: the shortest one that divides
 * a day and still holds at least one schedule tick, so "every period of the last day" means
 * "every tick of the last day" (CloudWatch looks back one day at most).
 */
export function notConfiguredPeriodHours(scheduleMinutes: number): number {
  const atLeast = Math.ceil(scheduleMinutes / 60);
  const hours = [1, 2, 3, 4, 6, 8, 12, 24].find((h) => h >= atLeast);
  if (hours === undefined) throw new Error(`a schedule of ${scheduleMinutes} min exceeds a day`);
  return hours;
}

/**
 * One alarm per workspace on full-mirror's `NotConfigured` count: in ALARM only when every
 * period of the last day counted a tick that found no API token, so set-up notifies no one
 * on its first day, and a deployment still not configured a day later notifies once (an
 * alarm action only: setting the token returns it to OK silently). The description names the
 * secret to set.
 */
export function notConfiguredAlarms(
  scope: Construct,
  props: NotConfiguredAlarmsProps,
): cloudwatch.Alarm[] {
  const hours = notConfiguredPeriodHours(props.scheduleMinutes);
  const periods = GRACE_HOURS / hours;
  const notify = new actions.SnsAction(props.topic);
  return props.workspaces.map((w, i) => {
    const alarm = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: ALARMED_METRICS.notConfigured,
      dimensionsMap: { service: 'full-mirror', Workspace: w.id },
      statistic: 'Sum',
      period: Duration.hours(hours),
    }).createAlarm(scope, i === 0 ? 'NotConfiguredAlarm' : `NotConfiguredAlarm-${w.id}`, {
      alarmDescription: `Workspace ${w.id} is still not configured a day after the deploy: its full mirror has nothing to read. Set its Piriod API token: aws secretsmanager put-secret-value --secret-id ${w.apiTokenSecretArn} --secret-string file://token.txt (docs/deploy.md)`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      // No tick counted: configured, or not deployed long enough. Nothing to say.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(notify);
    return alarm;
  });
}
