import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  piriodWebhookSignatures,
  pythonStr,
  topLevelKeyOrder,
  verifyWebhookSignature,
  webhookSignature,
} from '../../../lib/piriod/signature.js';

const secret = 'whsecret_test';

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of the values joined in order', () => {
    const payload = { event: 'customer.updated', object_id: 'cus_123' };
    const expected = createHmac('sha256', secret).update('customer.updatedcus_123').digest('hex');
    expect(webhookSignature(payload, secret)).toBe(expected);
  });

  it('verifies a correct signature and rejects a wrong, missing or malformed one', () => {
    const payload = { event: 'payment.created', object_id: 'pay_1' };
    const sig = webhookSignature(payload, secret);
    expect(verifyWebhookSignature(payload, sig, secret)).toBe(true);
    expect(verifyWebhookSignature(payload, sig.toUpperCase(), secret)).toBe(true);
    expect(verifyWebhookSignature(payload, undefined, secret)).toBe(false);
    expect(verifyWebhookSignature(payload, 'abc', secret)).toBe(false);
    expect(verifyWebhookSignature(payload, sig, 'whsecret_other')).toBe(false);
    expect(verifyWebhookSignature({ ...payload, object_id: 'pay_2' }, sig, secret)).toBe(false);
  });

  it('depends on value order, as Python dict order does', () => {
    const a = webhookSignature({ event: 'x', object_id: 'y' }, secret);
    const b = webhookSignature({ object_id: 'y', event: 'x' }, secret);
    expect(a).not.toBe(b);
  });

  it('renders non-string values as Python str() does', () => {
    expect(pythonStr(true)).toBe('True');
    expect(pythonStr(null)).toBe('None');
    expect(pythonStr(3)).toBe('3');
    expect(pythonStr({ a: [1, 'b'], c: false })).toBe("{'a': [1, 'b'], 'c': False}");
  });
});

describe('topLevelKeyOrder', () => {
  it('keeps the order keys were sent in, where JSON.parse moves integer-like keys first', () => {
    const text =
      '{"event": "customer.updated", "2": "b", "object_id": "cus_1", "1": {"x": [1, "}"]}}';
    expect(Object.keys(JSON.parse(text))).toEqual(['1', '2', 'event', 'object_id']);
    expect(topLevelKeyOrder(text)).toEqual(['event', '2', 'object_id', '1']);
  });

  it('handles escapes and nesting, and rejects what is not an object', () => {
    expect(topLevelKeyOrder('{"a\\"b": "}{", "c": {"d": [{}]}, "e": null}')).toEqual([
      'a"b',
      'c',
      'e',
    ]);
    expect(topLevelKeyOrder('[1]')).toBeUndefined();
    expect(topLevelKeyOrder('nope')).toBeUndefined();
  });

  it('lets a signature over Python key order verify', () => {
    const text = '{"event": "customer.updated", "7": "x", "object_id": "cus_1"}';
    const payload = JSON.parse(text);
    const pythonOrder = createHmac('sha256', secret).update('customer.updatedxcus_1').digest('hex');
    expect(verifyWebhookSignature(payload, pythonOrder, secret)).toBe(false);
    expect(verifyWebhookSignature(payload, pythonOrder, secret, topLevelKeyOrder(text))).toBe(true);
  });
});

describe('piriodWebhookSignatures (the receiver port)', () => {
  it('verifies over the values in the order the keys were sent, and checks syntax first', () => {
    const text = '{"object_id":"cus_1","event":"customer.updated"}';
    const fields = JSON.parse(text) as Record<string, unknown>;
    const signature = webhookSignature(fields, 'whsec_1', ['object_id', 'event']);
    expect(piriodWebhookSignatures.wellFormed(signature)).toBe(true);
    expect(piriodWebhookSignatures.wellFormed('nope')).toBe(false);
    expect(piriodWebhookSignatures.verify({ text, fields }, signature, 'whsec_1')).toBe(true);
    expect(piriodWebhookSignatures.verify({ text, fields }, signature, 'whsec_2')).toBe(false);
  });
});
