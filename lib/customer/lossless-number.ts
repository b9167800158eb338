/**
 * A JSON number that JavaScript cannot hold exactly (an integer beyond 2^53), kept as the
 * text Piriod sent, so the mirror can store it without silently changing its value.
 */
export class LosslessNumber {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

/** Smallest non-zero magnitude DynamoDB stores; smaller numbers are rejected (underflow). */
const DYNAMODB_MIN_MAGNITUDE = 1e-130;

/**
 * Whether the document client can store `n` as a DynamoDB number and read it back exactly:
 * it refuses magnitudes beyond `Number.MAX_SAFE_INTEGER`, and DynamoDB refuses non-zero
 * magnitudes below 1e-130.
 */
export function isStorableNumber(n: number): boolean {
  if (n === 0) return true;
  const m = Math.abs(n);
  return Number.isFinite(n) && m <= Number.MAX_SAFE_INTEGER && m >= DYNAMODB_MIN_MAGNITUDE;
}

/** Cheap test: only bodies with a 16-digit run can hold an integer beyond 2^53. */
const MAYBE_UNSAFE = /\d{16}/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * `JSON.parse`, except that integers beyond 2^53 come back as {@link LosslessNumber} with
 * their exact text instead of a rounded double. Costs nothing extra for bodies without a
 * 16-digit run.
 *
 * @throws SyntaxError as `JSON.parse` does.
 */
export function parseJsonLosslessly(text: string): unknown {
  if (!MAYBE_UNSAFE.test(text)) return JSON.parse(text);
  // Rewrite each unsafe integer as a string carrying a per-call marker, then revive it.
  const nonce = `lossless-${Math.random().toString(36).slice(2)}:`;
  // In the text the NUL is an escape (raw control characters are not JSON); parsed, it is one.
  const marker = `\u0000${nonce}`;
  let out = '';
  let last = 0;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      }
      continue;
    }
    if (c !== 0x2d /* - */ && (c < 0x30 || c > 0x39)) continue;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) continue;
    const token = m[0];
    if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
      out += `${text.slice(last, i)}"\\u0000${nonce}${token}"`;
      last = i + token.length;
      found = true;
    }
    i += token.length - 1;
  }
  if (!found) return JSON.parse(text);
  out += text.slice(last);
  return JSON.parse(out, (_key, value) =>
    typeof value === 'string' && value.startsWith(marker)
      ? new LosslessNumber(value.slice(marker.length))
      : value,
  );
}
