import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { CUSTOMER_CHANGED, EVENT_SOURCE, REFRESH_REQUESTED } from '../lib/messages/event-names.js';

/** What the operator's commands act on, as the stack made them. */
export interface OperatorResources {
  tableArn: string;
  eventBusArn: string;
  refreshQueueArn: string;
  deadLetterQueueArn: string;
  alarmTopicArn: string;
  /** Every workspace's API token and webhook signing secret. */
  secretArns: readonly string[];
  /** Every workspace's schedule rule (on the default bus). */
  scheduleRuleArns: readonly string[];
}

/**
 * The actions of each operator command against this stack, by resource, proven against their
 * recorded calls by test/integration/cli/operator-permissions.test.ts:
 * - `doctor`: the stack's outputs (DescribeStacks), the secrets (it proves the token works, so
 *   it reads them), a canary refresh request on the bus and its record in the table (GetItem),
 *   a peek at the dead-letter queue, the alarm topic's subscriptions, the schedule rule and the
 *   workspace's full-mirror status item (GetItem);
 * - `verify`: that the table exists (DescribeTable, as every table command checks first), the
 *   stored versions (BatchGetItem) and a Scan for the ids the mirror holds;
 * - `request-refresh`: "Customer Refresh Requested" on the bus;
 * - `replay-changes`: DescribeTable, one Scan of the table, "Customer Changed" on the bus;
 * - the redrive of docs/operations.md: read and delete failure records in the dead-letter queue,
 *   and `start-message-move-task` from it to the refresh queue, which AWS documents as needing
 *   ReceiveMessage, DeleteMessage and GetQueueAttributes on the source and SendMessage on the
 *   destination besides the task's own actions.
 * Nothing writes customers or deletes anything but dead letters.
 */
const OPERATOR_ACTIONS = {
  stack: ['cloudformation:DescribeStacks'],
  secrets: ['secretsmanager:GetSecretValue'],
  table: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan'],
  deadLetterQueue: [
    'sqs:GetQueueAttributes',
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:StartMessageMoveTask',
    'sqs:ListMessageMoveTasks',
    'sqs:CancelMessageMoveTask',
  ],
  refreshQueue: ['sqs:SendMessage'],
  topic: ['sns:ListSubscriptionsByTopic'],
  scheduleRules: ['events:DescribeRule'],
} as const;

/**
 * A managed policy for the people (or CI role) who run the CLI's operator commands against
 * this stack (output `OperatorPolicyArn`): {@link OPERATOR_ACTIONS}, each on this stack's own
 * resources, events only with the product's source and the two detail types the commands put.
 * It reads the API tokens and webhook secrets: attach it only to roles trusted with them.
 */
export function operatorPolicy(scope: Construct, r: OperatorResources): iam.ManagedPolicy {
  const allow = (actions: readonly string[], resources: readonly string[]) =>
    new iam.PolicyStatement({ actions: [...actions], resources: [...resources] });
  return new iam.ManagedPolicy(scope, 'OperatorPolicy', {
    description:
      'Runs piriod-mirror doctor, verify, request-refresh, replay-changes and the dead-letter redrive against this stack; reads its secrets',
    statements: [
      // The stack's own ARN (its id): IAM authorizes DescribeStacks by name against it.
      allow(OPERATOR_ACTIONS.stack, [Aws.STACK_ID]),
      allow(OPERATOR_ACTIONS.secrets, r.secretArns),
      allow(OPERATOR_ACTIONS.table, [r.tableArn]),
      allow(OPERATOR_ACTIONS.deadLetterQueue, [r.deadLetterQueueArn]),
      allow(OPERATOR_ACTIONS.refreshQueue, [r.refreshQueueArn]),
      allow(OPERATOR_ACTIONS.topic, [r.alarmTopicArn]),
      allow(OPERATOR_ACTIONS.scheduleRules, r.scheduleRuleArns),
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [r.eventBusArn],
        conditions: {
          // Several values of one key: either detail type (IAM ORs them).
          StringEquals: {
            'events:source': EVENT_SOURCE,
            'events:detail-type': [REFRESH_REQUESTED, CUSTOMER_CHANGED],
          },
        },
      }),
    ],
  });
}
