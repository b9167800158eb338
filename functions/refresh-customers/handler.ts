import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { piriodWorkspacesForLambda } from '../../lib/compose/piriod.js';
import { deadLetterQueue } from '../../lib/compose/queues.js';
import { storeAndCanaries } from '../../lib/compose/table.js';
import { once } from '../../lib/concurrency/once.js';
import { loadRefreshWorkerConfig, type RefreshWorkerConfig } from '../../lib/config.js';
import { invocationDeadline } from '../../lib/lambda/deadline.js';
import {
  addSummaryMetrics,
  createLogger,
  createMetrics,
  createWorkspaceMetrics,
  logOutcome,
  piriodLatencyByWorkspace,
  summaryCounts,
} from '../../lib/lambda/observability.js';
import { reporting } from '../../lib/lambda/reporting.js';
import { REFRESH_QUEUE } from '../../lib/messages/routing.js';
import {
  type CanaryLog,
  type Clock,
  type CustomerStore,
  type DeadLetters,
  type PiriodWorkspaces,
  systemClock,
} from '../../lib/ports.js';
import { SDK_BUDGETS, worstCaseCallMs } from '../../lib/sdk/sdk-budgets.js';
import { processRefreshBatch } from '../../lib/use-cases/process-refresh-batch.js';

/** What the refresh worker needs; built from its configuration in AWS, injected in tests. */
export interface RefreshCustomersDeps {
  /** The workspaces mirrored: each message is refreshed from the one it names. */
  workspaces: PiriodWorkspaces;
  store: CustomerStore;
  clock: Clock;
  deadLetters: DeadLetters;
  concurrency: number;
  /** Where `doctor`'s canaries are recorded once handled. */
  canaries?: CanaryLog;
  /**
   * Time kept back after the deadline at least, for what runs after it: writes still in
   * flight, then the dead letters (sent together). Two stalled calls of the function's SDK
   * budget; 0 leaves the plain safety margin.
   */
  afterDeadlineMs?: number;
}

const logger = createLogger('refresh-customers');
const metrics = createMetrics('refresh-customers');
const perWorkspace = createWorkspaceMetrics('refresh-customers');

/**
 * The SQS refresh worker: refreshes each distinct customer of the batch once, against the
 * invocation's remaining time (less a safety margin), and answers with `batchItemFailures`
 * for the messages whose customers failed transiently or could not be started in time;
 * permanent failures, and transient ones on a message's last receive, go to the dead-letter
 * queue with their reason.
 */
export function createRefreshCustomersHandler(deps: () => Promise<RefreshCustomersDeps>) {
  return reporting(
    { logger, metrics, perWorkspace },
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      const d = await deps();
      const messages = event.Records.map((r) => ({
        messageId: r.messageId,
        body: r.body,
        attributes: { syncSource: r.messageAttributes?.syncSource?.stringValue },
        receiveCount: receiveCountOf(r.attributes?.ApproximateReceiveCount),
      }));
      const result = await processRefreshBatch(messages, {
        ...d,
        deadline: invocationDeadline(context, d.clock, d.afterDeadlineMs),
        maxReceiveCount: REFRESH_QUEUE.maxReceiveCount,
        onOutcome: (o) => logOutcome(logger, o),
      });
      // Outcome counts by workspace; only configured workspaces ever reach the map.
      for (const [workspace, summary] of result.byWorkspace)
        addSummaryMetrics(perWorkspace.of(workspace), summary);
      // The message is retried, but on its last receive SQS's redrive drops the reason: the
      // log line is where it survives.
      for (const u of result.unsent)
        logger.error('dead letter not sent; SQS will redeliver', { ...u });
      if (result.unsent.length > 0)
        metrics.addMetric('DeadLetterSendFailed', MetricUnit.Count, result.unsent.length);
      logger.info('batch done', {
        messages: messages.length,
        retried: result.retry.size,
        deadLettered: result.deadLettered,
        notStarted: result.notStarted,
        ...summaryCounts(result.summary),
      });
      // The answer is returned directly, as publish-changes returns its own: the use case
      // decides per batch, not per record (customers coalesced across messages, the most
      // urgent first, dead letters sent together), so Powertools' BatchProcessor, which runs
      // a handler per record, would only re-route a list already made.
      return {
        batchItemFailures: event.Records.filter((r) => result.retry.has(r.messageId)).map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    },
  );
}

/** `ApproximateReceiveCount` as a number; anything garbled counts as unknown (not the last). */
function receiveCountOf(raw: string | undefined): number | undefined {
  return raw !== undefined && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Real dependencies composed from the function's configuration (built once per cold start
 * below); AWS calls bounded by the function's SDK budget (tests pass shorter ones).
 */
export async function refreshCustomersDeps(
  config: RefreshWorkerConfig,
  sdk = SDK_BUDGETS['refresh-customers'],
): Promise<RefreshCustomersDeps> {
  const workspaces = piriodWorkspacesForLambda(
    config.piriod,
    piriodLatencyByWorkspace(perWorkspace),
    sdk,
  );
  const { store, canaries } = storeAndCanaries(config.store, sdk);
  return {
    workspaces,
    store,
    clock: systemClock,
    concurrency: config.piriod.connection.concurrency,
    deadLetters: deadLetterQueue(config.deadLetterQueue, sdk),
    canaries,
    afterDeadlineMs: 2 * worstCaseCallMs(sdk),
  };
}

// The entry: the environment is read here, once, on the first invocation of a container.
export const handler = createRefreshCustomersHandler(
  once(async () => refreshCustomersDeps(loadRefreshWorkerConfig(process.env))),
);
