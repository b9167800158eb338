import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALARMED_METRICS, METRICS_NAMESPACE } from '../lib/lambda/metric-names.js';
import { stalenessAlarm } from './staleness-alarm.js';

/** Sends an alarm's state changes to the alarm topic. */
export type NotifyOnAlarm = (alarm: cloudwatch.Alarm) => void;

/** The functions whose errors and throttles alarm. */
export interface AlarmedFunctions {
  fullMirror: lambda.IFunction;
  worker: lambda.IFunction;
  receiver: lambda.IFunction;
  /** The "Customer Changed" stream consumer, when the deployment publishes changes. */
  publisher?: lambda.IFunction;
}

/** Any value over zero in one period breaches. */
const ANY_OVER_ZERO = {
  threshold: 0,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  evaluationPeriods: 1,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
};

/** The dead-letter queue not empty, and refresh requests waiting too long. */
export function queueAlarms(
  scope: Construct,
  queues: { refreshQueue: sqs.IQueue; deadLetterQueue: sqs.IQueue },
  notify: NotifyOnAlarm,
): void {
  notify(
    queues.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) })
      .createAlarm(scope, 'DeadLettersAlarm', {
        alarmDescription:
          'Customers could not be mirrored, or a full-mirror invocation failed or expired: inspect the dead-letter queue (message attribute "reason", or the Lambda failure record in the body) and redrive',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
  );
  notify(
    queues.refreshQueue
      .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) })
      .createAlarm(scope, 'RefreshBacklogAlarm', {
        alarmDescription:
          'Refresh requests wait over 15 minutes: the worker is failing, throttled or too slow',
        threshold: 900,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
  );
}

/** Errors and throttles of each function. */
export function functionAlarms(
  scope: Construct,
  functions: AlarmedFunctions,
  notify: NotifyOnAlarm,
): void {
  const { fullMirror, worker, receiver, publisher } = functions;
  for (const [name, fn] of Object.entries({
    FullMirror: fullMirror,
    RefreshCustomers: worker,
    ReceiveWebhook: receiver,
    ...(publisher ? { PublishChanges: publisher } : {}),
  })) {
    notify(
      fn.metricErrors({ period: Duration.minutes(5) }).createAlarm(scope, `${name}ErrorsAlarm`, {
        alarmDescription: `${name} invocations fail`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    notify(
      fn
        .metricThrottles({ period: Duration.minutes(5) })
        .createAlarm(scope, `${name}ThrottlesAlarm`, {
          alarmDescription: `${name} is throttled (reserved concurrency reached)`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
  }
}

/**
 * One MirrorStale alarm per workspace: a workspace whose cycles stop (a revoked token) must
 * alarm even while the others complete (infra/staleness-alarm.ts: age, missing data, and
 * set-up).
 */
export function workspaceAlarms(
  scope: Construct,
  props: { workspaces: readonly string[]; scheduleMinutes: number },
  notify: NotifyOnAlarm,
): void {
  props.workspaces.forEach((workspace, i) => {
    const id = i === 0 ? 'MirrorStaleAlarm' : `MirrorStaleAlarm-${workspace}`;
    notify(stalenessAlarm(scope, id, { workspace, scheduleMinutes: props.scheduleMinutes }));
  });
}

/**
 * Failures a handler answers instead of throwing raise no Errors alarm: these do. With a
 * publisher, also its failed publishes and its lag behind the table stream.
 */
export function handledFailureAlarms(
  scope: Construct,
  publisher: lambda.IFunction | undefined,
  notify: NotifyOnAlarm,
): void {
  notify(
    failures('receive-webhook', ALARMED_METRICS.webhookPublishFailed).createAlarm(
      scope,
      'WebhookPublishFailedAlarm',
      {
        alarmDescription:
          'The bus refused refresh requests of verified Piriod webhooks (sent straight to the refresh queue instead, or not processed): check EventBridge and the receiver role',
        ...ANY_OVER_ZERO,
      },
    ),
  );
  notify(
    failures('receive-webhook', ALARMED_METRICS.webhookUnprocessed).createAlarm(
      scope,
      'WebhookUnprocessedAlarm',
      {
        alarmDescription:
          'Piriod webhooks were acknowledged (202) but not acted on: the bus and the refresh queue both refused, or the signing secret could not be read. The next full mirror catches up; check the receiver logs (reason), EventBridge, SQS and Secrets Manager',
        ...ANY_OVER_ZERO,
      },
    ),
  );
  if (!publisher) return;
  notify(
    failures('publish-changes', ALARMED_METRICS.changesPublishFailed).createAlarm(
      scope,
      'ChangesPublishFailedAlarm',
      {
        alarmDescription:
          '"Customer Changed" events could not be published; the stream redelivers for up to 6 h, then replay-changes',
        ...ANY_OVER_ZERO,
      },
    ),
  );
  notify(
    publisher
      .metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) })
      .createAlarm(scope, 'ChangesIteratorAgeAlarm', {
        alarmDescription:
          'publish-changes is over 10 minutes behind the table stream: change events are delayed',
        threshold: Duration.minutes(10).toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
  );
}

/** A handled-failure count of `service`, summed per five minutes. */
function failures(service: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });
}
