import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUS_RULES, type BusRule, matchesPattern } from '../../lib/messages/routing.js';
import { LOCAL_REGION } from '../../lib/sdk/sdk-config.js';
import { type LocalQueue, SqsRejectedError } from './local-queue.js';
import { getQueueAttributes, receiveMessage, SqsApiError } from './sqs-read-api.js';

/** An event as the bus delivers it to a rule's target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** Where the local bus sends matched events, by the rule's target. */
export type BusTargets = Record<BusRule['target'], (event: BusEvent) => void>;

/**
 * A running local endpoint for EventBridge `PutEvents` and SQS `SendMessage(Batch)`,
 * `GetQueueAttributes` and `ReceiveMessage`.
 */
export interface LocalAws {
  url: string;
  busName: string;
  queueUrl(name: string): string;
  close(): Promise<void>;
}

const ACCOUNT = '000000000000';

/**
 * The AWS side of `npm run dev`, on 127.0.0.1: an endpoint that answers EventBridge's
 * `PutEvents` (routing each entry by the stack's own rules, `BUS_RULES`) and SQS's
 * `SendMessage`/`SendMessageBatch` (into {@link LocalQueue}s, with the MD5s the SDK checks).
 * The functions and the CLI reach it through the official SDK clients, pointed here by
 * `AWS_ENDPOINT_URL_EVENTBRIDGE` and `AWS_ENDPOINT_URL_SQS`, exactly as they reach AWS.
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const busName = options.busName ?? 'piriod-mirror-dev';
  const queueOf = (url: unknown) => {
    const name = String(url).split('/').pop() ?? '';
    const queue = options.queues[name];
    if (!queue)
      throw new LocalAwsError('AWS.SimpleQueueService.NonExistentQueue', `no queue ${name}`);
    return queue;
  };
  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    'AWSEvents.PutEvents': (body) => putEvents(body, busName, options),
    'AmazonSQS.SendMessage': (body) => sendMessage(queueOf(body.QueueUrl), body),
    // Read-only views for `doctor`: depth and a peek at the oldest dead letter.
    'AmazonSQS.GetQueueAttributes': (body) => getQueueAttributes(queueOf(body.QueueUrl), body),
    'AmazonSQS.ReceiveMessage': (body) => receiveMessage(queueOf(body.QueueUrl), body),
    'AmazonSQS.SendMessageBatch': (body) => sendMessageBatch(queueOf(body.QueueUrl), body),
  };

  const server = createServer((req, res) => {
    void answer(req, res, handlers);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    busName,
    queueUrl: (name) => `${base}/${ACCOUNT}/${name}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Options of {@link startLocalAws}. */
interface LocalAwsOptions {
  queues: Record<string, LocalQueue>;
  targets: BusTargets;
  busName?: string;
  onEvent?: (event: BusEvent, matched: BusRule[]) => void;
}

/** One AWS JSON-protocol request, answered by the handler its `x-amz-target` names. */
async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: Record<string, (body: Record<string, unknown>) => unknown>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const target = String(req.headers['x-amz-target'] ?? '');
  const reply = (status: number, body: unknown, type?: string) => {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      ...(type ? { 'x-amzn-errortype': type } : {}),
    });
    res.end(JSON.stringify(body));
  };
  const handler = handlers[target];
  if (!handler)
    return reply(
      400,
      { __type: 'UnknownOperationException', message: target },
      'UnknownOperationException',
    );
  try {
    reply(200, handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
  } catch (err) {
    const type =
      err instanceof LocalAwsError || err instanceof SqsApiError ? err.type : 'InternalFailure';
    reply(400, { __type: type, message: (err as Error).message }, type);
  }
}

/** EventBridge's `PutEvents`: each entry routed by the stack's rules to their targets. */
function putEvents(
  body: Record<string, unknown>,
  busName: string,
  options: Pick<LocalAwsOptions, 'targets' | 'onEvent'>,
): unknown {
  const entries = (body.Entries ?? []) as Record<string, unknown>[];
  const results = entries.map((e) => {
    if (e.EventBusName && e.EventBusName !== busName) {
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `no bus ${String(e.EventBusName)}`,
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(String(e.Detail ?? '{}'));
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
    }
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': String(e.DetailType),
      source: String(e.Source),
      account: ACCOUNT,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: (e.Resources as string[] | undefined) ?? [],
      detail,
    };
    const matched = BUS_RULES.filter((r) => matchesPattern(event, r.pattern));
    options.onEvent?.(event, matched);
    for (const rule of matched) options.targets[rule.target](event);
    return { EventId: event.id };
  });
  const failed = results.filter((r) => 'ErrorCode' in r).length;
  return { FailedEntryCount: failed, Entries: results };
}

/** SQS's `SendMessage`. */
function sendMessage(queue: LocalQueue, body: Record<string, unknown>): unknown {
  try {
    const sent = queue.send(String(body.MessageBody ?? ''), attributesOf(body));
    return { MessageId: sent.id, MD5OfMessageBody: sent.md5 };
  } catch (err) {
    if (err instanceof SqsRejectedError) throw new LocalAwsError(err.type, err.message);
    throw err;
  }
}

/** SQS's `SendMessageBatch`. */
function sendMessageBatch(queue: LocalQueue, body: Record<string, unknown>): unknown {
  const entries = (body.Entries ?? []) as Record<string, unknown>[];
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  for (const e of entries) {
    try {
      const sent = queue.send(String(e.MessageBody ?? ''), attributesOf(e));
      Successful.push({ Id: e.Id, MessageId: sent.id, MD5OfMessageBody: sent.md5 });
    } catch (err) {
      if (!(err instanceof SqsRejectedError)) throw err;
      // As SQS: an entry it refuses fails alone, as the sender's fault.
      Failed.push({ Id: e.Id, Code: err.type, Message: err.message, SenderFault: true });
    }
  }
  return { Successful, Failed };
}

class LocalAwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function attributesOf(entry: Record<string, unknown>): Record<string, string> {
  const attrs = (entry.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>;
  return Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k, String(v.StringValue ?? '')]),
  );
}
