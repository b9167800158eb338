import { describe, expect, it } from 'vitest';
import { parseRefreshMessage } from '../../../lib/messages/parse-refresh-message.js';

const event = (detail: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    source: 'piriod.mirror',
    'detail-type': 'Customer Refresh Requested',
    detail,
    ...extra,
  });

describe('parseRefreshMessage', () => {
  it('reads the EventBridge envelope and the bare detail alike', () => {
    expect(parseRefreshMessage(event({ customerId: 'cus_1' }))).toEqual({
      ids: ['cus_1'],
      invalidIds: [],
      origin: 'event',
    });
    expect(parseRefreshMessage('{"customerIds": ["cus_1", "cus_2", "cus_1"]}')).toEqual({
      ids: ['cus_1', 'cus_2'],
      invalidIds: [],
      origin: 'event',
    });
  });

  it('passes a doctor canary nonce through, and refuses one that could not name an item', () => {
    const nonce = '0f8e2c1a-7d3b-4e5f-9a6b-1c2d3e4f5a6b';
    expect(parseRefreshMessage(event({ customerId: 'cus_1', canary: nonce }))).toEqual({
      ids: ['cus_1'],
      invalidIds: [],
      origin: 'event',
      canary: nonce,
    });
    expect(
      parseRefreshMessage(JSON.stringify({ customerIds: ['cus_1'], canary: nonce })),
    ).toMatchObject({
      canary: nonce,
    });
    expect(parseRefreshMessage(event({ customerId: 'cus_1', canary: 'a#b/../c' }))).toHaveProperty(
      'reason',
    );
  });

  it('knows webhook- and schedule-originated requests', () => {
    expect(
      parseRefreshMessage(event({ customerId: 'cus_1' }, { resources: ['piriod-mirror:webhook'] })),
    ).toMatchObject({ origin: 'webhook' });
    expect(
      parseRefreshMessage('{"customerId": "cus_1"}', { syncSource: 'schedule' }),
    ).toMatchObject({ origin: 'schedule' });
  });

  it('separates ids that can never be Piriod ids', () => {
    expect(parseRefreshMessage('{"customerIds": ["cus_ok", "../", "", "a b"]}')).toEqual({
      ids: ['cus_ok'],
      invalidIds: ['../', '', 'a b'],
      origin: 'event',
    });
  });

  it('says why a message is not a refresh request', () => {
    const reason = (body: string) => (parseRefreshMessage(body) as { reason: string }).reason;
    expect(reason('not json')).toBe('message body is not JSON');
    expect(reason('[1]')).toBe('message body is not a JSON object');
    expect(
      reason(
        JSON.stringify({
          source: 'other',
          'detail-type': 'Customer Refresh Requested',
          detail: {},
        }),
      ),
    ).toMatch(
      /^not a "Customer Refresh Requested" event from piriod.mirror \(source: invalid value/,
    );
    expect(reason('{"customerIds": []}')).toMatch(/1-100 ids/);
    expect(
      reason(JSON.stringify({ customerIds: Array.from({ length: 101 }, (_, i) => `cus_${i}`) })),
    ).toMatch(/1-100 ids/);
    expect(reason('{"customerId": 42}')).toMatch(/expected \{"customerId"/);
  });
});
