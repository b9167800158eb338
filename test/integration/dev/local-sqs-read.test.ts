import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { sdkClientConfig } from '../../../lib/sdk/sdk-config.js';
import { type LocalAws, startLocalAws } from '../../../tools/dev/local-aws.js';
import { LocalQueue } from '../../../tools/dev/local-queue.js';

const SETTINGS = {
  batchSize: 10,
  batchingWindowMs: 0,
  visibilityTimeoutMs: 30_000,
  maxReceiveCount: 5,
};
const NO_TARGETS = { 'refresh-queue': () => {}, 'full-mirror': () => {} };
let local: LocalAws | undefined;
afterEach(async () => {
  await local?.close();
  local = undefined;
});

/** A local dead-letter queue (no consumer) behind the local endpoint, with the official client. */
async function deadLetterQueue() {
  const dlq = new LocalQueue('dlq', SETTINGS, undefined, undefined);
  local = await startLocalAws({ queues: { dlq }, targets: NO_TARGETS });
  return { dlq, url: local.queueUrl('dlq'), sqs: new SQSClient(sdkClientConfig(local.url)) };
}

describe('the local SQS endpoint: GetQueueAttributes and ReceiveMessage as SQS documents them', () => {
  it('reports the depth as string attributes, only those asked for, and refuses unknown names', async () => {
    const { url, sqs } = await deadLetterQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b' }));
    const some = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(some.Attributes).toEqual({ ApproximateNumberOfMessages: '2' });
    const none = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url }));
    expect(none.Attributes).toBeUndefined();
    await expect(
      sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Depth' as 'All'] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
  });

  it('peeks with VisibilityTimeout 0 (the message stays visible), hides it otherwise, deletes nothing', async () => {
    const { dlq, url, sqs } = await deadLetterQueue();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"customerId":"cus_1"}',
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: 'customer cus_1 not found' },
          customerId: { DataType: 'String', StringValue: 'cus_1' },
        },
      }),
    );
    const peek = () =>
      sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          VisibilityTimeout: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
    const first = await peek();
    const second = await peek();
    expect(second.Messages?.[0]).toMatchObject({
      Body: '{"customerId":"cus_1"}',
      MessageAttributes: {
        reason: { StringValue: 'customer cus_1 not found', DataType: 'String' },
        customerId: { StringValue: 'cus_1', DataType: 'String' },
      },
      Attributes: { ApproximateReceiveCount: '2' },
    });
    expect(first.Messages?.[0]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    // Without MessageAttributeNames, SQS returns no message attributes.
    const bare = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
    expect(bare.Messages?.[0]).not.toHaveProperty('MessageAttributes');
    expect(bare.Messages?.[0]).not.toHaveProperty('Attributes');
    // The queue's visibility timeout applies when none is given: the message is in flight.
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const counts = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(counts.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    expect(await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).not.toHaveProperty(
      'Messages',
    );
    expect(dlq.depth).toBe(1);
  });

  it('refuses MaxNumberOfMessages outside 1–10 as SQS does', async () => {
    const { url, sqs } = await deadLetterQueue();
    await expect(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
