import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSignatures } from '../ports.js';

/**
 * Piriod's signature rule as the receiver's port: the header's syntax, then the HMAC over
 * the values in the order the keys were sent.
 */
export const piriodWebhookSignatures: WebhookSignatures = {
  wellFormed: isSignatureFormat,
  verify: (body, signature, secret) =>
    verifyWebhookSignature(body.fields, signature, secret, topLevelKeyOrder(body.text)),
};

/**
 * Piriod's webhook signature: hex HMAC-SHA256, keyed with the webhook secret, over the
 * payload's values concatenated in key order as Python's `''.join(map(str, values))`
 * renders them — not over the raw body.
 */
export function webhookSignature(
  payload: Record<string, unknown>,
  secret: string,
  keyOrder: readonly string[] = Object.keys(payload),
): string {
  const budget = { chars: MAX_RENDERED_CHARS };
  const message = keyOrder.map((k) => pythonStr(payload[k], budget)).join('');
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** Nesting rendered at most; Piriod's notifications are flat `{event, object_id}` objects. */
const MAX_RENDER_DEPTH = 32;
/** Characters rendered at most (the receiver takes bodies up to 64 KiB). */
const MAX_RENDERED_CHARS = 256 * 1024;

/** A payload too deep or too large to render: it cannot be one Piriod signed. */
class UnrenderablePayloadError extends Error {
  override readonly name = 'UnrenderablePayloadError';
}

/** Syntax of a signature header: 64 hex digits (HMAC-SHA256). */
function isSignatureFormat(signature: string | undefined): signature is string {
  return signature !== undefined && /^[0-9a-fA-F]{64}$/.test(signature.trim());
}

/**
 * Checks `x-piriod-signature` in constant time. Returns false for a missing, malformed or
 * wrong signature; never throws. Pass `keyOrder` from {@link topLevelKeyOrder} of the raw
 * body: `JSON.parse` moves integer-like keys first, Python keeps them where they were sent.
 */
export function verifyWebhookSignature(
  payload: Record<string, unknown>,
  signature: string | undefined,
  secret: string,
  keyOrder?: readonly string[],
): boolean {
  if (!isSignatureFormat(signature)) return false;
  let rendered: string;
  try {
    rendered = webhookSignature(payload, secret, keyOrder);
  } catch (err) {
    // Deeper or larger than any notification Piriod sends: it cannot carry a valid signature.
    if (err instanceof UnrenderablePayloadError) return false;
    throw err;
  }
  const expected = Buffer.from(rendered, 'hex');
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Python's `str()` of a JSON value, so signatures match Piriod's for any value type.
 *
 * @throws UnrenderablePayloadError past {@link MAX_RENDER_DEPTH} levels or the character budget.
 */
export function pythonStr(value: unknown, budget = { chars: MAX_RENDERED_CHARS }): string {
  if (typeof value !== 'string') return pythonRepr(value, 0, budget);
  budget.chars -= value.length;
  if (budget.chars < 0) throw new UnrenderablePayloadError('payload renders too large');
  return value;
}

function pythonRepr(value: unknown, depth: number, budget: { chars: number }): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') {
    // Leaves spend the budget, so rendering stays linear in the payload's size.
    const out = typeof value === 'number' ? pythonNumber(value) : pythonStringRepr(value);
    budget.chars -= out.length;
    if (budget.chars < 0) throw new UnrenderablePayloadError('payload renders too large');
    return out;
  }
  if (depth >= MAX_RENDER_DEPTH) throw new UnrenderablePayloadError('payload nests too deep');
  const inner = (v: unknown) => pythonRepr(v, depth + 1, budget);
  if (Array.isArray(value)) return `[${value.map(inner).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${pythonStringRepr(k)}: ${inner(v)}`,
  );
  return `{${entries.join(', ')}}`;
}

function pythonNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const s = String(n);
  // Python writes 1e+21 as 1e+21 too, but 1.5e-7 as 1.5e-07.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f')
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/**
 * The top-level keys of a JSON object text in the order they appear (first occurrence, as a
 * Python dict keeps them), or `undefined` when the text is not a JSON object.
 */
export function topLevelKeyOrder(text: string): string[] | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = () => {
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        string();
        i--;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) return;
        depth--;
      } else if (c === ',' && depth === 0) return;
    }
  };
  try {
    ws();
    if (text[i] !== '{') return undefined;
    i++;
    const keys: string[] = [];
    for (;;) {
      ws();
      if (text[i] === '}') return keys;
      if (text[i] !== '"') return undefined;
      const key = string();
      if (!keys.includes(key)) keys.push(key);
      ws();
      if (text[i] !== ':') return undefined;
      i++;
      skipValue();
      if (text[i] === ',') i++;
    }
  } catch {
    return undefined;
  }
}
