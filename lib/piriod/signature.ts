import { createHmac, timingSafeEqual } from 'node:crypto';

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
  const message = keyOrder.map((k) => pythonStr(payload[k])).join('');
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
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
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature.trim())) return false;
  const expected = Buffer.from(webhookSignature(payload, secret, keyOrder), 'hex');
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Python's `str()` of a JSON value, so signatures match Piriod's for any value type. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`,
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
