import { createFullMirrorHandler, fullMirrorDeps } from '../../functions/full-mirror/handler.js';
import {
  createReceiveWebhookHandler,
  receiveWebhookDeps,
} from '../../functions/receive-webhook/handler.js';
import {
  createRefreshCustomersHandler,
  refreshCustomersDeps,
} from '../../functions/refresh-customers/handler.js';
import { awaitAllInFlight } from '../../lib/concurrency/in-flight.js';
import {
  loadFullMirrorConfig,
  loadReceiverConfig,
  loadRefreshWorkerConfig,
} from '../../lib/config.js';
import { formatWorkspaceList } from '../../lib/customer/workspaces.js';
import type { Env } from '../../lib/env-variables.js';
import { DEFAULT_TABLE_NAME } from '../../lib/env-variables.js';
import { scheduleInput } from '../../lib/messages/events.js';
import {
  REFRESH_QUEUE,
  refreshVisibilityTimeoutSeconds,
  WORKER_TIMEOUT_SECONDS,
} from '../../lib/messages/routing.js';
import { LOCAL_REGION } from '../../lib/sdk/sdk-config.js';
import type { Sandbox } from '../sandbox/sandbox-server.js';
import { sendWebhook } from '../sandbox/webhook-sender.js';
import { localContext, serveFunctionUrl } from './function-url.js';
import { type BusEvent, startLocalAws } from './local-aws.js';
import { LocalQueue, type LocalQueueSettings } from './local-queue.js';
import { observedStore, type WriteOutcome } from './observed-store.js';

/** One hop of the flow, as the terminal shows it. */
export type Hop =
  | {
      hop: 'webhook';
      status: number;
      ms: number;
      customerId?: string;
      error?: string;
      /** The `?workspace=` the webhook was sent to, when one was. */
      workspace?: string;
    }
  | { hop: 'bus'; detailType: string; routedTo: string[]; ids?: string[]; workspace?: string }
  | { hop: 'queue'; messages: number; waitedMs: number }
  | { hop: 'worker'; customerId: string; outcome: WriteOutcome }
  | { hop: 'batch-done'; messages: number; retried: number; ms: number }
  | { hop: 'dead-letter'; reason: string; customerId?: string; body: string }
  | {
      hop: 'full-mirror';
      trigger: 'schedule' | 'continuation';
      report: Record<string, unknown>;
      /** The workspace its event named (several workspaces). */
      workspace?: string;
    };

/** One of several workspaces the runtime serves: its id, API token and webhook secret. */
export interface DevWorkspace {
  id: string;
  token: string;
  webhookSecret: string;
  testMode?: boolean;
}

/** Options of {@link startDevRuntime}. */
export interface DevRuntimeOptions {
  /** Where Piriod and the table are: PIRIOD_*, CUSTOMERS_TABLE, AWS_ENDPOINT_URL_DYNAMODB… */
  env: Env;
  /** The sandbox, when running against it: its changes are sent as signed webhooks. */
  sandbox?: Sandbox;
  /** The webhook signing secret shared by sender and receiver (one workspace). */
  webhookSecret: string;
  /**
   * Several workspaces, as a stack that mirrors them: the functions get `PIRIOD_WORKSPACES`,
   * `PIRIOD_API_TOKENS` and `PIRIOD_WEBHOOK_SECRETS`; the sandbox's changes in W are sent to
   * `<url>?workspace=W` signed with W's secret; the schedule runs one full mirror per
   * workspace. Without it, the one workspace of `env` and `webhookSecret`.
   */
  workspaces?: readonly DevWorkspace[];
  /** Scheduled full mirror every this many ms; 0 for none. */
  fullMirrorIntervalMs: number;
  /** full-mirror's Lambda timeout (its time budget is derived from it, as in AWS). */
  fullMirrorTimeoutMs?: number;
  /** Overrides of the stack's queue settings (tests shorten the visibility timeout). */
  queue?: Partial<LocalQueueSettings>;
  onHop?: (hop: Hop) => void;
}

/** A running local serverless flow. */
export interface DevRuntime {
  webhookUrl: string;
  /**
   * The environment with which every CLI command (`doctor` included) works against this
   * runtime from another shell: endpoints, region, table, bus, queues, webhook URL, Piriod and
   * the webhook secret (see {@link exportBlock}).
   */
  cliEnv: Env;
  deadLetters(): { body: string; reason?: string; customerId?: string }[];
  /** Resolves with the outcome of the next write of `id` (created, updated, deleted…). */
  nextWrite(id: string): Promise<WriteOutcome>;
  /**
   * Runs full-mirror now, as the schedule would (once per workspace, or only for
   * `workspace`), and then every continuation it asks for.
   */
  runFullMirror(workspace?: string): Promise<Record<string, unknown>[]>;
  /** Resolves once the refresh queue is empty and idle. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole serverless flow on one machine, with the handler modules Lambda runs:
 * `receive-webhook` behind a local Function URL, a local bus routing by the stack's rules, a
 * local refresh queue with the stack's SQS settings feeding `refresh-customers`, a dead-letter
 * queue, and `full-mirror` on a schedule and on continuation events. The functions reach the
 * bus and the queues through the official SDK clients, pointed at a local endpoint.
 */
export async function startDevRuntime(options: DevRuntimeOptions): Promise<DevRuntime> {
  const hop = options.onHop ?? (() => {});
  const writeWaiters = new Map<string, ((o: WriteOutcome) => void)[]>();
  const resolveWaiters = (id: string, outcome: WriteOutcome) => {
    const waiters = writeWaiters.get(id);
    if (waiters) {
      writeWaiters.delete(id);
      for (const w of waiters) w(outcome);
    }
  };
  const onWrite = (id: string, outcome: WriteOutcome) => {
    hop({ hop: 'worker', customerId: id, outcome });
    resolveWaiters(id, outcome);
  };

  const settings: LocalQueueSettings = {
    batchSize: REFRESH_QUEUE.batchSize,
    batchingWindowMs: REFRESH_QUEUE.batchingWindowSeconds * 1000,
    visibilityTimeoutMs:
      refreshVisibilityTimeoutSeconds(REFRESH_QUEUE.batchingWindowSeconds) * 1000,
    maxReceiveCount: REFRESH_QUEUE.maxReceiveCount,
    ...options.queue,
  };
  const dlq = new LocalQueue('dead-letter-queue', settings, undefined, undefined, (e) => {
    if (e.type !== 'sent') return;
    const { reason = '(no reason)', customerId } = e.message.attributes;
    hop({
      hop: 'dead-letter',
      reason,
      body: e.message.body,
      ...(customerId ? { customerId } : {}),
    });
  });
  let worker:
    | ((
        e: Parameters<ReturnType<typeof createRefreshCustomersHandler>>[0],
      ) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>)
    | undefined;
  const refreshQueue = new LocalQueue(
    'refresh-queue',
    settings,
    (event) => (worker as NonNullable<typeof worker>)(event),
    dlq,
    (e) => {
      if (e.type === 'batch') hop({ hop: 'queue', messages: e.messages, waitedMs: e.waitedMs });
      if (e.type === 'settled')
        hop({ hop: 'batch-done', messages: e.messages, retried: e.failed, ms: e.ms });
    },
  );
  const queues = { 'dead-letter-queue': dlq, 'refresh-queue': refreshQueue };

  // One cycle at a time per workspace (the stack reserves one concurrency per workspace).
  const fullMirrorChains = new Map<string, Promise<unknown>>();
  const planReports: Record<string, unknown>[] = [];
  let invokeFullMirror: (event: unknown, trigger: 'schedule' | 'continuation') => Promise<unknown> =
    async () => undefined;
  const pendingContinuations = new Set<Promise<unknown>>();
  const aws = await startLocalAws({
    queues,
    targets: {
      'refresh-queue': (event: BusEvent) => {
        refreshQueue.send(JSON.stringify(event));
      },
      'full-mirror': (event: BusEvent) => {
        // Asynchronous, as EventBridge invokes a function target.
        const p = invokeFullMirror(event, 'continuation').finally(() =>
          pendingContinuations.delete(p),
        );
        pendingContinuations.add(p);
      },
    },
    onEvent: (event, matched) => {
      const detail = event.detail as {
        customerId?: string;
        customerIds?: string[];
        workspace?: unknown;
      };
      const ids = detail.customerIds ?? (detail.customerId ? [detail.customerId] : undefined);
      hop({
        hop: 'bus',
        detailType: event['detail-type'],
        routedTo: matched.map((r) => r.target),
        ...(ids ? { ids } : {}),
        ...(typeof detail.workspace === 'string' ? { workspace: detail.workspace } : {}),
      });
    },
  });

  const several =
    options.workspaces && options.workspaces.length > 0 ? options.workspaces : undefined;
  const env: Env = {
    ...options.env,
    PIRIOD_WEBHOOK_SECRET: several?.[0]?.webhookSecret ?? options.webhookSecret,
    ...(several ? workspacesEnv(several) : {}),
    AWS_ENDPOINT_URL_SQS: aws.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    EVENT_BUS_NAME: aws.busName,
    REFRESH_QUEUE_URL: aws.queueUrl('refresh-queue'),
    DEAD_LETTER_QUEUE_URL: aws.queueUrl('dead-letter-queue'),
    // The schedule's period, as the stack sets it: full-mirror records it in the status, from
    // which `piriod-mirror status` takes its default --max-age.
    ...(options.fullMirrorIntervalMs >= 60_000
      ? { FULL_MIRROR_SCHEDULE_MINUTES: String(Math.round(options.fullMirrorIntervalMs / 60_000)) }
      : {}),
  };

  const workerDeps = await refreshCustomersDeps(loadRefreshWorkerConfig(env));
  const workerHandler = createRefreshCustomersHandler(async () => ({
    ...workerDeps,
    store: observedStore(workerDeps.store, onWrite),
  }));
  worker = async (event) => {
    return workerHandler(event, localContext('refresh-customers', WORKER_TIMEOUT_SECONDS * 1000));
  };

  const mirrorDeps = await fullMirrorDeps(loadFullMirrorConfig(env));
  const mirrorHandler = createFullMirrorHandler(async () => ({
    ...mirrorDeps,
    // A full mirror reports its totals (the full-mirror hop); writes still resolve waiters.
    store: observedStore(mirrorDeps.store, (id, outcome) => resolveWaiters(id, outcome)),
  }));
  invokeFullMirror = (event, trigger) => {
    const workspace = workspaceOf(event);
    const key = workspace ?? '';
    const run = (fullMirrorChains.get(key) ?? Promise.resolve()).then(async () => {
      const report = await mirrorHandler(
        event,
        localContext('full-mirror', options.fullMirrorTimeoutMs ?? 15 * 60_000),
      );
      planReports.push(report);
      hop({ hop: 'full-mirror', trigger, report, ...(workspace ? { workspace } : {}) });
      return report;
    });
    fullMirrorChains.set(
      key,
      run.catch(() => {}),
    );
    return run;
  };
  // What the schedule invokes: one event per workspace, as one rule per workspace does.
  const scheduledEvents = () =>
    several ? several.map((w) => scheduleInput(w.id)) : [scheduledEvent()];

  const receiverDeps = await receiveWebhookDeps(loadReceiverConfig(env));
  const receiver = createReceiveWebhookHandler(async () => receiverDeps);
  const url = await serveFunctionUrl(receiver, (result, ms, event) => {
    let said: { customerId?: string; error?: string } = {};
    try {
      said = JSON.parse(String(result.body ?? '{}'));
    } catch {
      // not JSON: nothing more to show
    }
    hop({
      hop: 'webhook',
      status: result.statusCode ?? 200,
      ms,
      ...(said.customerId ? { customerId: said.customerId } : {}),
      ...(said.error ? { error: said.error } : {}),
      ...(event.queryStringParameters?.workspace
        ? { workspace: event.queryStringParameters.workspace }
        : {}),
    });
  });

  options.sandbox?.onChange((change) => {
    // Piriod calls each workspace's own endpoint, signed with that endpoint's secret.
    const target = several
      ? several.find((w) => w.id === change.workspace)
      : { webhookSecret: options.webhookSecret };
    if (!target) return;
    const endpoint = several
      ? `${url.url}?workspace=${encodeURIComponent(change.workspace)}`
      : url.url;
    void sendWebhook(endpoint, target.webhookSecret, {
      event: change.event,
      object_id: change.id,
    }).catch(() => {});
  });

  const timer =
    options.fullMirrorIntervalMs > 0
      ? setInterval(() => {
          for (const event of scheduledEvents()) {
            void invokeFullMirror(event, 'schedule').catch(() => {});
          }
        }, options.fullMirrorIntervalMs)
      : undefined;

  return {
    webhookUrl: url.url,
    cliEnv: cliEnvOf(env, url.url, options.fullMirrorIntervalMs, several),
    deadLetters: () =>
      dlq.peek().map((m) => ({
        body: m.body,
        reason: m.attributes.reason,
        customerId: m.attributes.customerId,
      })),
    nextWrite: (id) =>
      new Promise((resolve) => {
        const list = writeWaiters.get(id) ?? [];
        list.push(resolve);
        writeWaiters.set(id, list);
      }),
    runFullMirror: async (workspace) => {
      const before = planReports.length;
      const events = scheduledEvents().filter(
        (e) => workspace === undefined || workspaceOf(e) === workspace,
      );
      if (events.length === 0) throw new Error(`the dev runtime does not serve ${workspace}`);
      await Promise.all(events.map((e) => invokeFullMirror(e, 'schedule')));
      await awaitAllInFlight(pendingContinuations);
      return planReports.slice(before);
    },
    drained: () => refreshQueue.idle(),
    close: async () => {
      clearInterval(timer);
      options.sandbox?.onChange(undefined);
      refreshQueue.close();
      dlq.close();
      await Promise.allSettled([...fullMirrorChains.values(), ...pendingContinuations]);
      await url.close();
      await aws.close();
    },
  };
}

/** The variables the CLI reads, as the functions of this runtime see them. */
function cliEnvOf(
  env: Env,
  webhookUrl: string,
  intervalMs: number,
  several: readonly DevWorkspace[] | undefined,
): Env {
  // Several workspaces: the single variables name the first (every command's default), the
  // maps the others (`--workspace W` takes W's token and secret from them).
  const first = several?.[0];
  const single: Env = first
    ? {
        PIRIOD_API_TOKEN: first.token,
        PIRIOD_WORKSPACE: first.id,
        ...(first.testMode ? { PIRIOD_TEST_MODE: 'true' } : {}),
      }
    : {};
  const pick = (name: string) => (env[name]?.trim() ? { [name]: env[name] as string } : {});
  return {
    ...pick('AWS_ENDPOINT_URL_DYNAMODB'),
    AWS_ENDPOINT_URL_EVENTBRIDGE: env.AWS_ENDPOINT_URL_EVENTBRIDGE,
    AWS_ENDPOINT_URL_SQS: env.AWS_ENDPOINT_URL_SQS,
    AWS_REGION: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || LOCAL_REGION,
    CUSTOMERS_TABLE: env.CUSTOMERS_TABLE?.trim() || DEFAULT_TABLE_NAME,
    EVENT_BUS_NAME: env.EVENT_BUS_NAME,
    REFRESH_QUEUE_URL: env.REFRESH_QUEUE_URL,
    DEAD_LETTER_QUEUE_URL: env.DEAD_LETTER_QUEUE_URL,
    WEBHOOK_URL: webhookUrl,
    PIRIOD_API_URL: env.PIRIOD_API_URL?.trim() || 'https://api.piriod.com',
    ...(first ? single : { ...pick('PIRIOD_API_TOKEN'), ...pick('PIRIOD_WORKSPACE') }),
    ...(first ? {} : pick('PIRIOD_TEST_MODE')),
    PIRIOD_WEBHOOK_SECRET: env.PIRIOD_WEBHOOK_SECRET,
    ...(several ? workspacesEnv(several) : {}),
    // What `doctor`'s full-mirror check measures against (a stack reads its schedule rule).
    ...(intervalMs > 0
      ? { FULL_MIRROR_INTERVAL_SECONDS: String(Math.ceil(intervalMs / 1000)) }
      : {}),
  };
}

/** `PIRIOD_WORKSPACES`, `PIRIOD_API_TOKENS` and `PIRIOD_WEBHOOK_SECRETS` of several workspaces. */
function workspacesEnv(workspaces: readonly DevWorkspace[]): Env {
  return {
    PIRIOD_WORKSPACES: formatWorkspaceList(
      workspaces.map((w) => ({ id: w.id, testMode: w.testMode ?? false })),
    ),
    PIRIOD_API_TOKENS: JSON.stringify(Object.fromEntries(workspaces.map((w) => [w.id, w.token]))),
    PIRIOD_WEBHOOK_SECRETS: JSON.stringify(
      Object.fromEntries(workspaces.map((w) => [w.id, w.webhookSecret])),
    ),
  };
}

/** The workspace a full-mirror event names (`detail.workspace`), if any. */
function workspaceOf(event: unknown): string | undefined {
  const w = (event as { detail?: { workspace?: unknown } } | undefined)?.detail?.workspace;
  return typeof w === 'string' ? w : undefined;
}

function scheduledEvent() {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: LOCAL_REGION,
    resources: ['arn:aws:events:us-east-1:000000000000:rule/local-schedule'],
    detail: {},
  };
}
