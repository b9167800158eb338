import { Annotations, Aws, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type AlarmedFunctions,
  functionAlarms,
  handledFailureAlarms,
  queueAlarms,
  workspaceAlarms,
} from './monitoring-alarms.js';
import { addDashboard } from './monitoring-dashboard.js';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  functions: AlarmedFunctions;
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

/**
 * Alarms (DLQ not empty, refresh backlog age, function errors and throttles, no completed
 * full mirror of a workspace in three periods: MirrorStale) to an encrypted SNS topic, and a
 * dashboard of the full mirror's and the refreshes' metrics.
 */
export class Monitoring extends Construct {
  readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = props.alarmTopic ?? this.ownTopic(props.removalPolicy);
    this.letCloudWatchPublish(this.topic);
    const action = new actions.SnsAction(this.topic);
    const notify = (a: cloudwatch.Alarm) => {
      a.addAlarmAction(action);
      a.addOkAction(action);
    };
    queueAlarms(this, props, notify);
    functionAlarms(this, props.functions, notify);
    workspaceAlarms(this, props, notify);
    handledFailureAlarms(this, props.functions.publisher, notify);
    addDashboard(this, props);
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
