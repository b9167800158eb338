import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { formatWorkspaceList } from '../lib/customer/workspaces.js';
import { REFRESH_REQUESTED } from '../lib/messages/event-names.js';
import { BUS_RULES } from '../lib/messages/routing.js';
import { MirrorFunction } from './mirror-function.js';
import { allow, type MirrorParts, putEvents } from './mirror-parts.js';

/**
 * How refresh requests come in: the webhook receiver behind its Function URL, and the bus's
 * rules (refresh requests to the refresh queue, continuations to full-mirror).
 */
export function createIntake(
  scope: Construct,
  parts: MirrorParts,
  webhookSecretArns: string,
  fullMirror: lambda.IFunction,
) {
  const { props, bus, refreshQueue, deadLetterQueue } = parts;
  const receiver = new MirrorFunction(scope, 'ReceiveWebhook', {
    name: 'receive-webhook',
    bundlesDir: parts.bundlesDir,
    description: 'Verifies Piriod webhooks and requests refreshes',
    timeout: Duration.seconds(10),
    memorySize: 256,
    logRetentionDays: props.logRetentionDays,
    // Its URL is public: a flood must not drain the account's concurrency.
    reservedConcurrentExecutions: parts.reserve(props.receiverConcurrency),
    environment: {
      EVENT_BUS_NAME: bus.eventBusName,
      // Where a refresh goes when the bus refuses it: the bus rule's own target.
      REFRESH_QUEUE_URL: refreshQueue.queueUrl,
      PIRIOD_WORKSPACES: formatWorkspaceList(props.workspaces),
      PIRIOD_WEBHOOK_SECRET_ARNS: webhookSecretArns,
    },
  });
  receiver.role.addToPolicy(
    allow(
      ['secretsmanager:GetSecretValue'],
      parts.secrets.map((s) => s.webhook.secretArn),
    ),
  );
  // The fallback when the bus refuses. The queue is SSE-SQS encrypted: no KMS grant needed.
  receiver.role.addToPolicy(allow(['sqs:SendMessage'], [refreshQueue.queueArn]));
  receiver.role.addToPolicy(putEvents(bus, REFRESH_REQUESTED));
  const url = receiver.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

  // The bus's rules come from the definition the dev runtime routes by as well.
  const targetOf = {
    'refresh-queue': new targets.SqsQueue(refreshQueue, { deadLetterQueue }),
    'full-mirror': new targets.LambdaFunction(fullMirror, { deadLetterQueue, retryAttempts: 2 }),
  };
  for (const rule of BUS_RULES) {
    new events.Rule(scope, rule.id, {
      eventBus: bus,
      description: rule.description,
      eventPattern: { source: rule.pattern.source, detailType: rule.pattern['detail-type'] },
      targets: [targetOf[rule.target]],
    });
  }
  return { receiver, url };
}
