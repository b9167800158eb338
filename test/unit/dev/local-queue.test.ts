import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue, type SqsRejectedError } from '../../../tools/dev/local-queue.js';

const settings = { batchSize: 10, batchingWindowMs: 0, visibilityTimeoutMs: 0, maxReceiveCount: 3 };

describe('LocalQueue, the dev runtime’s SQS stand-in', () => {
  it('redrives a message after maxReceiveCount receives with its original attributes only, as SQS does', async () => {
    const dlq = new LocalQueue('dlq', settings, undefined, undefined);
    const receives: string[] = [];
    const queue = new LocalQueue(
      'q',
      settings,
      async (event: SQSEvent) => {
        for (const r of event.Records) receives.push(String(r.attributes.ApproximateReceiveCount));
        throw new Error('worker crashed');
      },
      dlq,
    );
    queue.send('{"customerId":"cus_1"}', { syncSource: 'schedule' });
    await queue.idle();
    queue.close();
    expect(receives).toEqual(['1', '2', '3']);
    expect(queue.depth).toBe(0);
    expect(dlq.peek().map((m) => [m.body, m.attributes])).toEqual([
      ['{"customerId":"cus_1"}', { syncSource: 'schedule' }],
    ]);
  });

  it('refuses what SQS refuses: invalid characters, empty values, oversized messages', () => {
    const queue = new LocalQueue('q', settings, undefined, undefined);
    const refusal = (body: string, attributes: Record<string, string> = {}) => {
      try {
        queue.send(body, attributes);
        return undefined;
      } catch (err) {
        return (err as SqsRejectedError).type;
      }
    };
    expect(refusal('ok', { reason: 'id cus_\u0001' })).toBe('InvalidParameterValue');
    expect(refusal('ok', { reason: 'lone \uD800' })).toBe('InvalidParameterValue');
    expect(refusal('ok', { reason: '' })).toBe('InvalidParameterValue');
    expect(refusal('body \u0000')).toBe('InvalidMessageContents');
    expect(refusal('')).toBe('MissingParameter');
    expect(refusal('x'.repeat(256 * 1024), { reason: 'r' })).toBe('InvalidParameterValue');
    expect(refusal('ok', { reason: 'tab\tnewline\n é 😀' })).toBeUndefined();
    expect(queue.depth).toBe(1);
  });
});
