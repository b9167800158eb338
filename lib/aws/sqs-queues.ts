import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { sleep as realSleep } from '../concurrency/sleep.js';
import type { SyncSource } from '../customer/record.js';
import type { DeadLetterReason, DeadLetters, RefreshQueue } from '../ports.js';
import { EntriesFailed, retryFailedEntries } from '../sdk/failed-entries.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';
import { sdkClientConfig } from '../sdk/sdk-config.js';
import { sqsAttributeValue } from './sqs-text.js';

/** Rounds of `SendMessageBatch` for entries SQS failed one by one (the SDK retries whole calls). */
const ENTRY_ATTEMPTS = 5;
/** Attribute values are kept readable and bounded (in code points). */
const MAX_ATTRIBUTE_CHARS = 1000;
/** SQS's largest message, body and attributes (names, types and values) together, in bytes. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** Bytes of the attribute names and types, and a margin; a UTF-8 code point is at most 4. */
const ATTRIBUTE_OVERHEAD_BYTES = 64;

/** SQS kept refusing some refresh messages; `ids` are the customers not queued. */
export class SendRefreshesError extends Error {
  override readonly name = 'SendRefreshesError';
  constructor(
    message: string,
    readonly ids: readonly string[],
  ) {
    super(message);
  }
}

/**
 * The refresh queue over the official SQS client: one `{"customerId", "workspace"}` message per id,
 * `SendMessageBatch` in tens. A call that fails as a whole is retried by the SDK (which also
 * checks each accepted body's MD5). Entries SQS fails one by one are sent again, alone, with
 * backoff — unless SQS says the sender is at fault (`SenderFault`), which no retry can fix.
 * What is still not sent makes the call throw, naming the ids, so the caller never loses them.
 */
export class SqsRefreshQueue implements RefreshQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {}

  async sendRefreshes(
    ids: readonly string[],
    source: SyncSource,
    workspace: string,
  ): Promise<void> {
    for (let i = 0; i < ids.length; i += 10)
      await this.sendBatch(ids.slice(i, i + 10), source, workspace);
  }

  private async sendBatch(
    ids: readonly string[],
    source: SyncSource,
    workspace: string,
  ): Promise<void> {
    let entries: SendMessageBatchRequestEntry[] = ids.map((id, k) => ({
      Id: String(k),
      MessageBody: JSON.stringify({ customerId: id, workspace }),
      MessageAttributes: { syncSource: { DataType: 'String', StringValue: source } },
    }));
    await retryFailedEntries<{ lost: string[]; codes: string }>(
      async () => {
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
        if (failed.size === 0) return;
        entries = entries.filter((e) => failed.has(e.Id));
        const lost = entries.map((e) => ids[Number(e.Id)] as string);
        const codes = [...failed.values()].map((f) => f.Code ?? f.Message).join(', ');
        const senderFault = [...failed.values()].some((f) => f.SenderFault);
        throw new EntriesFailed({ lost, codes }, !senderFault);
      },
      {
        maxAttempts: ENTRY_ATTEMPTS,
        sleep: this.sleep,
        giveUp: ({ lost, codes }, attempts, transient) => {
          const why = transient ? `after ${attempts} attempts` : 'as malformed (sender fault)';
          return new SendRefreshesError(
            `SQS refused refresh messages for ${lost.join(', ')} ${why} (${codes})`,
            lost,
          );
        },
      },
    );
  }
}

/**
 * The dead-letter queue over the official SQS client: the original body, with `reason` and
 * `customerId` attributes. The values are made valid for SQS first (characters it rejects
 * escaped, long text cut with a marker, and the reason shortened further when a large body
 * leaves less room), so a hostile id or a long error still dead-letters with its reason
 * instead of a rejected `SendMessage`.
 */
export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string, why: DeadLetterReason): Promise<void> {
    const messageBody = body.length > 0 ? body : '(empty body)';
    const customerId = why.customerId
      ? sqsAttributeValue(why.customerId, MAX_ATTRIBUTE_CHARS)
      : undefined;
    const room =
      MAX_MESSAGE_BYTES -
      Buffer.byteLength(messageBody, 'utf8') -
      Buffer.byteLength(customerId ?? '', 'utf8') -
      ATTRIBUTE_OVERHEAD_BYTES;
    const reasonChars = Math.max(1, Math.min(MAX_ATTRIBUTE_CHARS, Math.floor(room / 4)));
    const reason = sqsAttributeValue(why.reason, reasonChars, '(no reason given)');
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: messageBody,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason },
          ...(customerId ? { customerId: { DataType: 'String', StringValue: customerId } } : {}),
        },
      }),
    );
  }
}

/**
 * The SQS client of a function or the CLI: the SDK's region and credentials, `endpoint` for
 * local endpoints (`AWS_ENDPOINT_URL_SQS`, read by the config), the caller's timeouts.
 */
export function sqsClient(endpoint: string | undefined, budget?: SdkBudget): SQSClient {
  return new SQSClient(sdkClientConfig(endpoint, undefined, budget));
}
