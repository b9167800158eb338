import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { EventBridgeBus, eventBridgeFromEnv } from '../../lib/aws/event-bridge-bus.js';
import { SqsRefreshQueue, sqsFromEnv } from '../../lib/aws/sqs-queues.js';
import { requireVariable } from '../../lib/env-variables.js';
import {
  continuationDetailSchema,
  EVENT_SOURCE,
  MIRROR_CONTINUED,
} from '../../lib/messages/events.js';
import type { MirrorContinuation, RefreshQueue } from '../../lib/ports.js';
import { systemClock } from '../../lib/ports.js';
import { piriodForLambda, storeForLambda } from '../../lib/runtime/lambda-wiring.js';
import {
  addSummaryMetrics,
  createLogger,
  createMetrics,
  piriodLatencyRecorder,
} from '../../lib/runtime/observability.js';
import { once } from '../../lib/runtime/once.js';
import { runScheduledMirror } from '../../lib/use-cases/scheduled-mirror.js';
import type { SyncPorts } from '../../lib/use-cases/sync-deps.js';

/** What the planner needs; built from the environment in AWS, injected in tests. */
export interface FullMirrorDeps extends SyncPorts {
  queue: RefreshQueue;
  continuation: MirrorContinuation;
}

/** Time kept back from the invocation's limit to drain writes and hand the rest on. */
export function safetyMarginMs(remainingMs: number): number {
  return Math.max(10_000, Math.floor(remainingMs * 0.2));
}

const scheduledEvent = z.object({ 'detail-type': z.literal('Scheduled Event') });
const continuationEvent = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal(MIRROR_CONTINUED),
  detail: continuationDetailSchema,
});

const logger = createLogger('full-mirror');
const metrics = createMetrics('full-mirror');

/**
 * The scheduled full mirror. Works against a time budget derived from the remaining
 * invocation time; when it runs out, it stops between pages and puts a continuation event on
 * the bus, which invokes it again from the next page.
 */
export function createFullMirrorHandler(deps: () => Promise<FullMirrorDeps>) {
  return async (event: unknown, context: Context) => {
    logger.addContext(context);
    const continued = continuationEvent.safeParse(event);
    if (!continued.success && !scheduledEvent.safeParse(event).success) {
      throw new Error(
        'full-mirror expects an EventBridge "Scheduled Event" or a "Full Mirror Continued" event',
      );
    }
    const d = await deps();
    const remaining = context.getRemainingTimeInMillis();
    const deadline = d.clock.now().getTime() + remaining - safetyMarginMs(remaining);
    const result = await runScheduledMirror(
      {
        ...d,
        source: 'schedule',
      },
      { resume: continued.success ? continued.data.detail : undefined, deadline },
    );
    addSummaryMetrics(metrics, result.summary);
    metrics.addMetric('handedOff', MetricUnit.Count, result.handedOff);
    if (result.completed) metrics.addMetric('MirrorCompleted', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    for (const f of result.summary.failed)
      logger.warn('customer not mirrored', { customerId: f.id, reason: f.reason });
    const report = {
      completed: result.completed,
      nextPage: result.nextPage,
      listed: result.listed,
      handedOff: result.handedOff,
      synced: result.summary.synced,
      created: result.summary.created,
      updated: result.summary.updated,
      unchanged: result.summary.unchanged,
      deleted: result.summary.deleted,
      failed: result.summary.failed.length,
    };
    logger.info(result.completed ? 'full mirror done' : 'full mirror continues', report);
    return report;
  };
}

/** Real dependencies from the stack's environment (built once per cold start below). */
export async function fullMirrorDepsFromEnv(
  env: Record<string, string | undefined>,
): Promise<FullMirrorDeps> {
  const piriod = await piriodForLambda(env, piriodLatencyRecorder(metrics));
  const bus = new EventBridgeBus(eventBridgeFromEnv(env), requireVariable(env, 'EVENT_BUS_NAME'));
  return {
    piriod: piriod.client,
    store: storeForLambda(env),
    queue: new SqsRefreshQueue(sqsFromEnv(env), requireVariable(env, 'REFRESH_QUEUE_URL')),
    continuation: bus,
    workspace: piriod.settings.workspace,
    testMode: piriod.settings.testMode,
    clock: systemClock,
  };
}

export const handler = createFullMirrorHandler(once(() => fullMirrorDepsFromEnv(process.env)));
