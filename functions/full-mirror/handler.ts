import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { SDK_BUDGETS } from '../../lib/aws/sdk-budgets.js';
import { busFromEnv } from '../../lib/compose/bus.js';
import { mirrorPortsOf } from '../../lib/compose/mirror-ports.js';
import { piriodForLambda } from '../../lib/compose/piriod.js';
import { refreshQueueFromEnv } from '../../lib/compose/queues.js';
import { storeAndLeaseFromEnv } from '../../lib/compose/table.js';
import { loadFullMirrorSchedule } from '../../lib/config.js';
import {
  continuationDetailSchema,
  EVENT_SOURCE,
  MIRROR_CONTINUED,
} from '../../lib/messages/events.js';
import type { CycleLease, MirrorContinuation, RefreshQueue } from '../../lib/ports.js';
import { safetyMarginMs } from '../../lib/runtime/deadline.js';
import {
  addSummaryMetrics,
  createLogger,
  createMetrics,
  piriodLatencyRecorder,
  summaryCounts,
} from '../../lib/runtime/observability.js';
import { once } from '../../lib/runtime/once.js';
import { reporting } from '../../lib/runtime/reporting.js';
import { RunAbortedError } from '../../lib/use-cases/errors.js';
import {
  runScheduledMirror,
  type ScheduledMirrorResult,
  type SkippedInvocation,
} from '../../lib/use-cases/scheduled-mirror.js';
import type { SyncPorts } from '../../lib/use-cases/sync-deps.js';

/** What the planner needs; built from the environment in AWS, injected in tests. */
export interface FullMirrorDeps extends SyncPorts {
  queue: RefreshQueue;
  continuation: MirrorContinuation;
  /** One cycle at a time: a tick while a cycle runs is skipped. */
  lease: CycleLease;
  /**
   * The schedule's period. The stack bounds the age of full-mirror's asynchronous events to
   * it, so no continuation arrives later than that after an invocation ends: the lease is
   * held that long past each invocation. Default 15 minutes.
   */
  schedulePeriodMs?: number;
}

export { safetyMarginMs } from '../../lib/runtime/deadline.js';

const DEFAULT_SCHEDULE_PERIOD_MS = 15 * 60_000;

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
  return reporting({ logger, metrics }, async (event: unknown, context: Context) => {
    const continued = continuationEvent.safeParse(event);
    if (!continued.success && !scheduledEvent.safeParse(event).success) {
      throw new Error(
        'full-mirror expects an EventBridge "Scheduled Event" or a "Full Mirror Continued" event',
      );
    }
    const d = await deps();
    const remaining = context.getRemainingTimeInMillis();
    const start = d.clock.now().getTime();
    const deadline = start + remaining - safetyMarginMs(remaining);
    const leaseUntil = start + remaining + (d.schedulePeriodMs ?? DEFAULT_SCHEDULE_PERIOD_MS);
    let result: ScheduledMirrorResult | SkippedInvocation;
    try {
      result = await runScheduledMirror(
        { ...d, source: 'schedule' },
        { resume: continued.success ? continued.data.detail : undefined, deadline, leaseUntil },
      );
    } catch (err) {
      if (err instanceof RunAbortedError) {
        // What was written before the abort still counts, and the abort itself is a metric.
        addSummaryMetrics(metrics, err.partial);
        metrics.addMetric('MirrorAborted', MetricUnit.Count, 1);
        logger.error('full mirror aborted', { ...summaryCounts(err.partial), reason: err.message });
      }
      throw err;
    }
    if (result.skipped) {
      // Not an error: the running cycle covers this tick. Counted, so a cycle that keeps
      // every tick out (a stuck lease) shows on the dashboard beside MirrorStalled.
      metrics.addMetric('MirrorSkipped', MetricUnit.Count, 1);
      logger.warn('full mirror skipped', { ...result.skipped });
      return {
        completed: false as const,
        skipped: result.skipped.reason,
        reason: result.skipped.message,
      };
    }
    if (result.tookOverFrom) {
      logger.warn('took over the lease of a cycle that did not finish', {
        previousCycle: result.tookOverFrom,
      });
    }
    addSummaryMetrics(metrics, result.summary);
    metrics.addMetric('handedOff', MetricUnit.Count, result.handedOff);
    if (result.completed) metrics.addMetric('MirrorCompleted', MetricUnit.Count, 1);
    for (const f of result.summary.failed)
      logger.warn('customer not mirrored', { customerId: f.id, reason: f.reason });
    const report = {
      completed: result.completed,
      nextPage: result.nextPage,
      listed: result.listed,
      handedOff: result.handedOff,
      ...summaryCounts(result.summary),
      ...(result.tookOverFrom ? { tookOverFrom: result.tookOverFrom } : {}),
    };
    logger.info(result.completed ? 'full mirror done' : 'full mirror continues', report);
    return report;
  });
}

/**
 * Real dependencies from the stack's environment (built once per cold start below); AWS
 * calls bounded by the function's SDK budget (tests pass shorter ones).
 */
export async function fullMirrorDepsFromEnv(
  env: Record<string, string | undefined>,
  sdk = SDK_BUDGETS['full-mirror'],
): Promise<FullMirrorDeps> {
  const piriod = await piriodForLambda(env, piriodLatencyRecorder(metrics), sdk);
  const { store, lease } = storeAndLeaseFromEnv(env, piriod.settings, sdk);
  return {
    ...mirrorPortsOf(piriod, store),
    queue: refreshQueueFromEnv(env, sdk),
    continuation: busFromEnv(env, sdk),
    lease,
    schedulePeriodMs: loadFullMirrorSchedule(env).periodMs,
  };
}

export const handler = createFullMirrorHandler(once(() => fullMirrorDepsFromEnv(process.env)));
