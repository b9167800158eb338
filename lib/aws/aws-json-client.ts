import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { sleep } from '../concurrency/sleep.js';

type Env = Record<string, string | undefined>;

/** Credentials as Lambda provides them in its environment. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of {@link AwsJsonClient}. */
export interface AwsJsonClientOptions {
  /** Signing name and endpoint prefix, e.g. `events`. */
  service: string;
  region: string;
  /** Full endpoint override (local fakes); default `https://{service}.{region}.amazonaws.com`. */
  endpoint?: string;
  credentials: AwsCredentials;
  /** `application/x-amz-json-1.1` (EventBridge) or `-1.0`. */
  contentType: string;
  /** Per-attempt timeout in ms. Default 3000. */
  timeoutMs?: number;
  /** Attempts for throttling, 5xx and network errors. Default 3. */
  maxAttempts?: number;
}

/** An AWS API answered with an error; `retryable` for throttling and 5xx. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|ServiceUnavailable/;

/**
 * A minimal client for AWS JSON-protocol APIs (EventBridge `PutEvents`, SQS
 * `SendMessage(Batch)`, Secrets Manager `GetSecretValue`): SigV4 signing by
 * `@smithy/signature-v4` (the SDK's own signer), `fetch`, bounded retries with full jitter.
 * It exists for cold starts: each full SDK client costs a function ~300 KB of bundle and
 * ~25-45 ms of import time (README, Performance), and these few calls need none of its
 * machinery. DynamoDB, the heart of the product, uses the SDK.
 */
export class AwsJsonClient {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(private readonly options: AwsJsonClientOptions) {
    this.url = new URL(
      options.endpoint ?? `https://${options.service}.${options.region}.amazonaws.com/`,
    );
    this.signer = new SignatureV4({
      service: options.service,
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
      uriEscapePath: true,
      applyChecksum: true,
    });
  }

  /** Calls `target` (e.g. `AWSEvents.PutEvents`) with a JSON body; returns the parsed answer. */
  async call<T>(target: string, body: unknown): Promise<T> {
    const attempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(target, JSON.stringify(body));
      } catch (err) {
        const retryable = !(err instanceof AwsCallError) || err.retryable;
        if (!retryable || attempt >= attempts) throw err;
        await sleep(Math.random() * 100 * 2 ** attempt);
      }
    }
  }

  private async once<T>(target: string, body: string): Promise<T> {
    const request = {
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path: this.url.pathname,
      headers: {
        host: this.url.host,
        'content-type': this.options.contentType,
        'x-amz-target': target,
      },
      body,
    };
    const signed = await this.signer.sign(request);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
      });
    } catch (err) {
      throw new AwsCallError(`${target} failed: ${(err as Error).message}`, undefined, true);
    }
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : {}) as T;
    let type = '';
    let message = text.slice(0, 200);
    try {
      const e = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
      type = (e.__type ?? '').split('#').pop() ?? '';
      message = e.message ?? e.Message ?? message;
    } catch {
      // not JSON: keep the text
    }
    const retryable = res.status >= 500 || res.status === 429 || THROTTLING.test(type);
    throw new AwsCallError(
      `${target} answered ${res.status} ${type}: ${message}`,
      res.status,
      retryable,
    );
  }
}

/** The SDK's hash interface over `node:crypto`, HMAC when given a key. */
class NodeSha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Credentials from the environment Lambda sets (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`). Against a loopback endpoint without them, dummy ones (local fakes).
 */
export function credentialsFromEnv(env: Env, endpoint: string | undefined): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey)
    return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN };
  if (endpoint && /^https?:\/\/(127\.|localhost)/.test(endpoint))
    return { accessKeyId: 'local', secretAccessKey: 'local' };
  throw new Error(
    'AWS credentials are not in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)',
  );
}

/**
 * A client for one service, configured as the SDK would be from the environment: region
 * from `AWS_REGION`, credentials from Lambda's variables, the endpoint from the SDK's
 * service-specific variable (e.g. `AWS_ENDPOINT_URL_SQS`) or `AWS_ENDPOINT_URL`.
 */
export function awsJsonClientFromEnv(
  env: Env,
  service: { name: string; endpointVariable: string; contentType: string; region?: string },
): AwsJsonClient {
  const endpoint = env[service.endpointVariable] ?? env.AWS_ENDPOINT_URL;
  return new AwsJsonClient({
    service: service.name,
    region: service.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint,
    credentials: credentialsFromEnv(env, endpoint),
    contentType: service.contentType,
  });
}
