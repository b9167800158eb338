/**
 * What SQS accepts as message text (bodies and string attribute values): only #x9, #xA, #xD,
 * #x20–#xD7FF, #xE000–#xFFFD and #x10000–#x10FFFF. `SendMessage` rejects anything else, so a
 * reason quoting a hostile id must be made valid before it is sent, not after SQS refuses it.
 */

/** Whether a code point is one SQS allows in message text. */
function isSqsCodePoint(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** The first code point SQS would reject in `text`, or `undefined` when it has none. */
export function firstInvalidSqsCodePoint(text: string): number | undefined {
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (!isSqsCodePoint(cp)) return cp;
  }
  return undefined;
}

/** Marker that ends a value cut to its maximum length. */
export const CUT_MARKER = '…';

/**
 * `text` as a valid, bounded SQS string attribute value: every character SQS rejects (control
 * characters, lone surrogates, U+FFFE/U+FFFF) escaped as `\uXXXX`, the result cut to at most
 * `maxChars` code points ending with {@link CUT_MARKER}, never empty (SQS rejects empty values).
 *
 * @example
 * sqsAttributeValue('cus_\u0000x') // 'cus_\\u0000x'
 */
export function sqsAttributeValue(text: string, maxChars = 1000, empty = '(empty)'): string {
  const out: string[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    out.push(isSqsCodePoint(cp) ? ch : `\\u${cp.toString(16).padStart(4, '0')}`);
  }
  if (out.length === 0) return empty;
  // Cut by code points, so a surrogate pair is never split into two invalid halves.
  const chars = out.join('');
  const points = [...chars];
  if (points.length <= maxChars) return chars;
  return points.slice(0, Math.max(0, maxChars - 1)).join('') + CUT_MARKER;
}
