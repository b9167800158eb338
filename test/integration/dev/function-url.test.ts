import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { serveFunctionUrl } from '../../../tools/dev/function-url.js';

/** Serves a handler that keeps the events it gets, sends one request, and stops. */
async function eventOf(pathAndQuery: string): Promise<LambdaFunctionURLEvent> {
  const seen: LambdaFunctionURLEvent[] = [];
  const served = await serveFunctionUrl(async (event) => {
    seen.push(event);
    return { statusCode: 200, body: '{}' };
  });
  try {
    const res = await fetch(`${served.url.replace(/\/$/, '')}${pathAndQuery}`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(200);
  } finally {
    await served.close();
  }
  return seen[0] as LambdaFunctionURLEvent;
}

describe('the local Function URL, payload 2.0', () => {
  it('passes the query string raw and as decoded parameters, repeated names joined by commas', async () => {
    const event = await eventOf('/?workspace=acc_B&x=a%20b&x=c');
    expect(event.rawQueryString).toBe('workspace=acc_B&x=a%20b&x=c');
    expect(event.queryStringParameters).toEqual({ workspace: 'acc_B', x: 'a b,c' });
  });

  it('has no queryStringParameters without a query string, as AWS omits them', async () => {
    const event = await eventOf('/');
    expect(event.rawQueryString).toBe('');
    expect('queryStringParameters' in event).toBe(false);
  });
});
