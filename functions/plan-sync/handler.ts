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
} from '../../lib/refresh/events.js';
import { planFullMirror } from '../../lib/refresh/plan-full-mirror.js';
import type { MirrorContinuation, RefreshQueue } from '../../lib/refresh/ports.js';
import { piriodForLambda, storeForLambda } from '../../lib/runtime/lambda-wiring.js';
import {
  addSummaryMetrics,
  createLogger,
  createMetrics,
  piriodLatencyRecorder,
} from '../../lib/runtime/observability.js';
import { once } from '../../lib/runtime/once.js';
import { type SyncPorts, systemClock } from '../../lib/sync/ports.js';

/** What the planner needs; built from the environment in AWS, injected in tests. */
export interface PlanSyncDeps extends SyncPorts {
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

const logger = createLogger('plan-sync');
const metrics = createMetrics('plan-sync');

/**
 * The scheduled full mirror. Works against a time budget derived from the remaining
 * invocation time; when it runs out, it stops between pages and puts a continuation event on
 * the bus, which invokes it again from the next page.
 */
export function createPlanSyncHandler(deps: () => Promise<PlanSyncDeps>) {
  return async (event: unknown, context: Context) => {
    logger.addContext(context);
    const continued = continuationEvent.safeParse(event);
    if (!continued.success && !scheduledEvent.safeParse(event).success) {
      throw new Error(
        'plan-sync expects an EventBridge "Scheduled Event" or a "Full Mirror Continued" event',
      );
    }
    const d = await deps();
    const remaining = context.getRemainingTimeInMillis();
    const deadline = d.clock.now().getTime() + remaining - safetyMarginMs(remaining);
    const result = await planFullMirror(
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
export async function planSyncDepsFromEnv(
  env: Record<string, string | undefined>,
): Promise<PlanSyncDeps> {
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

export const handler = createPlanSyncHandler(once(() => planSyncDepsFromEnv(process.env)));
