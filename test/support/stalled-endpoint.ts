import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP endpoint on 127.0.0.1 that accepts every connection, reads every request and never
 * answers: what a stalled AWS endpoint looks like to an SDK client. `requests` counts the
 * attempts that reached it (each timed-out attempt is retried on a new connection).
 */
export async function startStalledEndpoint() {
  const received: IncomingMessage[] = [];
  const server = createServer((req) => {
    received.push(req);
    req.resume(); // read the body; answer never
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Requests received so far, by `x-amz-target` (the AWS JSON-protocol operation). */
    targets: () => received.map((r) => String(r.headers['x-amz-target'])),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
