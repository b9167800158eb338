import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MirroredWorkspace, PiriodMirror } from './piriod-mirror.js';

/**
 * The stack's outputs (**contract**): operators, the docs and `doctor` rely on these names.
 *
 * @example
 * mirror.addStackOutputs(); // adds every one of STACK_OUTPUTS to the construct's stack
 */
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
  'RefreshCustomersFunctionName',
  'ScheduleRuleName',
  'ConsumerPolicyArn',
  'OperatorPolicyArn',
  'ApiTokenSecretArns',
  'WebhookSecretArns',
] as const;

/** One of {@link STACK_OUTPUTS}. */
export type StackOutputName = (typeof STACK_OUTPUTS)[number];

/** What the outputs name, beside the construct's public members. */
export interface OutputSources {
  mirror: PiriodMirror;
  fullMirrorFunctionName: string;
  refreshFunctionName: string;
  scheduleRuleName: string;
  first: MirroredWorkspace;
}

/** Stacks whose outputs an instance added already: the names are the stack's, once. */
const withOutputs = new WeakSet<Stack>();

/**
 * Adds {@link STACK_OUTPUTS} to `scope`'s stack, each under its exact name (not the
 * construct-path logical id CDK would give it), as `doctor --stack NAME` reads them.
 */
export function addStackOutputs(scope: Construct, s: OutputSources): void {
  const stack = Stack.of(scope);
  if (withOutputs.has(stack)) {
    throw new Error(
      `PiriodMirror: stack ${stack.stackName} has the piriod-mirror outputs already: one instance per stack may add them`,
    );
  }
  withOutputs.add(stack);
  const { mirror, first } = s;
  const arns = (pick: (w: MirroredWorkspace) => string) =>
    stack.toJsonString(Object.fromEntries(mirror.workspaces.map((w) => [w.id, pick(w)])));
  const outputs: Record<StackOutputName, { value: string; description: string }> = {
    TableName: { value: mirror.table.tableName, description: 'CUSTOMERS_TABLE for the CLI' },
    TableArn: { value: mirror.table.tableArn, description: 'The customers table' },
    EventBusName: {
      value: mirror.eventBus.eventBusName,
      description: 'EVENT_BUS_NAME: put refresh requests here',
    },
    WebhookUrl: {
      value: mirror.webhookUrl,
      description: 'Register this URL as a webhook in Piriod',
    },
    RefreshQueueUrl: { value: mirror.refreshQueue.queueUrl, description: 'The refresh queue' },
    RefreshQueueArn: { value: mirror.refreshQueue.queueArn, description: 'Redrive destination' },
    DeadLetterQueueUrl: {
      value: mirror.deadLetterQueue.queueUrl,
      description: 'Dead letters, with their reason',
    },
    DeadLetterQueueArn: { value: mirror.deadLetterQueue.queueArn, description: 'Redrive source' },
    AlarmTopicArn: {
      value: mirror.alarmTopic.topicArn,
      description: 'Subscribe to receive alarms',
    },
    ApiTokenSecretArn: {
      value: first.apiTokenSecret.secretArn,
      description: `put-secret-value the Piriod API token of ${first.id} here`,
    },
    WebhookSecretArn: {
      value: first.webhookSecret.secretArn,
      description: `put-secret-value the webhook signing secret of ${first.id} here`,
    },
    FullMirrorFunctionName: {
      value: s.fullMirrorFunctionName,
      description: 'Invoke to run a full mirror now',
    },
    RefreshCustomersFunctionName: {
      value: s.refreshFunctionName,
      description: 'The refresh worker',
    },
    ScheduleRuleName: {
      value: s.scheduleRuleName,
      description: `The full-mirror schedule of ${first.id}`,
    },
    OperatorPolicyArn: {
      value: mirror.operatorPolicy.managedPolicyArn,
      description:
        'Attach to the operators who run doctor, verify, request-refresh, replay-changes and the redrive; it reads the secrets (docs/deploy.md)',
    },
    ConsumerPolicyArn: {
      value: mirror.consumerPolicy.managedPolicyArn,
      description: 'Attach to roles of services that read the table (docs/library.md)',
    },
    ApiTokenSecretArns: {
      value: arns((w) => w.apiTokenSecret.secretArn),
      description: 'JSON map workspace → secret ARN: put-secret-value each API token there',
    },
    WebhookSecretArns: {
      value: arns((w) => w.webhookSecret.secretArn),
      description: 'JSON map workspace → secret ARN: put-secret-value each webhook secret there',
    },
  };
  for (const [name, output] of Object.entries(outputs)) {
    new CfnOutput(scope, `Output${name}`, output).overrideLogicalId(name);
  }
}
