import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface FakeAwsRequest {
  target: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
}

/**
 * A local stand-in for AWS JSON-protocol endpoints (SQS, EventBridge, Secrets Manager) over
 * HTTP on 127.0.0.1: records every request and answers with what `respond` returns.
 */
export async function startFakeAws(
  respond: (req: FakeAwsRequest) => { status?: number; body: unknown } = () => ({ body: {} }),
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
      res.writeHead(out.status ?? 200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
