import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { firstInvalidSqsCodePoint } from '../../lib/aws/sqs-text.js';
import { LOCAL_REGION } from '../../lib/sdk/sdk-config.js';

/** SQS behaviour the worker depends on, from the stack's settings (`lib/messages/routing.ts`). */
export interface LocalQueueSettings {
  batchSize: number;
  batchingWindowMs: number;
  visibilityTimeoutMs: number;
  /** Deliveries before a message is moved to the dead-letter queue (SQS redrive). */
  maxReceiveCount: number;
}

/** A message on a local queue. */
export interface LocalMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  sentAt: number;
  visibleAt: number;
}

/** What happened on a queue, for the dev runtime's hop lines. */
export type QueueEvent =
  | { type: 'sent'; message: LocalMessage }
  | { type: 'batch'; messages: number; waitedMs: number }
  | { type: 'settled'; messages: number; failed: number; ms: number }
  | { type: 'redriven'; message: LocalMessage };

/** SQS's largest message, body and attributes together, in bytes. */
const MAX_MESSAGE_BYTES = 256 * 1024;

/** A `SendMessage` SQS would refuse; `type` is the error code SQS answers with. */
export class SqsRejectedError extends Error {
  override readonly name = 'SqsRejectedError';
  constructor(
    readonly type: 'InvalidMessageContents' | 'InvalidParameterValue' | 'MissingParameter',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks a message as SQS does before accepting it: a non-empty body and non-empty string
 * attribute values, only the characters SQS allows in either, at most 10 attributes, and at
 * most 256 KiB in all. A local queue that accepted more would hide what AWS refuses.
 *
 * @throws SqsRejectedError with SQS's error code.
 */
function checkSqsMessage(body: string, attributes: Record<string, string>): void {
  if (body.length === 0)
    throw new SqsRejectedError('MissingParameter', 'The request must contain a MessageBody.');
  const bad = firstInvalidSqsCodePoint(body);
  if (bad !== undefined)
    throw new SqsRejectedError(
      'InvalidMessageContents',
      `Invalid binary character '#x${bad.toString(16).toUpperCase()}' was found in the message body`,
    );
  const entries = Object.entries(attributes);
  if (entries.length > 10)
    throw new SqsRejectedError('InvalidParameterValue', 'Number of message attributes exceeds 10');
  let bytes = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of entries) {
    if (value.length === 0)
      throw new SqsRejectedError(
        'InvalidParameterValue',
        `Message (user) attribute '${name}' must contain a non-empty value of type 'String'.`,
      );
    const invalid = firstInvalidSqsCodePoint(value);
    if (invalid !== undefined)
      throw new SqsRejectedError(
        'InvalidParameterValue',
        `Message (user) attribute '${name}' value contains invalid binary character '#x${invalid.toString(16).toUpperCase()}'.`,
      );
    bytes += Buffer.byteLength(name, 'utf8') + 'String'.length + Buffer.byteLength(value, 'utf8');
  }
  if (bytes > MAX_MESSAGE_BYTES)
    throw new SqsRejectedError(
      'InvalidParameterValue',
      `Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
    );
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * An in-process stand-in for an SQS queue with a Lambda event source mapping: batches up to
 * `batchSize` messages, waiting up to the batching window for more; a delivered message is
 * invisible for the visibility timeout; messages the consumer reports in
 * `batchItemFailures` (or all, when it throws) come back after it; a message received more
 * than `maxReceiveCount` times is moved to the dead-letter queue instead, with its original
 * attributes only (SQS adds no reason); messages SQS would refuse are refused. One batch at
 * a time, like a worker with reserved concurrency 1.
 */
export class LocalQueue {
  private readonly messages: LocalMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly settings: LocalQueueSettings,
    private readonly consumer: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined,
    /** The redrive policy's dead-letter queue. */
    private readonly deadLetterQueue: LocalQueue | undefined,
    private readonly onEvent: (e: QueueEvent) => void = () => {},
  ) {}

  /**
   * Enqueues a message (SendMessage); returns its id and the MD5 of its body.
   *
   * @throws SqsRejectedError for a message SQS would refuse ({@link checkSqsMessage}).
   */
  send(body: string, attributes: Record<string, string> = {}): { id: string; md5: string } {
    checkSqsMessage(body, attributes);
    const now = Date.now();
    const message = {
      messageId: randomUUID(),
      body,
      attributes,
      receiveCount: 0,
      sentAt: now,
      visibleAt: now,
    };
    this.messages.push(message);
    this.onEvent({ type: 'sent', message });
    this.schedule();
    return { id: message.messageId, md5: md5(body) };
  }

  /** Messages on the queue now (visible or in flight). */
  get depth(): number {
    return this.messages.length;
  }

  /** Messages visible now, and those in flight (received, not yet visible again). */
  counts(now = Date.now()): { visible: number; inFlight: number } {
    const visible = this.messages.filter((m) => m.visibleAt <= now).length;
    return { visible, inFlight: this.messages.length - visible };
  }

  /**
   * `ReceiveMessage`: up to `max` visible messages, oldest first, each received once more and
   * hidden for `visibilityMs` (0 leaves it visible: a peek). Nothing is deleted.
   */
  receive(max: number, visibilityMs: number, now = Date.now()): LocalMessage[] {
    const got = this.messages.filter((m) => m.visibleAt <= now).slice(0, max);
    for (const m of got) {
      m.receiveCount++;
      m.visibleAt = now + visibilityMs;
    }
    if (visibilityMs > 0) this.schedule();
    return got;
  }

  /** The queue's visibility timeout, for a `ReceiveMessage` that does not set one. */
  get visibilityTimeoutMs(): number {
    return this.settings.visibilityTimeoutMs;
  }

  /** All messages, for inspection (a dead-letter queue is read, never consumed). */
  peek(): readonly LocalMessage[] {
    return this.messages;
  }

  /** Resolves once the queue is empty and no batch is running. */
  idle(): Promise<void> {
    if (this.messages.length === 0 && !this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (!this.consumer || this.closed || this.busy) return;
    clearTimeout(this.timer);
    const now = Date.now();
    const visible = this.messages.filter((m) => m.visibleAt <= now);
    if (visible.length === 0) {
      const next = Math.min(...this.messages.map((m) => m.visibleAt));
      if (Number.isFinite(next)) this.timer = setTimeout(() => this.schedule(), next - now);
      else this.notifyIdle();
      return;
    }
    const oldest = Math.min(...visible.map((m) => Math.max(m.sentAt, m.visibleAt)));
    const windowEnds = oldest + this.settings.batchingWindowMs;
    if (visible.length >= this.settings.batchSize || windowEnds <= now) {
      void this.deliver(now - oldest);
    } else {
      this.timer = setTimeout(() => this.schedule(), windowEnds - now);
    }
  }

  private async deliver(waitedMs: number): Promise<void> {
    const now = Date.now();
    const batch: LocalMessage[] = [];
    for (const m of this.messages) {
      if (batch.length >= this.settings.batchSize) break;
      if (m.visibleAt > now) continue;
      if (m.receiveCount >= this.settings.maxReceiveCount) {
        this.remove(m);
        // SQS's redrive moves the message as it is: body and original attributes, no reason.
        this.deadLetterQueue?.send(m.body, m.attributes);
        this.onEvent({ type: 'redriven', message: m });
        continue;
      }
      m.receiveCount++;
      m.visibleAt = now + this.settings.visibilityTimeoutMs;
      batch.push(m);
    }
    if (batch.length === 0) return this.schedule();
    this.busy = true;
    this.onEvent({ type: 'batch', messages: batch.length, waitedMs });
    const started = Date.now();
    let failed = new Set(batch.map((m) => m.messageId));
    try {
      const res = await (this.consumer as (e: SQSEvent) => Promise<SQSBatchResponse>)({
        Records: batch.map((m) => this.record(m)),
      });
      failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
    } catch {
      // A thrown invocation fails the whole batch; SQS redelivers after the timeout.
    }
    for (const m of batch) if (!failed.has(m.messageId)) this.remove(m);
    this.onEvent({
      type: 'settled',
      messages: batch.length,
      failed: failed.size,
      ms: Date.now() - started,
    });
    this.busy = false;
    this.schedule();
  }

  private remove(m: LocalMessage): void {
    const i = this.messages.indexOf(m);
    if (i >= 0) this.messages.splice(i, 1);
  }

  private notifyIdle(): void {
    if (this.messages.length > 0 || this.busy) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private record(m: LocalMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.sentAt),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.attributes).map(([k, v]) => [
          k,
          { dataType: 'String', stringValue: v, stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: md5(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${this.name}`,
      awsRegion: LOCAL_REGION,
    };
  }
}
