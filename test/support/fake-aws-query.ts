import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request to the fake: the form parameters of an AWS Query call (`Action`, …). */
export type QueryParams = Record<string, string>;

/** What the fake answers: the XML inside `<{Action}Response>`, or an error. */
export type QueryAnswer =
  | { result: string }
  | { status: number; code: string; message: string; type?: 'Sender' | 'Receiver' };

/**
 * A local stand-in for AWS Query-protocol services (CloudFormation, SNS) for the official SDK
 * clients: form-encoded requests in, `<{Action}Response><{Action}Result>…` or
 * `<ErrorResponse>` XML out, as the services answer. Records every request's parameters.
 */
export async function startFakeAwsQuery(answer: (p: QueryParams) => QueryAnswer) {
  const requests: QueryParams[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(raw));
      requests.push(params);
      const { status, body } = queryXml(params.Action ?? '', answer(params));
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The status and XML body a Query-protocol service answers `a` with. */
export function queryXml(action: string, a: QueryAnswer): { status: number; body: string } {
  const meta = '<ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>';
  return 'result' in a
    ? {
        status: 200,
        body: `<${action}Response><${action}Result>${a.result}</${action}Result>${meta}</${action}Response>`,
      }
    : {
        status: a.status,
        body: `<ErrorResponse><Error><Type>${a.type ?? 'Sender'}</Type><Code>${a.code}</Code><Message>${a.message}</Message></Error><RequestId>fake-request</RequestId></ErrorResponse>`,
      };
}

/** `<member>…</member>` for each entry, fields as elements. */
export function xmlMembers(entries: Record<string, string>[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return entries
    .map(
      (e) =>
        `<member>${Object.entries(e)
          .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
          .join('')}</member>`,
    )
    .join('');
}
