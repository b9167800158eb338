import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest } from '../dynamo-proxy.js';
import { defaultAnswer, type FakeAwsResponse } from '../fake-aws.js';
import { type QueryAnswer, queryXml } from '../fake-aws-query.js';
import { type AwsCall, awsCallsOf, queryCallsOf, signedRegion } from './aws-calls.js';

/** Options of {@link startAwsCallRecorder}. */
export interface AwsCallRecorderOptions {
  /** DynamoDB Local: DynamoDB calls are passed through to it. */
  dynamoEndpoint: string;
  account: string;
  /** Region assumed for a request that is not signed with one. */
  region: string;
  /** Secrets Manager's content: secret ARN → value. */
  secrets: Record<string, string>;
  /** ARN of a stack by name (CloudFormation calls), as {@link CallSite.stackArn}. */
  stackArn?: (name: string) => string;
  /** Answers a JSON request before the default answer; `undefined` leaves it to the default. */
  answer?: (target: string, body: Record<string, unknown>) => FakeAwsResponse | undefined;
  /** Answers a Query-protocol request (CloudFormation, SNS). */
  answerQuery?: (params: Record<string, string>) => QueryAnswer;
}

/** Runs before a recorded request is answered: a test's way to make a race happen there. */
export type BeforeAnswer = (request: RecordedRequest) => Promise<void> | void;

/** One request the recorder received, with the authorizations it needs. */
export interface RecordedRequest {
  target: string;
  body: Record<string, unknown>;
  calls: AwsCall[];
}

/**
 * One local endpoint for every AWS service a function calls (point each
 * `AWS_ENDPOINT_URL_<SERVICE>` at it): it records each request as the IAM authorizations AWS
 * would make for it, then passes DynamoDB calls to DynamoDB Local and answers SQS,
 * EventBridge and Secrets Manager as AWS does on success. A request it cannot model is
 * recorded under {@link AwsCallRecorder.unmodelled} and refused, so it cannot go unchecked.
 */
export async function startAwsCallRecorder(options: AwsCallRecorderOptions) {
  const upstream = new URL(options.dynamoEndpoint);
  const requests: RecordedRequest[] = [];
  const unmodelled: string[] = [];
  let beforeAnswer: BeforeAnswer | undefined;
  const secretArn = (nameOrArn: string) =>
    Object.keys(options.secrets).find((arn) => arn.split(':')[6]?.startsWith(`${nameOrArn}-`)) ??
    nameOrArn;

  const answer = (res: ServerResponse, out: FakeAwsResponse) => {
    res.writeHead(out.status ?? 200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(out.body ?? {}));
  };
  const passToDynamo = (req: IncomingMessage, raw: Buffer, res: ServerResponse) =>
    forwardRequest(upstream, req, raw, res);

  const site = (req: IncomingMessage) => ({
    account: options.account,
    region: signedRegion(req.headers.authorization) ?? options.region,
    secretArn,
    stackArn: options.stackArn,
  });
  const answerQueryRequest = (raw: Buffer, req: IncomingMessage, res: ServerResponse) => {
    const params = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    const target = `query.${params.Action}`;
    let out: QueryAnswer;
    try {
      requests.push({ target, body: params, calls: queryCallsOf(params, site(req)) });
      if (!options.answerQuery) throw new Error('no answerQuery given');
      out = options.answerQuery(params);
    } catch (err) {
      unmodelled.push(`${target}: ${(err as Error).message}`);
      out = { status: 400, code: 'UnmodelledCall', message: (err as Error).message };
    }
    const { status, body } = queryXml(String(params.Action), out);
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (String(req.headers['content-type']).includes('x-www-form-urlencoded')) {
        answerQueryRequest(raw, req, res);
        return;
      }
      const target = String(req.headers['x-amz-target']);
      const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      const region = signedRegion(req.headers.authorization) ?? options.region;
      let recorded: RecordedRequest;
      try {
        const calls = awsCallsOf(target, body, { ...site(req), region });
        recorded = { target, body, calls };
        requests.push(recorded);
      } catch (err) {
        unmodelled.push(`${target}: ${(err as Error).message}`);
        const message = (err as Error).message;
        answer(res, { status: 400, body: { __type: 'UnmodelledCall', message } });
        return;
      }
      Promise.resolve(beforeAnswer?.(recorded)).then(
        () => {
          const own = options.answer?.(target, body);
          if (own) return answer(res, own);
          if (target.startsWith('DynamoDB_')) return passToDynamo(req, raw, res);
          if (target.startsWith('secretsmanager.')) {
            return answer(res, secretAnswer(target, body, secretArn, options.secrets));
          }
          answer(
            res,
            defaultAnswer({ target, headers: req.headers, body, raw: raw.toString('utf8') }),
          );
        },
        (err: Error) => {
          answer(res, { status: 500, body: { __type: 'InternalFailure', message: err.message } });
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    unmodelled,
    /** Every authorization the recorded requests needed. */
    calls: () => requests.flatMap((r) => r.calls),
    /** Sets (or clears) the hook run before each request is answered. */
    beforeAnswer(hook: BeforeAnswer | undefined) {
      beforeAnswer = hook;
    },
    /** Forgets what was recorded, and the hook. */
    reset() {
      requests.length = 0;
      unmodelled.length = 0;
      beforeAnswer = undefined;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A recorder started by {@link startAwsCallRecorder}. */
export type AwsCallRecorder = Awaited<ReturnType<typeof startAwsCallRecorder>>;

function secretAnswer(
  target: string,
  body: Record<string, unknown>,
  secretArn: (id: string) => string,
  secrets: Record<string, string>,
): FakeAwsResponse {
  const arn = secretArn(String(body.SecretId));
  const value = secrets[arn];
  if (value === undefined) {
    return {
      status: 400,
      body: {
        __type: 'ResourceNotFoundException',
        message: 'Secrets Manager can’t find the specified secret.',
      },
    };
  }
  const name = arn.split(':')[6]?.replace(/-[^-]{6}$/, '');
  if (target === 'secretsmanager.GetSecretValue') {
    return {
      body: {
        ARN: arn,
        Name: name,
        SecretString: value,
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
      },
    };
  }
  return { body: { ARN: arn, Name: name } };
}
