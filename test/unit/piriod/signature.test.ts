import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  pythonStr,
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
