import { Duration, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SECRET_PLACEHOLDER } from '../lib/aws/secret-placeholder.js';
import type { Workspace } from '../lib/customer/workspaces.js';
import { REFRESH_QUEUE, refreshVisibilityTimeoutSeconds } from '../lib/messages/routing.js';
import { INDEXES, PARTITION_KEY, TTL_ATTRIBUTE } from '../lib/store/table-definition.js';
import type { ResolvedProps } from './construct-props.js';

/** The customers table: on demand, point-in-time recovery, the shared key schema and indexes. */
export function createTable(scope: Construct, props: ResolvedProps): dynamodb.TableV2 {
  const destroy = props.removalPolicy === RemovalPolicy.DESTROY;
  return new dynamodb.TableV2(scope, 'CustomersTable', {
    partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // A protected table cannot be deleted: DESTROY would fail the stack's deletion.
    deletionProtection: !destroy,
    removalPolicy: props.removalPolicy,
    // Reserved items that expire (doctor's canaries) carry it; customers never do.
    timeToLiveAttribute: TTL_ATTRIBUTE,
    // "Customer Changed" events are derived from the stream, so no write goes unannounced.
    dynamoStream:
      props.tableStream || props.publishChanges
        ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES
        : undefined,
    globalSecondaryIndexes: INDEXES.map((index) => ({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
      ...(index.sortKey
        ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } }
        : {}),
      ...(index.include
        ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }
        : { projectionType: dynamodb.ProjectionType.ALL }),
    })),
  });
}

/** The refresh queue and its dead-letter queue, both SSE-SQS encrypted and TLS-only. */
export function createQueues(scope: Construct, props: ResolvedProps) {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    removalPolicy: props.removalPolicy,
  });
  const refreshQueue = new sqs.Queue(scope, 'RefreshQueue', {
    visibilityTimeout: Duration.seconds(
      refreshVisibilityTimeoutSeconds(props.batchingWindowSeconds),
    ),
    retentionPeriod: Duration.days(4),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: REFRESH_QUEUE.maxReceiveCount },
  });
  return { refreshQueue, deadLetterQueue };
}

/** A workspace's two operator-set secrets. */
export interface WorkspaceSecrets {
  workspace: Workspace;
  /** Its Piriod API token. */
  apiToken: secretsmanager.Secret;
  /** The signing secret of its webhook endpoint (Piriod signs each endpoint with its own). */
  webhook: secretsmanager.Secret;
}

/**
 * Construct id of a per-workspace resource: the first workspace keeps the id a one-workspace
 * deployment has it under; the others get ids derived from their workspace id, so adding or
 * removing one of them never replaces another's secrets.
 */
export function workspaceConstructId(base: string, index: number, workspace: string): string {
  return index === 0 ? base : `${base}-${workspace}`;
}

/** Each workspace's API token and webhook signing secret. */
export function createWorkspaceSecrets(scope: Construct, props: ResolvedProps): WorkspaceSecrets[] {
  return props.workspaces.map((w, i) => ({
    workspace: w,
    apiToken: workspaceSecret(
      scope,
      workspaceConstructId('ApiTokenSecret', i, w.id),
      `Piriod API token for workspace ${w.id}; set it with put-secret-value`,
      props.removalPolicy,
    ),
    webhook: workspaceSecret(
      scope,
      workspaceConstructId('WebhookSecret', i, w.id),
      `Signing secret (whsecret_…) of the Piriod webhook of workspace ${w.id}; set it with put-secret-value`,
      props.removalPolicy,
    ),
  }));
}

/** One operator-set secret (a token or signing secret Piriod issues), with its placeholder value. */
function workspaceSecret(
  scope: Construct,
  id: string,
  description: string,
  removalPolicy: RemovalPolicy,
) {
  const secret = new secretsmanager.Secret(scope, id, {
    description,
    secretStringValue: SecretValue.unsafePlainText(SECRET_PLACEHOLDER),
    // Retained by default: CloudFormation deletes a secret at once, with no recovery
    // window, and the value is the operator's, not the stack's.
    removalPolicy,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Piriod has no API to issue tokens or webhook secrets, so Secrets Manager cannot rotate them; operators rotate in the Piriod dashboard and put-secret-value (docs/operations.md, Rotating secrets).',
  });
  return secret;
}
