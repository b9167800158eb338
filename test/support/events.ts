import { readFileSync } from 'node:fs';
import type { LambdaFunctionURLEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { webhookSignature } from '../../lib/piriod/signature.js';

/** A real-shaped fixture from test/fixtures/events, parsed fresh each time. */
export function fixture<T>(name: string): T {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'),
  ) as T;
}

/** An SQS event whose records carry the given bodies (and message attributes). */
export function sqsEvent(bodies: (string | { body: string; syncSource?: string })[]): SQSEvent {
  return {
    Records: bodies.map((b, i) => {
      const record = fixture<SQSRecord>('sqs-record.json');
      const { body, syncSource } = typeof b === 'string' ? { body: b, syncSource: undefined } : b;
      record.messageId = `msg-${i + 1}`;
      record.body = body;
      if (syncSource) {
        record.messageAttributes = {
          syncSource: {
            dataType: 'String',
            stringValue: syncSource,
            stringListValues: [],
            binaryListValues: [],
          },
        };
      }
      return record;
    }),
  };
}

/** The "Customer Refresh Requested" event as the EventBridge → SQS rule delivers it. */
export function refreshEventBody(detail: object, resources: string[] = []): string {
  const event = fixture<Record<string, unknown>>('refresh-requested-event.json');
  return JSON.stringify({ ...event, detail, resources });
}

/** A Function URL request with the given method, body and headers. */
export function functionUrlEvent(options: {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
}): LambdaFunctionURLEvent {
  const event = fixture<LambdaFunctionURLEvent>('function-url-request.json');
  event.requestContext.http.method = options.method ?? 'POST';
  event.body = options.body;
  event.isBase64Encoded = options.isBase64Encoded ?? false;
  event.headers = { ...event.headers, ...options.headers };
  return event;
}

/** A webhook request signed as Piriod signs it. */
export function signedWebhook(
  payload: Record<string, unknown>,
  secret: string,
  extra: { method?: string } = {},
) {
  return functionUrlEvent({
    method: extra.method,
    body: JSON.stringify(payload),
    headers: { 'x-piriod-signature': webhookSignature(payload, secret) },
  });
}
