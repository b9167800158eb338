import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  piriodWebhookSignatures,
  signatureOfText,
  verifyWebhookSignature,
  webhookSignature,
} from '../../../lib/piriod/signature.js';

const secret = 'whsecret_test';
const hmac = (message: string, key = secret) =>
  createHmac('sha256', key).update(message, 'utf8').digest('hex');

/** Bodies and what Python signs of them, generated once by generate.py beside the JSON. */
const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/signature/python-values.json', import.meta.url), 'utf8'),
) as {
  secret: string;
  cases: { name: string; text: string; rendered: string; signature: string | null }[];
};

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of the values joined in order', () => {
    const payload = { event: 'customer.updated', object_id: 'cus_123' };
    expect(webhookSignature(payload, secret)).toBe(hmac('customer.updatedcus_123'));
  });

  it('verifies a correct signature and rejects a wrong, missing or malformed one', () => {
    const text = JSON.stringify({ event: 'payment.created', object_id: 'pay_1' });
    const sig = webhookSignature(JSON.parse(text), secret);
    expect(verifyWebhookSignature(text, sig, secret)).toBe(true);
    expect(verifyWebhookSignature(text, sig.toUpperCase(), secret)).toBe(true);
    expect(verifyWebhookSignature(text, undefined, secret)).toBe(false);
    expect(verifyWebhookSignature(text, 'abc', secret)).toBe(false);
    expect(verifyWebhookSignature(text, sig, 'whsecret_other')).toBe(false);
    expect(verifyWebhookSignature(text.replace('pay_1', 'pay_2'), sig, secret)).toBe(false);
  });

  it('depends on value order, as Python dict order does', () => {
    const a = webhookSignature({ event: 'x', object_id: 'y' }, secret);
    const b = webhookSignature({ object_id: 'y', event: 'x' }, secret);
    expect(a).not.toBe(b);
  });

  it('matches the signature Python computes for every fixture body', () => {
    for (const c of vectors.cases.filter((v) => v.signature !== null)) {
      expect(signatureOfText(c.text, vectors.secret), c.name).toBe(c.signature);
      expect(verifyWebhookSignature(c.text, c.signature as string, vectors.secret), c.name).toBe(
        true,
      );
    }
  });

  it('refuses what is not a JSON object, or nests past 32 levels, instead of throwing', () => {
    const sig = hmac('');
    for (const text of ['[1]', '"s"', 'nope', '{"a": 1', '{"a": 1} x']) {
      expect(verifyWebhookSignature(text, sig, secret), text).toBe(false);
    }
    const deep = `{"a": ${'['.repeat(40)}${']'.repeat(40)}}`;
    expect(signatureOfText(deep, secret)).toBeUndefined();
    expect(verifyWebhookSignature(deep, sig, secret)).toBe(false);
  });
});

describe('piriodWebhookSignatures (the receiver port)', () => {
  it('verifies over the values in the order the keys were sent, and checks syntax first', () => {
    const text = '{"object_id":"cus_1","event":"customer.updated"}';
    const fields = JSON.parse(text) as Record<string, unknown>;
    const signature = hmac('cus_1customer.updated', 'whsec_1');
    expect(piriodWebhookSignatures.wellFormed(signature)).toBe(true);
    expect(piriodWebhookSignatures.wellFormed('nope')).toBe(false);
    expect(piriodWebhookSignatures.verify({ text, fields }, signature, 'whsec_1')).toBe(true);
    expect(piriodWebhookSignatures.verify({ text, fields }, signature, 'whsec_2')).toBe(false);
  });

  it('keeps the order of integer-like keys, which JSON.parse moves first', () => {
    const text = '{"event": "customer.updated", "7": "x", "object_id": "cus_1"}';
    const fields = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(fields)).toEqual(['7', 'event', 'object_id']);
    const signature = hmac('customer.updatedxcus_1');
    expect(piriodWebhookSignatures.verify({ text, fields }, signature, secret)).toBe(true);
  });
});
