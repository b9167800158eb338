import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSignatures } from '../ports.js';
import { pythonValuesOf } from './python-values.js';

/**
 * Piriod's signature rule as the receiver's port: the header's syntax, then the HMAC over
 * the values of the body's text as Python renders them.
 */
export const piriodWebhookSignatures: WebhookSignatures = {
  wellFormed: isSignatureFormat,
  verify: (body, signature, secret) => verifyWebhookSignature(body.text, signature, secret),
};

/**
 * Piriod's webhook signature of a body's text: hex HMAC-SHA256, keyed with the webhook
 * secret, over `''.join(map(str, json.loads(text).values()))` as Python computes it
 * ({@link pythonValuesOf}) — not over the raw body. `undefined` for a text Piriod cannot
 * have signed (not a JSON object, too deep, too large).
 */
export function signatureOfText(text: string, secret: string): string | undefined {
  const message = pythonValuesOf(text);
  if (message === undefined) return undefined;
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/**
 * The signature Piriod would send with `payload` serialized by `JSON.stringify` (what the
 * sandbox, `send-webhook` and `doctor` send).
 *
 * @throws RangeError when the payload is too deep or too large to be a notification.
 */
export function webhookSignature(payload: Record<string, unknown>, secret: string): string {
  const signature = signatureOfText(JSON.stringify(payload), secret);
  if (signature === undefined) throw new RangeError('payload too deep or too large to sign');
  return signature;
}

/** Syntax of a signature header: 64 hex digits (HMAC-SHA256). */
function isSignatureFormat(signature: string | undefined): signature is string {
  return signature !== undefined && /^[0-9a-fA-F]{64}$/.test(signature.trim());
}

/**
 * Checks `x-piriod-signature` against a body's raw text, in constant time. Returns false
 * for a missing, malformed or wrong signature, and for a text Piriod cannot have signed;
 * never throws.
 */
export function verifyWebhookSignature(
  text: string,
  signature: string | undefined,
  secret: string,
): boolean {
  if (!isSignatureFormat(signature)) return false;
  const rendered = signatureOfText(text, secret);
  if (rendered === undefined) return false;
  const expected = Buffer.from(rendered, 'hex');
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
