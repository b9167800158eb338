import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest } from '../dynamo-proxy.js';
import { defaultAnswer, type FakeAwsResponse } from '../fake-aws.js';
import { type AwsCall, awsCallsOf, signedRegion } from './aws-calls.js';

/** Options of {@link startAwsCallRecorder}. */
export interface AwsCallRecorderOptions {
  /** DynamoDB Local: DynamoDB calls are passed through to it. */
  dynamoEndpoint: string;
  account: string;
  /** Region assumed for a request that is not signed with one. */
  region: string;
  /** Secrets Manager's content: secret ARN → value. */
  secrets: Record<string, string>;
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

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target']);
      const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      const region = signedRegion(req.headers.authorization) ?? options.region;
      let recorded: RecordedRequest;
      try {
        const calls = awsCallsOf(target, body, { account: options.account, region, secretArn });
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
