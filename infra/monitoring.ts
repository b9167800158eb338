import { Annotations, Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ALARMED_METRICS,
  CYCLE_METRICS,
  METRICS_NAMESPACE,
  WORKSPACE_DIMENSION,
} from '../lib/lambda/metric-names.js';
import { stalenessAlarm } from './staleness-alarm.js';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  functions: {
    fullMirror: lambda.IFunction;
    worker: lambda.IFunction;
    receiver: lambda.IFunction;
    /** The "Customer Changed" stream consumer, when the deployment publishes changes. */
    publisher?: lambda.IFunction;
  };
  refreshQueue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  scheduleMinutes: number;
  /** The workspaces' ids: full-mirror's metrics, and so its alarm and widgets, are per workspace. */
  workspaces: readonly string[];
  /** A topic of the user's for the alarms; otherwise the construct makes its own. */
  alarmTopic: sns.ITopic | undefined;
  /** Of the own topic's key. */
  removalPolicy: RemovalPolicy;
  /** Unique in the account and region: the stack's name and the construct's path. */
  dashboardName: string;
}

const OUTCOMES = ['created', 'updated', 'unchanged', 'stale', 'deleted', 'failed'] as const;

/** The dimension that splits full-mirror's and the worker's outcome metrics by workspace. */

/**
 * Alarms (DLQ not empty, refresh backlog age, function errors and throttles, no completed
 * full mirror of a workspace in three periods: MirrorStale) to an encrypted SNS topic, and a dashboard of
 * the full mirror's and the refreshes' metrics.
 */
export class Monitoring extends Construct {
  readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = props.alarmTopic ?? this.ownTopic(props.removalPolicy);
    this.letCloudWatchPublish(this.topic);
    const notify = new actions.SnsAction(this.topic);
    const alarm = (name: string, a: cloudwatch.Alarm) => {
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      return name;
    };

    const { fullMirror, worker, receiver, publisher } = props.functions;
    alarm(
      'DeadLetters',
      props.deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) })
        .createAlarm(this, 'DeadLettersAlarm', {
          alarmDescription:
            'Customers could not be mirrored, or a full-mirror invocation failed or expired: inspect the dead-letter queue (message attribute "reason", or the Lambda failure record in the body) and redrive',
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
    alarm(
      'RefreshBacklog',
      props.refreshQueue
        .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) })
        .createAlarm(this, 'RefreshBacklogAlarm', {
          alarmDescription:
            'Refresh requests wait over 15 minutes: the worker is failing, throttled or too slow',
          threshold: 900,
          evaluationPeriods: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
    for (const [name, fn] of Object.entries({
      FullMirror: fullMirror,
      RefreshCustomers: worker,
      ReceiveWebhook: receiver,
      ...(publisher ? { PublishChanges: publisher } : {}),
    })) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: Duration.minutes(5) }).createAlarm(this, `${name}ErrorsAlarm`, {
          alarmDescription: `${name} invocations fail`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      alarm(
        `${name}Throttles`,
        fn
          .metricThrottles({ period: Duration.minutes(5) })
          .createAlarm(this, `${name}ThrottlesAlarm`, {
            alarmDescription: `${name} is throttled (reserved concurrency reached)`,
            threshold: 0,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    // One per workspace: a workspace whose cycles stop (a revoked token) must alarm even while
    // the others complete (infra/staleness-alarm.ts: age, missing data, and set-up).
    props.workspaces.forEach((workspace, i) => {
      const id = i === 0 ? 'MirrorStaleAlarm' : `MirrorStaleAlarm-${workspace}`;
      alarm(
        'MirrorStale',
        stalenessAlarm(this, id, { workspace, scheduleMinutes: props.scheduleMinutes }),
      );
    });

    // Failures a handler answers instead of throwing raise no Errors alarm: these do.
    const failures = (service: string, metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const anyFailure = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    alarm(
      'WebhookPublishFailed',
      failures('receive-webhook', ALARMED_METRICS.webhookPublishFailed).createAlarm(
        this,
        'WebhookPublishFailedAlarm',
        {
          alarmDescription:
            'The bus refused refresh requests of verified Piriod webhooks (sent straight to the refresh queue instead, or not processed): check EventBridge and the receiver role',
          ...anyFailure,
        },
      ),
    );
    alarm(
      'WebhookUnprocessed',
      failures('receive-webhook', ALARMED_METRICS.webhookUnprocessed).createAlarm(
        this,
        'WebhookUnprocessedAlarm',
        {
          alarmDescription:
            'Piriod webhooks were acknowledged (202) but not acted on: the bus and the refresh queue both refused, or the signing secret could not be read. The next full mirror catches up; check the receiver logs (reason), EventBridge, SQS and Secrets Manager',
          ...anyFailure,
        },
      ),
    );
    if (publisher) {
      alarm(
        'ChangesPublishFailed',
        failures('publish-changes', ALARMED_METRICS.changesPublishFailed).createAlarm(
          this,
          'ChangesPublishFailedAlarm',
          {
            alarmDescription:
              '"Customer Changed" events could not be published; the stream redelivers for up to 6 h, then replay-changes',
            ...anyFailure,
          },
        ),
      );
      alarm(
        'ChangesIteratorAge',
        publisher
          .metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) })
          .createAlarm(this, 'ChangesIteratorAgeAlarm', {
            alarmDescription:
              'publish-changes is over 10 minutes behind the table stream: change events are delayed',
            threshold: Duration.minutes(10).toMilliseconds(),
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 2,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    const fullMirrorMetric = (workspace: string, name: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: 'full-mirror', [WORKSPACE_DIMENSION]: workspace },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        // Summed over whichever workspaces emitted them: a SEARCH finds every {service,
        // Workspace} series, so the widget needs no line per workspace.
        title: 'Refresh outcomes (refresh-customers, all workspaces)',
        left: OUTCOMES.map(
          (o) =>
            new cloudwatch.MathExpression({
              expression: `SUM(${workspaceSearch('refresh-customers', o, 'Sum', 300)})`,
              label: o,
              period: Duration.minutes(5),
              usingMetrics: {},
            }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        // A percentile does not add up across workspaces: one line per service and workspace.
        title: 'Piriod latency p99 (ms), by workspace',
        left: ['full-mirror', 'refresh-customers'].map(
          (s) =>
            new cloudwatch.MathExpression({
              expression: workspaceSearch(s, 'PiriodLatency', 'p99', 300),
              label: s,
              period: Duration.minutes(5),
              usingMetrics: {},
            }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queues',
        left: [
          props.refreshQueue.metricApproximateNumberOfMessagesVisible(),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        ],
        right: [props.refreshQueue.metricApproximateAgeOfOldestMessage()],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: [fullMirror.metricErrors(), worker.metricErrors(), receiver.metricErrors()],
        width: 8,
      }),
    );
    // A row per workspace: its full mirror's outcomes and cycles.
    for (const workspace of props.workspaces) {
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `Full mirror outcomes (${workspace})`,
          left: OUTCOMES.map((o) => fullMirrorMetric(workspace, o)),
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          // Skipped ticks are normal while a long cycle runs; skips with no completion are not.
          title: `Full mirror cycles (${workspace})`,
          left: Object.values(CYCLE_METRICS).map((m) => fullMirrorMetric(workspace, m)),
          width: 12,
        }),
      );
    }
  }

  /** An encrypted topic of the construct's own. */
  private ownTopic(removalPolicy: RemovalPolicy): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts the piriod-mirror alarm topic',
      removalPolicy,
    });
    return new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
  }

  /**
   * A topic policy replaces SNS's default one, and an encrypted topic's key must let
   * CloudWatch use it: without both grants alarm notifications are dropped silently. Only
   * this account's alarms may use them. A topic or key from outside the stack cannot take a
   * policy statement from here: the synth warns, and the user grants them (docs/deploy.md).
   */
  private letCloudWatchPublish(topic: sns.ITopic): void {
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
      },
    };
    const principal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const published = topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [principal],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    const keyed =
      !topic.masterKey ||
      topic.masterKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToUseTheKey',
          principals: [principal],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: fromOwnAlarms,
        }),
      ).statementAdded;
    if (!published.statementAdded || !keyed) {
      Annotations.of(this).addWarningV2(
        'piriod-mirror:alarm-topic-policy',
        'the alarm topic (or its key) is not in this stack: allow cloudwatch.amazonaws.com sns:Publish on it (and kms:Decrypt, kms:GenerateDataKey* on its key), or alarms are not delivered',
      );
    }
  }
}

/**
 * A CloudWatch SEARCH for `metric` of `service` in every workspace: the series whose
 * dimensions are exactly {service, Workspace}.
 */
function workspaceSearch(
  service: string,
  metric: string,
  statistic: string,
  periodSeconds: number,
): string {
  return `SEARCH('{${METRICS_NAMESPACE},${WORKSPACE_DIMENSION},service} service="${service}" MetricName="${metric}"', '${statistic}', ${periodSeconds})`;
}
