import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SecretNotSetError } from '../../../lib/env-variables.js';
import { PiriodCredentialsError } from '../../../lib/piriod/errors.js';
import type { CustomerPage } from '../../../lib/ports.js';
import { StoreUnavailableError } from '../../../lib/store/errors.js';
import { metricsIn, stdoutOf } from '../../support/emf.js';
import { fixture, functionUrlEvent, sqsEvent } from '../../support/events.js';
import { fixedSecret, lambdaContext, MemoryBus, MemoryRefreshQueue } from '../../support/fakes.js';
import { MemoryCycleLease, MemoryPiriod, MemoryStore } from '../../support/memory-ports.js';
import { fullMirrorOf, inWorkspace, signedFor } from '../../support/workspace-deps.js';

/*
 * What an operator sees when an invocation fails: the handlers' real Powertools logger and
 * metrics, writing JSON lines and EMF to stdout as in Lambda (the suite silences them
 * elsewhere; here they are switched on before the handlers load).
 */
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

let handlers: {
  fullMirror: typeof import('../../../functions/full-mirror/handler.js');
  refreshCustomers: typeof import('../../../functions/refresh-customers/handler.js');
  receiveWebhook: typeof import('../../../functions/receive-webhook/handler.js');
  publishChanges: typeof import('../../../functions/publish-changes/handler.js');
};
beforeAll(async () => {
  handlers = {
    fullMirror: await import('../../../functions/full-mirror/handler.js'),
    refreshCustomers: await import('../../../functions/refresh-customers/handler.js'),
    receiveWebhook: await import('../../../functions/receive-webhook/handler.js'),
    publishChanges: await import('../../../functions/publish-changes/handler.js'),
  };
});

const REQUEST_ID = lambdaContext().awsRequestId;
const customer = (n: number) => ({ id: `cus_${n}`, name: `Cliente ${n}` });
const clock = { now: () => new Date('2026-11-25T12:00:00Z') };

afterEach(() => vi.restoreAllMocks());

/** One scheduled full-mirror invocation over in-memory ports; what it wrote out. */
function scheduledRun(piriod: MemoryPiriod, store: MemoryStore, lease = new MemoryCycleLease()) {
  const handler = handlers.fullMirror.createFullMirrorHandler(async () =>
    fullMirrorOf({
      piriod,
      store,
      queue: new MemoryRefreshQueue(),
      continuation: new MemoryBus(),
      lease,
      workspace: 'acc_1',
      clock,
    }),
  );
  return stdoutOf(() => handler(fixture('scheduled-event.json'), lambdaContext(60_000)));
}

describe('a full mirror that aborts still reports', () => {
  it('DynamoDB down: flushes MirrorAborted and InvocationFailed, logs the abort with the request id', async () => {
    const store = new MemoryStore();
    store.versionSnapshot = async () => {
      throw new StoreUnavailableError('DynamoDB is unreachable (ECONNREFUSED)');
    };
    const lines = await scheduledRun(new MemoryPiriod([customer(1)]), store);
    expect(metricsIn(lines)).toMatchObject({ MirrorAborted: 1, InvocationFailed: 1, failed: 0 });
    const aborted = lines.find((l) => l.message === 'full mirror aborted');
    expect(aborted).toMatchObject({
      level: 'ERROR',
      function_request_id: REQUEST_ID,
      reason: expect.stringContaining('unreachable'),
    });
  });

  it('bad credentials mid-listing: counts what was written before the abort', async () => {
    const piriod = new MemoryPiriod([customer(1), customer(2), customer(3)], 2);
    const list = piriod.listCustomers.bind(piriod);
    piriod.listCustomers = async function* (o) {
      for await (const page of list(o) as AsyncIterable<CustomerPage>) {
        if (page.page === 2) throw new PiriodCredentialsError('Piriod rejected the token (401)');
        yield page;
      }
    };
    const lines = await scheduledRun(piriod, new MemoryStore());
    expect(metricsIn(lines)).toMatchObject({ MirrorAborted: 1, created: 2 });
    expect(lines.find((l) => l.message === 'full mirror aborted')).toMatchObject({
      created: 2,
      reason: expect.stringContaining('401'),
    });
  });

  it('a cold start that cannot build its clients: logged and counted, not silent', async () => {
    const handler = handlers.fullMirror.createFullMirrorHandler(async () => {
      throw new Error('PIRIOD_WORKSPACE is not set');
    });
    const lines = await stdoutOf(() =>
      handler(fixture('scheduled-event.json'), lambdaContext(60_000)),
    );
    expect(metricsIn(lines)).toMatchObject({ InvocationFailed: 1 });
    expect(lines.find((l) => l.message === 'invocation failed')).toMatchObject({
      level: 'ERROR',
      function_request_id: REQUEST_ID,
      error: expect.objectContaining({ message: 'PIRIOD_WORKSPACE is not set' }),
    });
  });
});

describe('a full-mirror tick that finds a cycle running', () => {
  it('logs why it skipped and counts MirrorSkipped, without failing or writing', async () => {
    const lease = new MemoryCycleLease();
    await lease.acquire({
      token: 'running-cycle',
      cycleStartedAt: '2026-11-25T11:50:00.000Z',
      invocation: 1,
      now: '2026-11-25T11:50:00.000Z',
      expiresAt: '2026-11-25T12:20:00.000Z',
    });
    const store = new MemoryStore();
    const lines = await scheduledRun(new MemoryPiriod([customer(1)]), store, lease);
    expect(metricsIn(lines)).toMatchObject({ MirrorSkipped: 1 });
    expect(metricsIn(lines)).not.toHaveProperty('InvocationFailed');
    expect(lines.find((l) => l.message === 'full mirror skipped')).toMatchObject({
      level: 'WARN',
      function_request_id: REQUEST_ID,
      reason: 'cycle-running',
      holder: { cycleStartedAt: '2026-11-25T11:50:00.000Z', expiresAt: '2026-11-25T12:20:00.000Z' },
    });
    expect(store.writes).toBe(0);
  });
});

describe('a full-mirror tick before the API token is set', () => {
  it('logs "not configured: set <ARN>" as a warning, not an invocation failure', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ApiTokenSecret-AbCdEf';
    const handler = handlers.fullMirror.createFullMirrorHandler(async () => ({
      ...fullMirrorOf({
        piriod: new MemoryPiriod([]),
        store: new MemoryStore(),
        queue: new MemoryRefreshQueue(),
        continuation: new MemoryBus(),
        lease: new MemoryCycleLease(),
        workspace: 'acc_1',
        clock,
      }),
      workspaces: {
        ids: ['acc_1'],
        open: () =>
          Promise.reject(
            new SecretNotSetError(`the secret ${arn} has no value yet`, { secretArn: arn }),
          ),
      },
    }));
    const lines = await stdoutOf(() =>
      handler(fixture('scheduled-event.json'), lambdaContext(60_000)),
    );
    expect(lines.find((l) => l.message === `not configured: set ${arn}`)).toMatchObject({
      level: 'WARN',
      workspace: 'acc_1',
      function_request_id: REQUEST_ID,
    });
    expect(lines.some((l) => l.level === 'ERROR')).toBe(false);
    expect(metricsIn(lines)).toEqual({ NotConfigured: 1 });
  });
});

describe('the refresh worker reports what SQS refused', () => {
  it('a dead letter it could not send: logged with its reason and counted, the message retried', async () => {
    const handler = handlers.refreshCustomers.createRefreshCustomersHandler(async () =>
      inWorkspace({
        piriod: new MemoryPiriod([]),
        store: new MemoryStore(),
        deadLetters: { send: () => Promise.reject(new Error('SQS: KMS.DisabledException')) },
        workspace: 'acc_1',
        concurrency: 2,
        clock,
      }),
    );
    let answer: unknown;
    const lines = await stdoutOf(async () => {
      answer = await handler(sqsEvent(['this is not json']), lambdaContext());
    });
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(metricsIn(lines)).toMatchObject({ DeadLetterSendFailed: 1 });
    expect(
      lines.find((l) => l.message === 'dead letter not sent; SQS will redeliver'),
    ).toMatchObject({
      level: 'ERROR',
      messageId: 'msg-1',
      reason: expect.stringMatching(/not JSON/i),
      error: 'SQS: KMS.DisabledException',
    });
  });
});

describe('the other handlers report on failure too', () => {
  it('refresh-customers: a cold start whose secret cannot be read leaves a metric and a log line', async () => {
    const handler = handlers.refreshCustomers.createRefreshCustomersHandler(async () => {
      throw new Error('could not read PIRIOD_API_TOKEN_SECRET_ARN: AccessDeniedException');
    });
    const lines = await stdoutOf(() =>
      handler(sqsEvent(['{"customerId":"cus_1"}']), lambdaContext()),
    );
    expect(metricsIn(lines)).toMatchObject({ InvocationFailed: 1 });
    expect(lines.find((l) => l.message === 'invocation failed')).toMatchObject({
      function_request_id: REQUEST_ID,
      error: expect.objectContaining({ message: expect.stringContaining('AccessDenied') }),
    });
  });

  it('publish-changes: flushes even when its dependencies cannot be built', async () => {
    const handler = handlers.publishChanges.createPublishChangesHandler(async () => {
      throw new Error('EVENT_BUS_NAME is not set');
    });
    const lines = await stdoutOf(() => handler({ Records: [] }, lambdaContext()));
    expect(metricsIn(lines)).toMatchObject({ InvocationFailed: 1 });
  });

  it('receive-webhook: every log line carries the request id', async () => {
    const handler = handlers.receiveWebhook.createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret('whsec')),
      requests: new MemoryBus(),
    }));
    const lines = await stdoutOf(() =>
      handler(functionUrlEvent({ method: 'POST', body: '{}' }), lambdaContext()),
    );
    const webhookLines = lines.filter((l) => l.message === 'webhook');
    expect(webhookLines).toHaveLength(1);
    expect(webhookLines[0]).toMatchObject({ status: 401, function_request_id: REQUEST_ID });
  });
});
