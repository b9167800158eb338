import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';

/** A Lambda context for an in-process invocation with a time limit, as Lambda gives one. */
export function localContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

type UrlHandler = (
  event: LambdaFunctionURLEvent,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * `queryStringParameters` as payload 2.0 has them: decoded values, a repeated name's values
 * joined with commas, and the field absent when there is no query string.
 */
function queryParameters(url: URL): { queryStringParameters?: Record<string, string> } {
  if (!url.search.slice(1)) return {};
  const params: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) {
    params[name] = url.searchParams.getAll(name).join(',');
  }
  return { queryStringParameters: params };
}

/**
 * Serves a Function URL handler on 127.0.0.1: each HTTP request becomes a payload-2.0 event
 * (lower-cased headers, raw query string and its parameters, raw body, `isBase64Encoded` for
 * non-text bodies), the handler's result becomes the response, as Lambda's Function URL does.
 */
export async function serveFunctionUrl(
  handler: UrlHandler,
  onRequest: (
    result: APIGatewayProxyStructuredResultV2,
    ms: number,
    event: LambdaFunctionURLEvent,
  ) => void = () => {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    const binary = !Buffer.from(text, 'utf8').equals(raw);
    const url = new URL(req.url ?? '/', 'http://local');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [
        k.toLowerCase(),
        Array.isArray(v) ? v.join(',') : String(v),
      ]),
    );
    const now = new Date();
    const event: LambdaFunctionURLEvent = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...queryParameters(url),
      headers,
      requestContext: {
        accountId: 'anonymous',
        apiId: 'local',
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: 'local',
        http: {
          method: req.method ?? 'GET',
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: '$default',
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      body: raw.length === 0 ? undefined : binary ? raw.toString('base64') : text,
      isBase64Encoded: binary,
    };
    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = await handler(event, localContext('receive-webhook', 10_000));
    } catch {
      // Lambda answers a function error on a Function URL with 502.
      result = { statusCode: 502, body: '{"message":"Internal Server Error"}' };
    }
    const status = result.statusCode ?? 200;
    res.writeHead(status, (result.headers ?? {}) as Record<string, string>);
    res.end(result.body ?? '');
    onRequest(result, Date.now() - started, event);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
