import type { WebhookRequest } from '../use-cases/receive-webhook.js';
import { rejectReading, type WebhookAnswer } from './webhook-answer.js';

/** Largest body accepted; Piriod's notifications are a few dozen bytes. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

/** An HTTP request as a Lambda Function URL delivers it (headers lower-cased). */
export interface WebhookHttpRequest {
  method: string;
  headers: Record<string, string | undefined>;
  body: string | undefined;
  isBase64Encoded?: boolean;
  /** The `workspace` query parameter: Piriod's endpoint for W is `<url>?workspace=W`. */
  workspace?: string;
}

/**
 * Reads the receiver's HTTP request: a non-POST is answered 405 and a body over 64 KiB 413,
 * here, before anything else; any other becomes the request the use case judges, its body
 * decoded (base64) and parsed as a JSON object — or why it is not one, which the use case
 * rejects after its workspace checks (the order of docs/events.md).
 */
export function readWebhookRequest(
  http: WebhookHttpRequest,
): { answer: WebhookAnswer } | { request: WebhookRequest } {
  if (http.method.toUpperCase() !== 'POST') {
    return { answer: rejectReading('method', 'method not allowed: use POST') };
  }
  const raw = http.body ?? '';
  const approxBytes = http.isBase64Encoded
    ? Math.floor((raw.length * 3) / 4)
    : Buffer.byteLength(raw, 'utf8');
  if (approxBytes > MAX_WEBHOOK_BYTES) {
    return { answer: rejectReading('too-large', `body over ${MAX_WEBHOOK_BYTES} bytes`) };
  }
  const text = http.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return {
    request: {
      signature: http.headers['x-piriod-signature'],
      body: jsonObjectOf(text),
      ...(http.workspace === undefined ? {} : { workspace: http.workspace }),
    },
  };
}

function jsonObjectOf(text: string): WebhookRequest['body'] {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return { invalid: 'body is not JSON' };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { invalid: 'body is not a JSON object' };
  }
  return { text, fields: payload as Record<string, unknown> };
}
