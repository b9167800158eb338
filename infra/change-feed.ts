import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CUSTOMER_CHANGED } from '../lib/messages/event-names.js';
import { MirrorFunction } from './mirror-function.js';
import { allow, type MirrorParts, putEvents } from './mirror-parts.js';

/** The change feed: "Customer Changed" on the bus for every write, from the table's stream. */
export function createChangeFeed(scope: Construct, parts: MirrorParts): MirrorFunction {
  const { props, bus, deadLetterQueue } = parts;
  const publisher = new MirrorFunction(scope, 'PublishChanges', {
    name: 'publish-changes',
    bundlesDir: parts.bundlesDir,
    description: 'Publishes "Customer Changed" for every write, from the table stream',
    timeout: Duration.seconds(30),
    memorySize: 256,
    logRetentionDays: props.logRetentionDays,
    environment: { EVENT_BUS_NAME: bus.eventBusName },
  });
  const streamArn = parts.table.tableStreamArn as string;
  publisher.role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: [streamArn],
    }),
  );
  // Lambda's stream poller lists streams too; ListStreams has no resource-level
  // permissions (IAM authorizes it on "*" only), so a stream-ARN grant would be denied.
  publisher.role.addToPolicy(allow(['dynamodb:ListStreams'], ['*']));
  Validations.of(publisher.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'dynamodb:ListStreams supports no resource-level permissions: IAM authorizes it on "*" only. It lists stream ARNs, no data.',
  });
  publisher.role.addToPolicy(putEvents(bus, CUSTOMER_CHANGED));
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
  return publisher;
}
