import { webhookSignature } from '../../lib/piriod/signature.js';

/** A Piriod webhook notification: `{event, object_id}`. */
export interface WebhookPayload {
  event: string;
  object_id: string;
  [key: string]: unknown;
}

/** What the receiver answered. */
export interface WebhookAnswer {
  status: number;
  /** The response body as text (the receiver says why it refused). */
  body: string;
}

/**
 * Sends a webhook the way Piriod does: `POST` of the JSON payload with
 * `x-piriod-signature` (hex HMAC-SHA256 over the values in order).
 *
 * @param signal - aborts the request (e.g. `AbortSignal.timeout(ms)` for a deployed URL).
 * @returns the receiver's HTTP status and body.
 */
export async function deliverWebhook(
  url: string,
  secret: string,
  payload: WebhookPayload,
  signal?: AbortSignal,
): Promise<WebhookAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-piriod-signature': webhookSignature(payload, secret),
    },
    body: JSON.stringify(payload),
    ...(signal ? { signal } : {}),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * Sends a webhook the way Piriod does (see {@link deliverWebhook}).
 *
 * @returns the receiver's HTTP status.
 */
export async function sendWebhook(
  url: string,
  secret: string,
  payload: WebhookPayload,
): Promise<number> {
  return (await deliverWebhook(url, secret, payload)).status;
}
