import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy in front of DynamoDB Local that can throttle (answer
 * ProvisionedThroughputExceededException like DynamoDB does) or go down (refuse
 * connections), so tests exercise the real SDK's retries against real faults.
 */
export async function startDynamoProxy(target: string) {
  const upstream = new URL(target);
  let throttleRate = 0;
  let throttleNext = 0;
  let requests = 0;
  let throttled = 0;
  let unprocessedNext = 0;
  let unprocessed = 0;
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const sockets = new Set<Socket>();
  const handler = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (throttleNext > 0 || random() < throttleRate) {
        if (throttleNext > 0) throttleNext--;
        throttled++;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'The level of configured provisioned throughput for the table was exceeded.',
          }),
        );
        return;
      }
      if (unprocessedNext > 0 && req.headers['x-amz-target'] === 'DynamoDB_20120810.BatchGetItem') {
        // What DynamoDB does under throttling: a 200 that hands the keys back as unprocessed.
        unprocessedNext--;
        unprocessed++;
        const { RequestItems } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const tables = Object.keys(RequestItems);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            Responses: Object.fromEntries(tables.map((t) => [t, []])),
            UnprocessedKeys: RequestItems,
          }),
        );
        return;
      }
      forwardRequest(upstream, req, Buffer.concat(chunks), res);
    });
  });
  handler.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let server: Server = handler;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: () => ({ requests, throttled, unprocessed }),
    /** Throttles this fraction of requests from now on. */
    throttle(rate: number) {
      throttleRate = rate;
    },
    /** Throttles the next `n` requests. */
    throttleFor(n: number) {
      throttleNext = n;
    },
    /** Answers the next `n` BatchGetItem calls with every key left unprocessed. */
    leaveUnprocessed(n: number) {
      unprocessedNext = n;
    },
    /** Stops accepting connections (ECONNREFUSED) and drops open ones. */
    async down() {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
    /** Accepts connections again on the same port. */
    async up() {
      server = handler;
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    },
    close: () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r())),
  };
}

/** Sends a request received by a local stand-in on to `upstream` as it came, and its answer back. */
export function forwardRequest(
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): void {
  const out = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (up) => {
      res.writeHead(up.statusCode ?? 500, up.headers);
      up.pipe(res);
    },
  );
  out.on('error', () => res.destroy());
  out.end(body);
}
