import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SECRET_PLACEHOLDER } from '../lib/aws/secret-value.js';
import { formatWorkspaceList } from '../lib/customer/workspaces.js';
import { CUSTOMER_CHANGED, EVENT_SOURCE, REFRESH_REQUESTED } from '../lib/messages/event-names.js';
import { scheduleInput } from '../lib/messages/events.js';
import {
  BUS_RULES,
  REFRESH_QUEUE,
  refreshVisibilityTimeoutSeconds,
  WORKER_TIMEOUT_SECONDS,
} from '../lib/messages/routing.js';
import {
  INDEXES,
  PARTITION_KEY,
  TTL_ATTRIBUTE,
  VERSION_INDEX,
} from '../lib/store/table-definition.js';
import { consumerReadPolicy } from './consumer-policy.js';
import { MirrorFunction } from './mirror-function.js';
import { Monitoring } from './monitoring.js';
import { notConfiguredAlarms } from './not-configured-alarm.js';
import { operatorPolicy } from './operator-policy.js';
import {
  fullMirrorConcurrency,
  type MirrorStackConfig,
  PLACEHOLDER_WORKSPACE,
  requiredAccountConcurrency,
} from './stack-config.js';
import { metricStaleness, mirrorEventsStatement } from './staleness-alarm.js';

/** The stack's outputs (**contract**): operators, the docs and `doctor` rely on these names. */
export const STACK_OUTPUTS = [
  'TableName',
  'TableArn',
  'EventBusName',
  'WebhookUrl',
  'RefreshQueueUrl',
  'RefreshQueueArn',
  'DeadLetterQueueUrl',
  'DeadLetterQueueArn',
  'AlarmTopicArn',
  'ApiTokenSecretArn',
  'WebhookSecretArn',
  'FullMirrorFunctionName',
  'SyncCustomersFunctionName',
  'ScheduleRuleName',
  'ConsumerPolicyArn',
  'OperatorPolicyArn',
  'ApiTokenSecretArns',
  'WebhookSecretArns',
] as const;

/**
 * Logical ids of resources that deployed stacks already hold, where a new id would replace
 * the resource: data (the table, the queues' messages, the secrets' values) or a mapping
 * Lambda allows only once per queue and function. A test pins them. The secrets are the
 * first listed workspace's: a one-workspace stack that grows keeps its secrets' values.
 */
export const DEPLOYED_LOGICAL_IDS = {
  table: 'CustomersTableB554B793',
  eventBus: 'EventBus7B8748AA',
  refreshQueue: 'RefreshQueue83549414',
  deadLetterQueue: 'DeadLetterQueue9F481546',
  apiTokenSecret: 'ApiTokenSecret3A926DEB',
  webhookSecret: 'WebhookSecretF21E29CC',
  // Not data, but ScheduleRuleName names it: the first workspace's schedule keeps it.
  scheduleRule: 'ScheduleRuleDA5BD877',
  refreshQueueSource: 'SyncCustomersFunctionSqsEventSourcePiriodMirrorRefreshQueueEFB60F7779F8234F',
  tableStreamSource: 'PublishChangesFunctionTableStream639640F5',
} as const;

/** One of {@link STACK_OUTPUTS}. */
export type StackOutputName = (typeof STACK_OUTPUTS)[number];

/**
 * Construct id of a per-workspace resource: the first workspace keeps the id a one-workspace
 * stack deployed it under; the others get ids derived from their workspace id, so adding or
 * removing one workspace never replaces another's secrets.
 */
function workspaceConstructId(base: string, index: number, workspace: string): string {
  return index === 0 ? base : `${base}-${workspace}`;
}

/** Props of the {@link PiriodMirrorStack}. */
export interface PiriodMirrorStackProps extends StackProps {
  config: MirrorStackConfig;
}

/** Worker timeout; the queue's visibility timeout is sized from it. */
const WORKER_TIMEOUT = Duration.seconds(WORKER_TIMEOUT_SECONDS);
/** Lambda keeps an asynchronous event at most 6 hours. */
const MAX_EVENT_AGE_MINUTES = 360;
/** Redeliveries before SQS moves a message to the dead-letter queue itself. */
const MAX_RECEIVE_COUNT = REFRESH_QUEUE.maxReceiveCount;

/**
 * The whole product in one stack: the customers table, the custom event bus and its rules,
 * the refresh and dead-letter queues, the three functions with least-privilege grants,
 * the webhook's Function URL, the secrets, alarms and a dashboard.
 */
export class PiriodMirrorStack extends Stack {
  private readonly scheduleMinutes: number;

  constructor(scope: Construct, id: string, props: PiriodMirrorStackProps) {
    super(scope, id, props);
    const config = props.config;
    this.scheduleMinutes = config.scheduleMinutes;
    const workspaces = config.workspaces;
    if (workspaces.some((w) => w.id === PLACEHOLDER_WORKSPACE)) {
      Annotations.of(this).addWarningV2(
        'piriod-mirror:placeholder-workspace',
        `synthesized with the placeholder workspace ${PLACEHOLDER_WORKSPACE}: deploy with -c workspace=acc_…`,
      );
    }

    // Reserved concurrency fails the deploy on accounts below 100 + the reservations.
    const reserve = (n: number) => (config.reservedConcurrency ? n : undefined);
    if (config.reservedConcurrency) {
      Annotations.of(this).addInfo(
        `reserves ${requiredAccountConcurrency(config) - 100} concurrent executions: the account's Lambda concurrency must be at least ${requiredAccountConcurrency(config)}; deploy with -c reservedConcurrency=false otherwise`,
      );
    }

    const table = new dynamodb.TableV2(this, 'CustomersTable', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Reserved items that expire (doctor's canaries) carry it; customers never do.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // "Customer Changed" events are derived from the stream, so no write goes unannounced.
      dynamoStream:
        config.tableStream || config.publishChanges
          ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES
          : undefined,
      globalSecondaryIndexes: INDEXES.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey
          ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } }
          : {}),
        ...(index.include
          ? {
              projectionType: dynamodb.ProjectionType.INCLUDE,
              nonKeyAttributes: [...index.include],
            }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      })),
    });

    const bus = new events.EventBus(this, 'EventBus', {
      description: 'piriod-mirror refresh requests and changes',
    });

    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const refreshQueue = new sqs.Queue(this, 'RefreshQueue', {
      visibilityTimeout: Duration.seconds(
        refreshVisibilityTimeoutSeconds(config.batchingWindowSeconds),
      ),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    // Per workspace: its API token, and the signing secret of its webhook endpoint (Piriod
    // signs each endpoint with its own).
    const secrets = workspaces.map((w, i) => ({
      workspace: w,
      apiToken: workspaceSecret(
        this,
        workspaceConstructId('ApiTokenSecret', i, w.id),
        `Piriod API token for workspace ${w.id}; set it with put-secret-value`,
      ),
      webhook: workspaceSecret(
        this,
        workspaceConstructId('WebhookSecret', i, w.id),
        // The first keeps the description it was deployed with: an upgrade to several
        // workspaces then leaves that secret's resource untouched.
        i === 0
          ? 'Signing secret (whsecret_…) of the Piriod webhook; set it with put-secret-value'
          : `Signing secret (whsecret_…) of the Piriod webhook of workspace ${w.id}; set it with put-secret-value`,
      ),
    }));
    const [first] = secrets;
    if (!first) throw new Error('a stack mirrors at least one workspace');
    // JSON maps workspace → secret ARN, as the functions and the outputs carry them.
    const arnMap = (pick: (s: (typeof secrets)[number]) => secretsmanager.Secret) =>
      Stack.of(this).toJsonString(
        Object.fromEntries(secrets.map((s) => [s.workspace.id, pick(s).secretArn])),
      );
    const apiTokenArns = arnMap((s) => s.apiToken);
    const webhookSecretArns = arnMap((s) => s.webhook);
    const workspaceList = formatWorkspaceList(workspaces);

    const piriodEnv = {
      PIRIOD_API_URL: config.apiUrl,
      PIRIOD_WORKSPACES: workspaceList,
      PIRIOD_API_TOKEN_SECRET_ARNS: apiTokenArns,
      CUSTOMERS_TABLE: table.tableName,
      EVENT_BUS_NAME: bus.eventBusName,
      POWERTOOLS_METRICS_NAMESPACE: 'PiriodMirror',
    };

    const fullMirror = new MirrorFunction(this, 'FullMirror', {
      name: 'full-mirror',
      description: 'Scheduled full mirror of Piriod customers',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      logRetentionDays: config.logRetentionDays,
      // Room for each workspace's cycle and a tick that finds it running (stack-config.ts);
      // the workspace's lease keeps one cycle at a time.
      reservedConcurrentExecutions: reserve(fullMirrorConcurrency(workspaces.length)),
      environment: {
        ...piriodEnv,
        REFRESH_QUEUE_URL: refreshQueue.queueUrl,
        // The cycle lease outlasts each invocation by one period (see the invoke config below).
        FULL_MIRROR_SCHEDULE_MINUTES: String(config.scheduleMinutes),
      },
    });
    // Asynchronous invokes (schedule ticks, continuations): a tick older than one period is
    // superseded by the next one, so it is dropped rather than queued for Lambda's default
    // 6 h; one retry; and a failed or expired invocation lands in the dead-letter queue (with
    // its alarm) instead of nowhere. Lambda sends it with the function's role (SendMessage, below).
    new lambda.EventInvokeConfig(this, 'FullMirrorInvokeConfig', {
      function: fullMirror.fn,
      maxEventAge: Duration.minutes(Math.min(config.scheduleMinutes, MAX_EVENT_AGE_MINUTES)),
      retryAttempts: 1,
      onFailure: { bind: () => ({ destination: deadLetterQueue.queueArn }) },
    });
    // The refresh worker keeps the construct id it was deployed with ("SyncCustomers"): a new
    // one would replace the function and its SQS mapping (DEPLOYED_LOGICAL_IDS), and rename
    // its output and alarms, which operators have wired up.
    const worker = new MirrorFunction(this, 'SyncCustomers', {
      name: 'refresh-customers',
      description: 'Refreshes customers from the refresh queue',
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      logRetentionDays: config.logRetentionDays,
      reservedConcurrentExecutions: reserve(config.workerConcurrency),
      environment: { ...piriodEnv, DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl },
    });
    const receiver = new MirrorFunction(this, 'ReceiveWebhook', {
      name: 'receive-webhook',
      description: 'Verifies Piriod webhooks and requests refreshes',
      timeout: Duration.seconds(10),
      memorySize: 256,
      logRetentionDays: config.logRetentionDays,
      // Its URL is public: a flood must not drain the account's concurrency.
      reservedConcurrentExecutions: reserve(config.receiverConcurrency),
      environment: {
        EVENT_BUS_NAME: bus.eventBusName,
        // Where a refresh goes when the bus refuses it: the bus rule's own target.
        REFRESH_QUEUE_URL: refreshQueue.queueUrl,
        PIRIOD_WORKSPACES: workspaceList,
        PIRIOD_WEBHOOK_SECRET_ARNS: webhookSecretArns,
      },
    });

    // Least privilege, proven by test/integration/functions/permissions.test.ts: each role
    // holds exactly what its function's recorded AWS calls and Lambda (on its behalf) use.
    // Explicit statements rather than CDK's grant helpers, which add actions nothing calls
    // (DescribeSecret, GetQueueUrl, GetQueueAttributes).
    const allow = (actions: string[], resources: string[]) =>
      new iam.PolicyStatement({ actions, resources });
    // A Query on an index is authorized on the index's ARN; the table's ARN does not cover it.
    const versionIndexArn = `${table.tableArn}/index/${VERSION_INDEX.name}`;
    fullMirror.role.addToPolicy(allow(['dynamodb:Query'], [versionIndexArn]));
    // GetItem: the store re-reads an item when a conditional write fails without returning it
    // (the item was deleted meanwhile).
    // UpdateItem: the full mirror adds items written before the version index to it.
    fullMirror.role.addToPolicy(
      allow(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'], [table.tableArn]),
    );
    worker.role.addToPolicy(
      allow(
        ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'],
        [table.tableArn],
      ),
    );
    for (const role of [fullMirror.role, worker.role]) {
      role.addToPolicy(
        allow(
          ['secretsmanager:GetSecretValue'],
          secrets.map((s) => s.apiToken.secretArn),
        ),
      );
    }
    receiver.role.addToPolicy(
      allow(
        ['secretsmanager:GetSecretValue'],
        secrets.map((s) => s.webhook.secretArn),
      ),
    );
    // The refresh queue for hand-offs; the dead-letter queue for Lambda's failure records of
    // its asynchronous invocations (the invoke config above).
    fullMirror.role.addToPolicy(
      allow(['sqs:SendMessage'], [refreshQueue.queueArn, deadLetterQueue.queueArn]),
    );
    worker.role.addToPolicy(allow(['sqs:SendMessage'], [deadLetterQueue.queueArn]));
    // The receiver's fallback when the bus refuses. The queue is SQS-managed encrypted (SSE-SQS),
    // so no KMS grant is needed.
    receiver.role.addToPolicy(allow(['sqs:SendMessage'], [refreshQueue.queueArn]));
    // Lambda's poller of the refresh queue works with the worker's role: the three actions
    // Lambda documents for an SQS event source (AWSLambdaSQSQueueExecutionRole's).
    worker.role.addToPolicy(
      allow(
        ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        [refreshQueue.queueArn],
      ),
    );
    // Each role may put only the events its function publishes.
    const putEvents = (detailType: string) =>
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: {
          StringEquals: { 'events:source': EVENT_SOURCE, 'events:detail-type': detailType },
        },
      });
    // Its continuations, and "Mirror Completed" / "Mirror Failed".
    fullMirror.role.addToPolicy(mirrorEventsStatement(bus.eventBusArn));
    receiver.role.addToPolicy(putEvents(REFRESH_REQUESTED));

    // A mapping without SqsEventSource, whose grant adds GetQueueUrl: the poller's actions are above.
    const refreshSource = worker.fn.addEventSourceMapping('RefreshQueueSource', {
      eventSourceArn: refreshQueue.queueArn,
      batchSize: REFRESH_QUEUE.batchSize,
      // Coalesces bursts (a flood of webhooks for one customer) into one fetch per batch.
      maxBatchingWindow: Duration.seconds(config.batchingWindowSeconds),
      reportBatchItemFailures: true,
      // Never above the worker's reserved concurrency: pollers beyond it only get throttled.
      maxConcurrency: config.workerConcurrency,
    });
    // The logical id SqsEventSource gave this mapping: a new id would make CloudFormation
    // create a second mapping for the same queue and function before deleting the old one,
    // which Lambda refuses (ResourceConflictException), and the upgrade would roll back.
    (refreshSource.node.defaultChild as lambda.CfnEventSourceMapping).overrideLogicalId(
      DEPLOYED_LOGICAL_IDS.refreshQueueSource,
    );

    // The bus's rules come from the definition the dev runtime routes by as well.
    const targetOf = {
      'refresh-queue': new targets.SqsQueue(refreshQueue, { deadLetterQueue }),
      'full-mirror': new targets.LambdaFunction(fullMirror.fn, {
        deadLetterQueue,
        retryAttempts: 2,
      }),
    };
    for (const rule of BUS_RULES) {
      new events.Rule(this, rule.id, {
        eventBus: bus,
        description: rule.description,
        eventPattern: { source: rule.pattern.source, detailType: rule.pattern['detail-type'] },
        targets: [targetOf[rule.target]],
      });
    }
    // One schedule per workspace, naming it in a constant input: each workspace's cycle runs
    // on its own, so one failing (a revoked token) never stops another's.
    const schedules = workspaces.map(
      (w, i) =>
        new events.Rule(this, workspaceConstructId('ScheduleRule', i, w.id), {
          description: `Full mirror of Piriod customers of workspace ${w.id}`,
          schedule: events.Schedule.rate(Duration.minutes(config.scheduleMinutes)),
          targets: [
            new targets.LambdaFunction(fullMirror.fn, {
              deadLetterQueue,
              retryAttempts: 2,
              event: events.RuleTargetInput.fromObject(scheduleInput(w.id)),
            }),
          ],
        }),
    );

    let publisher: MirrorFunction | undefined;
    if (config.publishChanges) {
      publisher = new MirrorFunction(this, 'PublishChanges', {
        name: 'publish-changes',
        description: 'Publishes "Customer Changed" for every write, from the table stream',
        timeout: Duration.seconds(30),
        memorySize: 256,
        logRetentionDays: config.logRetentionDays,
        environment: { EVENT_BUS_NAME: bus.eventBusName },
      });
      const streamArn = table.tableStreamArn as string;
      publisher.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [streamArn],
        }),
      );
      // Lambda's stream poller lists streams too; ListStreams has no resource-level
      // permissions (IAM authorizes it on "*" only), so a stream-ARN grant would be denied.
      const listStreams = allow(['dynamodb:ListStreams'], ['*']);
      publisher.role.addToPolicy(listStreams);
      Validations.of(publisher.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams supports no resource-level permissions: IAM authorizes it on "*" only. It lists stream ARNs, no data.',
      });
      publisher.role.addToPolicy(putEvents(CUSTOMER_CHANGED));
      // Lambda sends the positions of failed batches to the on-failure destination with this role.
      publisher.role.addToPolicy(allow(['sqs:SendMessage'], [deadLetterQueue.queueArn]));
      publisher.fn.addEventSourceMapping('TableStream', {
        eventSourceArn: streamArn,
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // Six hours of retries, well inside the stream's 24 h retention: the on-failure
        // message (shard and sequence numbers only) then still points at readable records,
        // and `replay-changes` re-publishes the window from the table. The IteratorAge and
        // ChangesPublishFailed alarms fire within minutes, long before that.
        retryAttempts: 10_000,
        maxRecordAge: Duration.hours(6),
        // Not SqsDlq, whose grant adds GetQueueAttributes and GetQueueUrl; SendMessage is above.
        onFailure: { bind: () => ({ destination: deadLetterQueue.queueArn }) },
      });
    }

    const url = receiver.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    const monitoring = new Monitoring(this, 'Monitoring', {
      functions: {
        fullMirror: fullMirror.fn,
        worker: worker.fn,
        receiver: receiver.fn,
        ...(publisher ? { publisher: publisher.fn } : {}),
      },
      refreshQueue,
      deadLetterQueue,
      scheduleMinutes: config.scheduleMinutes,
      workspaces: workspaces.map((w) => w.id),
    });

    const consumerPolicy = consumerReadPolicy(this, table.tableArn);
    notConfiguredAlarms(monitoring, {
      workspaces: secrets.map((s) => ({
        id: s.workspace.id,
        apiTokenSecretArn: s.apiToken.secretArn,
      })),
      scheduleMinutes: config.scheduleMinutes,
      topic: monitoring.topic,
    });
    const operator = operatorPolicy(this, {
      tableArn: table.tableArn,
      eventBusArn: bus.eventBusArn,
      refreshQueueArn: refreshQueue.queueArn,
      deadLetterQueueArn: deadLetterQueue.queueArn,
      alarmTopicArn: monitoring.topic.topicArn,
      secretArns: secrets.flatMap((s) => [s.apiToken.secretArn, s.webhook.secretArn]),
      scheduleRuleArns: schedules.map((r) => r.ruleArn),
    });

    // Stable output names: docs/deploy.md, the runbook and `doctor` use exactly these.
    const outputs: Record<StackOutputName, { value: string; description: string }> = {
      TableName: { value: table.tableName, description: 'CUSTOMERS_TABLE for the CLI' },
      TableArn: { value: table.tableArn, description: 'The customers table' },
      EventBusName: {
        value: bus.eventBusName,
        description: 'EVENT_BUS_NAME: put refresh requests here',
      },
      WebhookUrl: { value: url.url, description: 'Register this URL as a webhook in Piriod' },
      RefreshQueueUrl: { value: refreshQueue.queueUrl, description: 'The refresh queue' },
      RefreshQueueArn: { value: refreshQueue.queueArn, description: 'Redrive destination' },
      DeadLetterQueueUrl: {
        value: deadLetterQueue.queueUrl,
        description: 'Dead letters, with their reason',
      },
      DeadLetterQueueArn: { value: deadLetterQueue.queueArn, description: 'Redrive source' },
      AlarmTopicArn: {
        value: monitoring.topic.topicArn,
        description: 'Subscribe to receive alarms',
      },
      ApiTokenSecretArn: {
        value: first.apiToken.secretArn,
        description: `put-secret-value the Piriod API token of ${first.workspace.id} here`,
      },
      WebhookSecretArn: {
        value: first.webhook.secretArn,
        description: `put-secret-value the webhook signing secret of ${first.workspace.id} here`,
      },
      FullMirrorFunctionName: {
        value: fullMirror.fn.functionName,
        description: 'Invoke to run a full mirror now',
      },
      SyncCustomersFunctionName: {
        value: worker.fn.functionName,
        description: 'The refresh worker',
      },
      ScheduleRuleName: {
        value: (schedules[0] as events.Rule).ruleName,
        description: `The full-mirror schedule of ${first.workspace.id}`,
      },
      ConsumerPolicyArn: {
        value: consumerPolicy.managedPolicyArn,
        description: 'Attach to roles of services that read the table (docs/library.md)',
      },
      OperatorPolicyArn: {
        value: operator.managedPolicyArn,
        description:
          'Attach to the operators who run doctor, verify, request-refresh, replay-changes and the redrive; it reads the secrets (docs/deploy.md)',
      },
      ApiTokenSecretArns: {
        value: apiTokenArns,
        description: 'JSON map workspace → secret ARN: put-secret-value each API token there',
      },
      WebhookSecretArns: {
        value: webhookSecretArns,
        description: 'JSON map workspace → secret ARN: put-secret-value each webhook secret there',
      },
    };
    for (const [name, output] of Object.entries(outputs)) new CfnOutput(this, name, output);
  }

  /**
   * Seconds since `workspace`'s last completed full mirror (Minimum per schedule period), for
   * alarms and dashboards of your own; the stack's MirrorStale alarm reads the same metric.
   */
  metricStaleness(workspace: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricStaleness(workspace, this.scheduleMinutes, props);
  }
}

/** One operator-set secret (a token or signing secret Piriod issues), with its placeholder value. */
function workspaceSecret(scope: Construct, id: string, description: string) {
  const secret = new secretsmanager.Secret(scope, id, {
    description,
    secretStringValue: SecretValue.unsafePlainText(SECRET_PLACEHOLDER),
    // Kept on stack deletion: CloudFormation deletes a secret at once, with no recovery
    // window, and the value is the operator's, not the stack's.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Piriod has no API to issue tokens or webhook secrets, so Secrets Manager cannot rotate them; operators rotate in the Piriod dashboard and put-secret-value (docs/operations.md, Rotating secrets).',
  });
  return secret;
}
