import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface FakeAwsRequest {
  target: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
}

/** What the fake answers: a JSON body (or raw text), a status, headers, an optional delay. */
export interface FakeAwsResponse {
  status?: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A local stand-in for AWS JSON-protocol endpoints (SQS, EventBridge, Secrets Manager) over
 * HTTP on 127.0.0.1, for the official SDK clients: records every request and answers with
 * what `respond` returns.
 */
export async function startFakeAws(
  respond: (req: FakeAwsRequest) => FakeAwsResponse = (r) => defaultAnswer(r),
) {
  const requests: FakeAwsRequest[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const r = {
        target: String(req.headers['x-amz-target']),
        headers: req.headers,
        body: JSON.parse(raw || '{}'),
        raw,
      };
      requests.push(r);
      const out = respond(r);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(out.status ?? 200, {
          'content-type': 'application/x-amz-json-1.1',
          ...out.headers,
        });
        res.end(out.raw ?? JSON.stringify(out.body ?? {}));
      };
      if (out.delayMs) setTimeout(send, out.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * A successful answer as AWS gives it: SQS's `MD5OfMessageBody` for every body (the SDK
 * checks it), EventBridge event ids, an empty object otherwise.
 */
export function defaultAnswer(r: FakeAwsRequest): FakeAwsResponse {
  if (r.target === 'AmazonSQS.SendMessage') {
    return { body: { MessageId: 'm-1', MD5OfMessageBody: md5(String(r.body.MessageBody)) } };
  }
  if (r.target === 'AmazonSQS.SendMessageBatch') {
    const entries = r.body.Entries as { Id: string; MessageBody: string }[];
    return { body: { Successful: entries.map((e) => sqsSuccess(e)), Failed: [] } };
  }
  if (r.target === 'AWSEvents.PutEvents') {
    const entries = r.body.Entries as unknown[];
    return {
      body: { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `e-${i}` })) },
    };
  }
  return { body: {} };
}

/** One accepted entry of `SendMessageBatch`, with its MD5. */
export function sqsSuccess(e: { Id: string; MessageBody: string }) {
  return { Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) };
}
