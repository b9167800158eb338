import { describe, expect, it } from 'vitest';
import { readWebhookRequest } from '../../../lib/lambda/webhook-request.js';

const post = (body: string | undefined, extra = {}) => ({
  method: 'POST',
  headers: { 'x-piriod-signature': 'a'.repeat(64) },
  body,
  ...extra,
});

describe('readWebhookRequest', () => {
  it('answers 405 (with Allow: POST) to any method but POST, whatever the body', () => {
    const read = readWebhookRequest({ method: 'GET', headers: {}, body: 'x'.repeat(70_000) });
    expect(read).toMatchObject({
      answer: { statusCode: 405, headers: { allow: 'POST' }, outcome: 'rejected' },
    });
  });

  it('answers 413 to a body over 64 KiB, plain or base64', () => {
    const big = 'x'.repeat(70_000);
    expect(readWebhookRequest(post(big))).toMatchObject({ answer: { statusCode: 413 } });
    const encoded = Buffer.from(big).toString('base64');
    expect(readWebhookRequest(post(encoded, { isBase64Encoded: true }))).toMatchObject({
      answer: { statusCode: 413 },
    });
  });

  it('decodes a base64 body and hands over its text, its object, the signature and the workspace', () => {
    const text = '{"event":"customer.updated","object_id":"cus_1"}';
    const read = readWebhookRequest(
      post(Buffer.from(text).toString('base64'), { isBase64Encoded: true, workspace: 'acc_1' }),
    );
    expect(read).toEqual({
      request: {
        signature: 'a'.repeat(64),
        body: { text, fields: { event: 'customer.updated', object_id: 'cus_1' } },
        workspace: 'acc_1',
      },
    });
  });

  it('leaves the 400 of a body that is no JSON object to the use case, with its reason', () => {
    expect(readWebhookRequest(post('not json'))).toMatchObject({
      request: { body: { invalid: 'body is not JSON' } },
    });
    for (const body of ['[1]', 'null', '"x"', undefined]) {
      expect(readWebhookRequest(post(body))).toMatchObject({
        request: { body: { invalid: expect.stringMatching(/^body is not/) } },
      });
    }
  });
});
