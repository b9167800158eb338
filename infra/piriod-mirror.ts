import { Annotations, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { formatWorkspaceList } from '../lib/customer/workspaces.js';
import { METRICS_NAMESPACE } from '../lib/lambda/metric-names.js';
import { CUSTOMER_CHANGED, EVENT_SOURCE, REFRESH_REQUESTED } from '../lib/messages/event-names.js';
import { createChangeFeed } from './change-feed.js';
import { type PiriodMirrorProps, type ResolvedProps, resolveProps } from './construct-props.js';
import { CONSUMER_ACTIONS, consumerReadPolicy, consumerResources } from './consumer-policy.js';
import { createFullMirror } from './full-mirror-part.js';
import { BUNDLES_CONTEXT_KEY, defaultBundlesDir } from './function-bundles.js';
import type { MirrorParts } from './mirror-parts.js';
import { createQueues, createTable, createWorkspaceSecrets } from './mirror-storage.js';
import { Monitoring } from './monitoring.js';
import { notConfiguredAlarms } from './not-configured-alarm.js';
import { operatorPolicy } from './operator-policy.js';
import { createRefreshWorker } from './refresh-worker.js';
import { PLACEHOLDER_WORKSPACE, requiredAccountConcurrency } from './stack-config.js';
import { addStackOutputs } from './stack-outputs.js';
import { metricStaleness } from './staleness-alarm.js';
import { createIntake } from './webhook-intake.js';

/** One mirrored workspace, and its operator-set secrets. */
export interface MirroredWorkspace {
  /** The workspace id (`acc_…`). */
  readonly id: string;
  /** Whether its test-mode data is mirrored. */
  readonly testMode: boolean;
  /** Its Piriod API token: `put-secret-value` the token here. */
  readonly apiTokenSecret: secretsmanager.ISecret;
  /** Its webhook's signing secret (`whsecret_…`): `put-secret-value` it here. */
  readonly webhookSecret: secretsmanager.ISecret;
  /** The schedule rule of its full mirror. */
  readonly scheduleRule: events.IRule;
}

/** The construct's functions. */
export interface MirrorFunctions {
  readonly fullMirror: lambda.IFunction;
  readonly refreshCustomers: lambda.IFunction;
  readonly receiveWebhook: lambda.IFunction;
  /** Only with `publishChanges`. */
  readonly publishChanges?: lambda.IFunction;
}

/**
 * Piriod customers mirrored into a DynamoDB table of your own and kept current: a full
 * mirror on a schedule per workspace, refreshes on request (an event on the bus) and within
 * seconds of a Piriod webhook, optional "Customer Changed" events, alarms and a dashboard.
 * The functions ship prebuilt: synthesizing needs no bundler, Docker or TypeScript.
 *
 * @example
 * const mirror = new PiriodMirror(this, 'Mirror', { workspaces: ['acc_A'] });
 * mirror.grantRead(myServiceRole);
 */
export class PiriodMirror extends Construct {
  /** The customers table (partition key `id`). */
  readonly table: dynamodb.TableV2;
  /** The bus refresh requests go to and events come from: the given one, or the construct's own. */
  readonly eventBus: events.IEventBus;
  /** Refresh requests waiting for the worker. */
  readonly refreshQueue: sqs.Queue;
  /** What could not be mirrored, each message with its `reason` attribute (alarmed). */
  readonly deadLetterQueue: sqs.Queue;
  /** The webhook receiver's URL: register `<webhookUrl>?workspace=acc_…` in Piriod. */
  readonly webhookUrl: string;
  /** Where the alarms go: the given topic, or the construct's own. */
  readonly alarmTopic: sns.ITopic;
  /** The mirrored workspaces, in the order given, with their secrets. */
  readonly workspaces: readonly MirroredWorkspace[];
  /** The functions, to attach alarms or grants of your own. */
  readonly functions: MirrorFunctions;
  /**
   * A managed policy with exactly what {@link grantRead} grants, for roles outside this
   * app (its ARN is the `ConsumerPolicyArn` output).
   */
  readonly consumerPolicy: iam.ManagedPolicy;
  /**
   * A managed policy for the people who run the CLI's operator commands against this mirror:
   * `doctor`, `verify`, `request-refresh`, `replay-changes` and the dead-letter redrive. It
   * reads the secrets (`doctor` proves the token works): attach it to operators only. Its
   * ARN is the `OperatorPolicyArn` output.
   */
  readonly operatorPolicy: iam.ManagedPolicy;
  /** Matches the "Customer Changed" events of this mirror's workspaces, for a rule of your own. */
  readonly changeEventPattern: events.EventPattern;
  private readonly scheduleRules: events.IRule[];
  private readonly scheduleMinutes: number;

  constructor(scope: Construct, id: string, props: PiriodMirrorProps) {
    super(scope, id);
    const config = resolveProps(props);
    this.announce(config);
    const { parts, webhookSecretArns } = this.buildParts(config);
    const { table, bus, refreshQueue, deadLetterQueue, secrets } = parts;
    const { fullMirror, schedules } = createFullMirror(this, parts);
    const worker = createRefreshWorker(this, parts);
    const intake = createIntake(this, parts, webhookSecretArns, fullMirror.fn);
    const publisher = config.publishChanges ? createChangeFeed(this, parts) : undefined;

    const monitoring = new Monitoring(this, 'Monitoring', {
      functions: {
        fullMirror: fullMirror.fn,
        worker: worker.fn,
        receiver: intake.receiver.fn,
        ...(publisher ? { publisher: publisher.fn } : {}),
      },
      refreshQueue,
      deadLetterQueue,
      scheduleMinutes: config.scheduleMinutes,
      workspaces: config.workspaces.map((w) => w.id),
      alarmTopic: config.alarmTopic,
      removalPolicy: config.removalPolicy,
      dashboardName: dashboardName(this),
    });

    this.table = table;
    this.eventBus = bus;
    this.refreshQueue = refreshQueue;
    this.deadLetterQueue = deadLetterQueue;
    this.webhookUrl = intake.url.url;
    this.alarmTopic = monitoring.topic;
    this.scheduleRules = schedules;
    this.workspaces = secrets.map((s, i) => ({
      id: s.workspace.id,
      testMode: s.workspace.testMode,
      apiTokenSecret: s.apiToken,
      webhookSecret: s.webhook,
      scheduleRule: schedules[i] as events.IRule,
    }));
    this.functions = {
      fullMirror: fullMirror.fn,
      refreshCustomers: worker.fn,
      receiveWebhook: intake.receiver.fn,
      ...(publisher ? { publishChanges: publisher.fn } : {}),
    };
    this.consumerPolicy = consumerReadPolicy(this, table.tableArn);
    this.operatorPolicy = operatorPolicy(this, {
      tableArn: table.tableArn,
      eventBusArn: bus.eventBusArn,
      refreshQueueArn: refreshQueue.queueArn,
      deadLetterQueueArn: deadLetterQueue.queueArn,
      alarmTopicArn: monitoring.topic.topicArn,
      secretArns: secrets.flatMap((s) => [s.apiToken.secretArn, s.webhook.secretArn]),
      scheduleRuleArns: schedules.map((r) => r.ruleArn),
    });
    // A workspace still not configured a day after the deploy notifies once.
    notConfiguredAlarms(monitoring, {
      workspaces: secrets.map((s) => ({
        id: s.workspace.id,
        apiTokenSecretArn: s.apiToken.secretArn,
      })),
      scheduleMinutes: config.scheduleMinutes,
      topic: monitoring.topic,
    });
    this.scheduleMinutes = config.scheduleMinutes;
    this.changeEventPattern = {
      source: [EVENT_SOURCE],
      detailType: [CUSTOMER_CHANGED],
      detail: { workspace: config.workspaces.map((w) => w.id) },
    };
  }

  /**
   * Seconds since `workspace`'s last completed full mirror (Minimum per schedule period), for
   * alarms and dashboards of your own; the construct's MirrorStale alarm reads the same
   * metric. Reported once a first cycle has completed.
   *
   * @example
   * mirror.metricStaleness('acc_A').createAlarm(this, 'Stale', { threshold: 3600, evaluationPeriods: 1 });
   */
  metricStaleness(workspace: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    this.workspace(workspace);
    return metricStaleness(workspace, this.scheduleMinutes, props);
  }

  /**
   * A workspace's secrets and schedule.
   *
   * @throws Error when the construct does not mirror `id`.
   */
  workspace(id: string): MirroredWorkspace {
    const found = this.workspaces.find((w) => w.id === id);
    if (!found) {
      throw new Error(
        `PiriodMirror: no workspace ${id}; it mirrors ${this.workspaces.map((w) => w.id).join(', ')}`,
      );
    }
    return found;
  }

  /**
   * Lets `grantee` read the mirror as the query library does: GetItem, BatchGetItem and Query
   * on the table and its three query indexes (by email, tax id, status), nothing else.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...CONSUMER_ACTIONS],
      resourceArns: consumerResources(this.table.tableArn),
    });
  }

  /**
   * Lets `grantee` put "Customer Refresh Requested" events (source `piriod.mirror`) on the
   * bus, and no other event.
   */
  grantRequestRefresh(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.eventBus.eventBusArn],
      conditions: {
        StringEquals: { 'events:source': EVENT_SOURCE, 'events:detail-type': REFRESH_REQUESTED },
      },
    });
  }

  /**
   * Adds the contract's stack outputs (`TableName`, `WebhookUrl`, … docs/deploy.md) to this
   * construct's stack, under exactly those names: what `piriod-mirror doctor --stack NAME`
   * reads. One instance per stack may add them.
   *
   * @throws Error when another instance in the same stack added them already.
   */
  addStackOutputs(): void {
    const first = this.workspaces[0] as MirroredWorkspace;
    addStackOutputs(this, {
      mirror: this,
      fullMirrorFunctionName: this.functions.fullMirror.functionName,
      refreshFunctionName: this.functions.refreshCustomers.functionName,
      scheduleRuleName: (this.scheduleRules[0] as events.IRule).ruleName,
      first,
    });
  }

  /**
   * The table, bus, queues and secrets, and the environment the functions share: what every
   * part of the construct is wired to.
   */
  private buildParts(config: ResolvedProps): { parts: MirrorParts; webhookSecretArns: string } {
    const table = createTable(this, config);
    const bus =
      config.eventBus ??
      new events.EventBus(this, 'EventBus', {
        description: 'piriod-mirror refresh requests and changes',
      });
    const { refreshQueue, deadLetterQueue } = createQueues(this, config);
    const secrets = createWorkspaceSecrets(this, config);
    // JSON maps workspace → secret ARN, as the functions and the outputs carry them.
    const arnMap = (pick: (s: (typeof secrets)[number]) => secretsmanager.ISecret) =>
      Stack.of(this).toJsonString(
        Object.fromEntries(secrets.map((s) => [s.workspace.id, pick(s).secretArn])),
      );
    const parts: MirrorParts = {
      props: config,
      bundlesDir: String(this.node.tryGetContext(BUNDLES_CONTEXT_KEY) ?? defaultBundlesDir()),
      table,
      bus,
      refreshQueue,
      deadLetterQueue,
      secrets,
      reserve: (n: number) => (config.reservedConcurrency ? n : undefined),
      piriodEnv: {
        PIRIOD_API_URL: config.apiUrl,
        PIRIOD_WORKSPACES: formatWorkspaceList(config.workspaces),
        PIRIOD_API_TOKEN_SECRET_ARNS: arnMap((s) => s.apiToken),
        CUSTOMERS_TABLE: table.tableName,
        EVENT_BUS_NAME: bus.eventBusName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    };
    return { parts, webhookSecretArns: arnMap((s) => s.webhook) };
  }

  /** Warnings and facts the deployer should see at synth time. */
  private announce(config: ResolvedProps): void {
    if (config.workspaces.some((w) => w.id === PLACEHOLDER_WORKSPACE)) {
      Annotations.of(this).addWarningV2(
        'piriod-mirror:placeholder-workspace',
        `synthesized with the placeholder workspace ${PLACEHOLDER_WORKSPACE}: deploy with -c workspace=acc_…`,
      );
    }
    // Reserved concurrency fails the deploy on accounts below 100 + the reservations.
    if (config.reservedConcurrency) {
      const needed = requiredAccountConcurrency(config);
      Annotations.of(this).addInfo(
        `reserves ${needed - 100} concurrent executions: the account's Lambda concurrency must be at least ${needed}; set reservedConcurrency: false (-c reservedConcurrency=false) otherwise`,
      );
    }
  }
}

/**
 * The dashboard's name: the stack's name and the construct's path inside the stack, so that
 * two stacks (staging, production) or two instances in one stack never share one. CDK's
 * hidden id `Default` is left out: a stack holding one instance as `Default` gets
 * `<stack>-mirror`.
 */
function dashboardName(mirror: Construct): string {
  const stack = Stack.of(mirror);
  const inside = mirror.node.scopes
    .slice(mirror.node.scopes.indexOf(stack) + 1)
    .map((c) => c.node.id)
    .filter((id) => id !== 'Default');
  return [stack.stackName, ...inside, 'mirror']
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 255);
}
