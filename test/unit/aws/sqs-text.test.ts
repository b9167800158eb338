import { describe, expect, it } from 'vitest';
import {
  CUT_MARKER,
  firstInvalidSqsCodePoint,
  sqsAttributeValue,
} from '../../../lib/aws/sqs-text.js';

describe('sqsAttributeValue', () => {
  it('escapes every character SQS rejects as \\uXXXX and keeps the ones it allows', () => {
    const hostile = 'cus_\u0000a\u0001b\u001f\uD800c\uFFFE\uFFFF\t\n\r é 😀';
    const value = sqsAttributeValue(hostile);
    expect(value).toBe('cus_\\u0000a\\u0001b\\u001f\\ud800c\\ufffe\\uffff\t\n\r é 😀');
    expect(firstInvalidSqsCodePoint(value)).toBeUndefined();
  });

  it('cuts long text to the maximum in code points, ending with a marker, never splitting a pair', () => {
    const long = 'x'.repeat(10_000);
    const cut = sqsAttributeValue(long, 1000);
    expect([...cut]).toHaveLength(1000);
    expect(cut.endsWith(CUT_MARKER)).toBe(true);
    const emoji = sqsAttributeValue('😀'.repeat(50), 10);
    expect([...emoji]).toHaveLength(10);
    expect(firstInvalidSqsCodePoint(emoji)).toBeUndefined();
    expect(sqsAttributeValue('short', 1000)).toBe('short');
  });

  it('never returns an empty value, which SQS rejects', () => {
    expect(sqsAttributeValue('')).toBe('(empty)');
    expect(sqsAttributeValue('', 10, '(no reason given)')).toBe('(no reason given)');
  });
});
