import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { REFRESH_QUEUE, WORKER_TIMEOUT_SECONDS } from '../lib/messages/routing.js';
import { MirrorFunction } from './mirror-function.js';
import { allow, type MirrorParts } from './mirror-parts.js';

/** The refresh worker: the refresh queue's consumer, with its grants and SQS mapping. */
export function createRefreshWorker(scope: Construct, parts: MirrorParts): MirrorFunction {
  const { props, table, refreshQueue, deadLetterQueue } = parts;
  const worker = new MirrorFunction(scope, 'RefreshCustomers', {
    name: 'refresh-customers',
    bundlesDir: parts.bundlesDir,
    description: 'Refreshes customers from the refresh queue',
    // The queue's visibility timeout is sized from it.
    timeout: Duration.seconds(WORKER_TIMEOUT_SECONDS),
    memorySize: 512,
    logRetentionDays: props.logRetentionDays,
    reservedConcurrentExecutions: parts.reserve(props.workerConcurrency),
    environment: { ...parts.piriodEnv, DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl },
  });
  const role = worker.role;
  role.addToPolicy(
    allow(
      ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'],
      [table.tableArn],
    ),
  );
  role.addToPolicy(
    allow(
      ['secretsmanager:GetSecretValue'],
      parts.secrets.map((s) => s.apiToken.secretArn),
    ),
  );
  role.addToPolicy(allow(['sqs:SendMessage'], [deadLetterQueue.queueArn]));
  // Lambda's poller of the refresh queue works with the worker's role: the three actions
  // Lambda documents for an SQS event source (AWSLambdaSQSQueueExecutionRole's).
  role.addToPolicy(
    allow(
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      [refreshQueue.queueArn],
    ),
  );
  // A mapping without SqsEventSource, whose grant adds GetQueueUrl: the poller's actions are above.
  worker.fn.addEventSourceMapping('RefreshQueueSource', {
    eventSourceArn: refreshQueue.queueArn,
    batchSize: REFRESH_QUEUE.batchSize,
    // Coalesces bursts (a flood of webhooks for one customer) into one fetch per batch.
    maxBatchingWindow: Duration.seconds(props.batchingWindowSeconds),
    reportBatchItemFailures: true,
    // Never above the worker's reserved concurrency: pollers beyond it only get throttled.
    maxConcurrency: props.workerConcurrency,
  });
  return worker;
}
