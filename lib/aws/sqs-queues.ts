import { sleep as realSleep } from '../concurrency/sleep.js';
import type { SyncSource } from '../customer/record.js';
import type { DeadLetterReason, DeadLetters, RefreshQueue } from '../refresh/ports.js';
import { type AwsJsonClient, awsJsonClientFromEnv } from './aws-json-client.js';

const ATTEMPTS = 5;
/** SQS message attribute values are strings; keep reasons readable and bounded. */
const MAX_REASON = 1000;

interface SendMessageBatchResponse {
  Successful?: { Id: string }[];
  Failed?: { Id: string; Code?: string; Message?: string; SenderFault?: boolean }[];
}

/**
 * The refresh queue over SQS: one `{"customerId"}` message per id, `SendMessageBatch` in
 * tens, entries SQS reports as failed retried with backoff, and an error naming the ids that
 * still could not be sent (so the caller fails loudly instead of losing them).
 */
export class SqsRefreshQueue implements RefreshQueue {
  constructor(
    private readonly client: AwsJsonClient,
    private readonly queueUrl: string,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {}

  async sendRefreshes(ids: readonly string[], source: SyncSource): Promise<void> {
    for (let i = 0; i < ids.length; i += 10) {
      let entries = ids.slice(i, i + 10).map((id, k) => ({
        Id: String(k),
        MessageBody: JSON.stringify({ customerId: id }),
        MessageAttributes: { syncSource: { DataType: 'String', StringValue: source } },
      }));
      let lastError = '';
      for (let attempt = 1; entries.length > 0; attempt++) {
        if (attempt > 1) await this.sleep(Math.random() * 100 * 2 ** attempt);
        const out = await this.client.call<SendMessageBatchResponse>('AmazonSQS.SendMessageBatch', {
          QueueUrl: this.queueUrl,
          Entries: entries,
        });
        const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
        lastError = [...failed.values()].map((f) => f.Code ?? f.Message).join(', ');
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length > 0 && attempt >= ATTEMPTS) {
          const lost = entries.map((e) => JSON.parse(e.MessageBody).customerId).join(', ');
          throw new Error(
            `SQS refused refresh messages for ${lost} after ${ATTEMPTS} attempts (${lastError})`,
          );
        }
      }
    }
  }
}

/** The dead-letter queue over SQS: the original body, with `reason` and `customerId` attributes. */
export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly client: AwsJsonClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string, why: DeadLetterReason): Promise<void> {
    const reason =
      why.reason.length > MAX_REASON ? `${why.reason.slice(0, MAX_REASON)}…` : why.reason;
    await this.client.call('AmazonSQS.SendMessage', {
      QueueUrl: this.queueUrl,
      MessageBody: body.length > 0 ? body : '(empty body)',
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: reason },
        ...(why.customerId
          ? { customerId: { DataType: 'String', StringValue: why.customerId } }
          : {}),
      },
    });
  }
}

/**
 * The SQS client of a function (SQS's JSON protocol through {@link AwsJsonClient}): region
 * and credentials from Lambda's environment, `AWS_ENDPOINT_URL_SQS` for local endpoints.
 */
export function sqsFromEnv(env: Record<string, string | undefined>): AwsJsonClient {
  return awsJsonClientFromEnv(env, {
    name: 'sqs',
    endpointVariable: 'AWS_ENDPOINT_URL_SQS',
    contentType: 'application/x-amz-json-1.0',
  });
}
