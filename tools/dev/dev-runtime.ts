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
import type { Env } from '../../lib/env-variables.js';
import { scheduleInput } from '../../lib/messages/events.js';
import {
  REFRESH_QUEUE,
  refreshVisibilityTimeoutSeconds,
  WORKER_TIMEOUT_SECONDS,
} from '../../lib/messages/routing.js';
import type { Sandbox } from '../sandbox/sandbox-server.js';
import { sendWebhook } from '../sandbox/webhook-sender.js';
import { localContext, serveFunctionUrl } from './function-url.js';
import { type BusEvent, startLocalAws } from './local-aws.js';
import { LocalQueue, type LocalQueueSettings } from './local-queue.js';
import { observedStore, type WriteOutcome } from './observed-store.js';
import {
  cliEnvOf,
  type DevWorkspace,
  functionsEnv,
  scheduledEvent,
  workspaceOf,
} from './runtime-env.js';

export type { DevWorkspace } from './runtime-env.js';

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
   * workspace. Without it, the single workspace `env` names, with `webhookSecret`.
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

type HopSink = (hop: Hop) => void;
type WorkerInvoke = (
  e: Parameters<ReturnType<typeof createRefreshCustomersHandler>>[0],
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
type FullMirrorTrigger = 'schedule' | 'continuation';

/**
 * The whole serverless flow on one machine, with the handler modules Lambda runs:
 * `receive-webhook` behind a local Function URL, a local bus routing by the stack's rules, a
 * local refresh queue with the stack's SQS settings feeding `refresh-customers`, a dead-letter
 * queue, and `full-mirror` on a schedule and on continuation events. The functions reach the
 * bus and the queues through the official SDK clients, pointed at a local endpoint.
 */
export async function startDevRuntime(options: DevRuntimeOptions): Promise<DevRuntime> {
  const hop = options.onHop ?? (() => {});
  const writes = new WriteWaiters();
  let worker: WorkerInvoke | undefined;
  const { dlq, refreshQueue } = localQueues(options.queue, hop, (event) =>
    (worker as WorkerInvoke)(event),
  );
  let fullMirror: FullMirrorRunner | undefined;
  const pendingContinuations = new Set<Promise<unknown>>();
  const aws = await startLocalAws({
    queues: { 'dead-letter-queue': dlq, 'refresh-queue': refreshQueue },
    targets: {
      'refresh-queue': (event: BusEvent) => {
        refreshQueue.send(JSON.stringify(event));
      },
      'full-mirror': (event: BusEvent) => {
        // Asynchronous, as EventBridge invokes a function target.
        const p = (fullMirror?.invoke(event, 'continuation') ?? Promise.resolve()).finally(() =>
          pendingContinuations.delete(p),
        );
        pendingContinuations.add(p);
      },
    },
    onEvent: (event, matched) => hopOfBusEvent(hop, event, matched),
  });

  const several =
    options.workspaces && options.workspaces.length > 0 ? options.workspaces : undefined;
  const env = functionsEnv({ ...options, several, aws });

  const workerDeps = await refreshCustomersDeps(loadRefreshWorkerConfig(env));
  const workerHandler = createRefreshCustomersHandler(async () => ({
    ...workerDeps,
    store: observedStore(workerDeps.store, (id, outcome) => {
      hop({ hop: 'worker', customerId: id, outcome });
      writes.resolve(id, outcome);
    }),
  }));
  worker = async (event) => {
    return workerHandler(event, localContext('refresh-customers', WORKER_TIMEOUT_SECONDS * 1000));
  };
  const mirror = await fullMirrorRunner(env, options.fullMirrorTimeoutMs, hop, writes);
  fullMirror = mirror;
  // What the schedule invokes: one event per workspace, as one rule per workspace does.
  const scheduledEvents = () =>
    several ? several.map((w) => scheduleInput(w.id)) : [scheduledEvent()];

  const url = await serveReceiver(env, hop);
  if (options.sandbox)
    sendChangesAsWebhooks(options.sandbox, url.url, several, options.webhookSecret);

  const timer =
    options.fullMirrorIntervalMs > 0
      ? setInterval(() => {
          for (const event of scheduledEvents()) {
            void mirror.invoke(event, 'schedule').catch(() => {});
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
    nextWrite: (id) => writes.next(id),
    runFullMirror: async (workspace) => {
      const before = mirror.reports.length;
      const events = scheduledEvents().filter(
        (e) => workspace === undefined || workspaceOf(e) === workspace,
      );
      if (events.length === 0) throw new Error(`the dev runtime does not serve ${workspace}`);
      await Promise.all(events.map((e) => mirror.invoke(e, 'schedule')));
      await awaitAllInFlight(pendingContinuations);
      return mirror.reports.slice(before);
    },
    drained: () => refreshQueue.idle(),
    close: async () => {
      clearInterval(timer);
      options.sandbox?.onChange(undefined);
      refreshQueue.close();
      dlq.close();
      await Promise.allSettled([...mirror.chains.values(), ...pendingContinuations]);
      await url.close();
      await aws.close();
    },
  };
}

/** Who waits for the next write of which customer. */
class WriteWaiters {
  private readonly waiting = new Map<string, ((o: WriteOutcome) => void)[]>();

  next(id: string): Promise<WriteOutcome> {
    return new Promise((resolve) => {
      const list = this.waiting.get(id) ?? [];
      list.push(resolve);
      this.waiting.set(id, list);
    });
  }

  resolve(id: string, outcome: WriteOutcome): void {
    const waiters = this.waiting.get(id);
    if (waiters) {
      this.waiting.delete(id);
      for (const w of waiters) w(outcome);
    }
  }
}

/** The refresh queue, with the stack's SQS settings, feeding `worker`, and its dead-letter queue. */
function localQueues(
  overrides: Partial<LocalQueueSettings> | undefined,
  hop: HopSink,
  worker: WorkerInvoke,
): { dlq: LocalQueue; refreshQueue: LocalQueue } {
  const settings: LocalQueueSettings = {
    batchSize: REFRESH_QUEUE.batchSize,
    batchingWindowMs: REFRESH_QUEUE.batchingWindowSeconds * 1000,
    visibilityTimeoutMs:
      refreshVisibilityTimeoutSeconds(REFRESH_QUEUE.batchingWindowSeconds) * 1000,
    maxReceiveCount: REFRESH_QUEUE.maxReceiveCount,
    ...overrides,
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
  const refreshQueue = new LocalQueue('refresh-queue', settings, worker, dlq, (e) => {
    if (e.type === 'batch') hop({ hop: 'queue', messages: e.messages, waitedMs: e.waitedMs });
    if (e.type === 'settled')
      hop({ hop: 'batch-done', messages: e.messages, retried: e.failed, ms: e.ms });
  });
  return { dlq, refreshQueue };
}

/** The bus hop: which event, routed to which targets, for which customers and workspace. */
function hopOfBusEvent(hop: HopSink, event: BusEvent, matched: { target: string }[]): void {
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
}

/** full-mirror, invoked one cycle at a time per workspace, and the reports it returned. */
interface FullMirrorRunner {
  invoke(event: unknown, trigger: FullMirrorTrigger): Promise<Record<string, unknown>>;
  /** The last cycle of each workspace, to wait for at close. */
  readonly chains: Map<string, Promise<unknown>>;
  readonly reports: Record<string, unknown>[];
}

async function fullMirrorRunner(
  env: Env,
  timeoutMs: number | undefined,
  hop: HopSink,
  writes: WriteWaiters,
): Promise<FullMirrorRunner> {
  const mirrorDeps = await fullMirrorDeps(loadFullMirrorConfig(env));
  const mirrorHandler = createFullMirrorHandler(async () => ({
    ...mirrorDeps,
    // A full mirror reports its totals (the full-mirror hop); writes still resolve waiters.
    store: observedStore(mirrorDeps.store, (id, outcome) => writes.resolve(id, outcome)),
  }));
  // One cycle at a time per workspace (the stack reserves one concurrency per workspace).
  const chains = new Map<string, Promise<unknown>>();
  const reports: Record<string, unknown>[] = [];
  const invoke = (event: unknown, trigger: FullMirrorTrigger) => {
    const workspace = workspaceOf(event);
    const key = workspace ?? '';
    const run = (chains.get(key) ?? Promise.resolve()).then(async () => {
      const report = await mirrorHandler(
        event,
        localContext('full-mirror', timeoutMs ?? 15 * 60_000),
      );
      reports.push(report);
      hop({ hop: 'full-mirror', trigger, report, ...(workspace ? { workspace } : {}) });
      return report;
    });
    chains.set(
      key,
      run.catch(() => {}),
    );
    return run;
  };
  return { invoke, chains, reports };
}

/** receive-webhook behind a local Function URL, each answer shown as a webhook hop. */
async function serveReceiver(env: Env, hop: HopSink) {
  const receiverDeps = await receiveWebhookDeps(loadReceiverConfig(env));
  const receiver = createReceiveWebhookHandler(async () => receiverDeps);
  return serveFunctionUrl(receiver, (result, ms, event) => {
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
}

/** The sandbox's changes, sent as Piriod sends them: signed webhooks to the receiver. */
function sendChangesAsWebhooks(
  sandbox: Sandbox,
  url: string,
  several: readonly DevWorkspace[] | undefined,
  webhookSecret: string,
): void {
  sandbox.onChange((change) => {
    // Piriod calls each workspace's own endpoint, signed with that endpoint's secret.
    const target = several ? several.find((w) => w.id === change.workspace) : { webhookSecret };
    if (!target) return;
    const endpoint = several ? `${url}?workspace=${encodeURIComponent(change.workspace)}` : url;
    void sendWebhook(endpoint, target.webhookSecret, {
      event: change.event,
      object_id: change.id,
    }).catch(() => {});
  });
}
