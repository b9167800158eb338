import { webhookSignature } from '../piriod/signature.js';

/** A Piriod webhook notification: `{event, object_id}`. */
export interface WebhookPayload {
  event: string;
  object_id: string;
  [key: string]: unknown;
}

/**
 * Sends a webhook the way Piriod does: `POST` of the JSON payload with
 * `x-piriod-signature` (hex HMAC-SHA256 over the values in order).
 *
 * @returns the receiver's HTTP status.
 */
export async function sendWebhook(
  url: string,
  secret: string,
  payload: WebhookPayload,
): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-piriod-signature': webhookSignature(payload, secret),
    },
    body: JSON.stringify(payload),
  });
  await res.arrayBuffer();
  return res.status;
}
