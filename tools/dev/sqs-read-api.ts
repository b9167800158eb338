import { createHash } from 'node:crypto';
import type { LocalMessage, LocalQueue } from './local-queue.js';

/**
 * The read side of SQS's JSON protocol for the local queues: `GetQueueAttributes` and
 * `ReceiveMessage`, answered with SQS's documented names and shapes (string attribute
 * values, `MD5OfBody`, `MD5OfMessageAttributes`, `MessageAttributes` as
 * `{StringValue, DataType}`), so a client that works here works against SQS, and no kinder.
 */

/** An SQS error answer: `type` is SQS's error code. */
export class SqsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The queue attributes the local queues know; SQS's others are refused by name. */
const QUEUE_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'VisibilityTimeout',
] as const;

/** `GetQueueAttributes`: only the attributes asked for (`All` for every one); none when none are. */
export function getQueueAttributes(queue: LocalQueue, body: Record<string, unknown>) {
  const asked = (body.AttributeNames ?? []) as string[];
  const names = asked.includes('All') ? [...QUEUE_ATTRIBUTES] : asked;
  const unknown = names.find((n) => !(QUEUE_ATTRIBUTES as readonly string[]).includes(n));
  if (unknown) throw new SqsApiError('InvalidAttributeName', `Unknown Attribute ${unknown}.`);
  if (names.length === 0) return {};
  const { visible, inFlight } = queue.counts();
  const values: Record<string, string> = {
    ApproximateNumberOfMessages: String(visible),
    ApproximateNumberOfMessagesNotVisible: String(inFlight),
    ApproximateNumberOfMessagesDelayed: '0',
    VisibilityTimeout: String(Math.round(queue.visibilityTimeoutMs / 1000)),
  };
  return { Attributes: Object.fromEntries(names.map((n) => [n, values[n] as string])) };
}

/** `ReceiveMessage`: 1–10 messages (default 1); `VisibilityTimeout` 0–43200 s. */
export function receiveMessage(queue: LocalQueue, body: Record<string, unknown>) {
  const max = body.MaxNumberOfMessages === undefined ? 1 : Number(body.MaxNumberOfMessages);
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    throw new SqsApiError(
      'InvalidParameterValue',
      `Value ${String(body.MaxNumberOfMessages)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
    );
  }
  const vt = body.VisibilityTimeout;
  if (vt !== undefined && (!Number.isInteger(vt) || (vt as number) < 0 || (vt as number) > 43200)) {
    throw new SqsApiError(
      'InvalidParameterValue',
      `Value ${String(vt)} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.`,
    );
  }
  const visibilityMs = vt === undefined ? queue.visibilityTimeoutMs : (vt as number) * 1000;
  const got = queue.receive(max, visibilityMs);
  if (got.length === 0) return {};
  const wantAttrs = (body.MessageAttributeNames ?? []) as string[];
  const wantSystem = [
    ...((body.MessageSystemAttributeNames ?? []) as string[]),
    ...((body.AttributeNames ?? []) as string[]),
  ];
  return { Messages: got.map((m) => messageOf(m, wantAttrs, wantSystem)) };
}

function messageOf(m: LocalMessage, wantAttrs: string[], wantSystem: string[]) {
  const all = wantAttrs.includes('All') || wantAttrs.includes('.*');
  const picked = Object.entries(m.attributes).filter(([k]) => all || wantAttrs.includes(k));
  const system: Record<string, string> = {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    ApproximateFirstReceiveTimestamp: String(m.sentAt),
    SenderId: 'local',
  };
  const allSystem = wantSystem.includes('All');
  const attributes = Object.fromEntries(
    Object.entries(system).filter(([k]) => allSystem || wantSystem.includes(k)),
  );
  return {
    MessageId: m.messageId,
    ReceiptHandle: `${m.messageId}#${m.receiveCount}`,
    MD5OfBody: md5Hex(Buffer.from(m.body, 'utf8')),
    Body: m.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(picked.length > 0
      ? {
          MD5OfMessageAttributes: md5OfMessageAttributes(picked),
          MessageAttributes: Object.fromEntries(
            picked.map(([k, v]) => [k, { StringValue: v, DataType: 'String' }]),
          ),
        }
      : {}),
  };
}

/**
 * SQS's digest of String message attributes: for each name in order, the length-prefixed
 * name, data type, transport byte 1 and value (lengths as 4-byte big-endian integers).
 */
function md5OfMessageAttributes(attributes: [string, string][]): string {
  const parts: Buffer[] = [];
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const [name, value] of [...attributes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    field(name);
    field('String');
    parts.push(Buffer.from([1]));
    field(value);
  }
  return md5Hex(Buffer.concat(parts));
}

function md5Hex(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}
