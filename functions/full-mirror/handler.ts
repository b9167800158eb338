import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { eventBus } from '../../lib/compose/bus.js';
import { piriodWorkspacesForLambda } from '../../lib/compose/piriod.js';
import { refreshQueue } from '../../lib/compose/queues.js';
import { storeAndLeases } from '../../lib/compose/table.js';
import { once } from '../../lib/concurrency/once.js';
import { type FullMirrorConfig, loadFullMirrorConfig } from '../../lib/config.js';
import { resolveWorkspace } from '../../lib/customer/workspaces.js';
import { SecretNotSetError } from '../../lib/env-variables.js';
import { invocationDeadline } from '../../lib/lambda/deadline.js';
import { CYCLE_METRICS } from '../../lib/lambda/metric-names.js';
import {
  ALARMED_METRICS,
  addSummaryMetrics,
  createLogger,
  createMetrics,
  createWorkspaceMetrics,
  piriodLatencyByWorkspace,
  summaryCounts,
} from '../../lib/lambda/observability.js';
import { reporting } from '../../lib/lambda/reporting.js';
import { reportStaleness } from '../../lib/lambda/staleness.js';
import { continuationEventSchema, scheduledEventSchema } from '../../lib/messages/events.js';
import type {
  Clock,
  CustomerStore,
  CycleLease,
  MirrorBus,
  MirrorScope,
  MirrorStatusLog,
  PiriodWorkspaces,
  RefreshQueue,
  WorkspacePiriod,
} from '../../lib/ports.js';
import { systemClock } from '../../lib/ports.js';
import { SDK_BUDGETS } from '../../lib/sdk/sdk-budgets.js';
import { RunAbortedError } from '../../lib/use-cases/errors.js';
import {
  runScheduledMirror,
  type ScheduledMirrorResult,
  type SkippedInvocation,
} from '../../lib/use-cases/scheduled-mirror.js';

/** What the full mirror needs; built from its configuration in AWS, injected in tests. */
export interface FullMirrorDeps {
  /** The workspaces mirrored: each invocation mirrors the one its event names. */
  workspaces: PiriodWorkspaces;
  store: CustomerStore;
  clock: Clock;
  queue: RefreshQueue;
  /** The bus: continuations, and "Mirror Completed" / "Mirror Failed". */
  continuation: MirrorBus;
  /** One cycle at a time per workspace: a tick while its cycle runs is skipped. */
  leaseOf(scope: MirrorScope): CycleLease;
  /** The full mirror's status of each workspace and mode (a reserved item of the table). */
  statusOf(scope: MirrorScope): MirrorStatusLog;
  /** Piriod requests by id in flight at once. Default 8. */
  concurrency?: number;
  /**
   * The schedule's period, in minutes: the lease is held that long past each invocation's end
   * (see `runScheduledMirror`). Default 15.
   */
  schedulePeriodMinutes?: number;
}

const logger = createLogger('full-mirror');
const metrics = createMetrics('full-mirror');
const perWorkspace = createWorkspaceMetrics('full-mirror');

/**
 * The scheduled full mirror of one workspace: the one its schedule rule or continuation names
 * (or the only one). Works against a time budget derived from the remaining invocation time;
 * when it runs out, it stops between pages and puts a continuation event on the bus, which
 * invokes it again from the next page. Each workspace has its own token, lease and cycle, so
 * one that fails (a revoked token) never stops another's.
 */
export function createFullMirrorHandler(deps: () => Promise<FullMirrorDeps>) {
  return reporting({ logger, metrics, perWorkspace }, async (event: unknown, context: Context) => {
    const continued = continuationEventSchema.safeParse(event);
    const scheduled = scheduledEventSchema.safeParse(event);
    if (!continued.success && !scheduled.success) {
      throw new Error(
        'full-mirror expects an EventBridge "Scheduled Event" or a "Full Mirror Continued" event',
      );
    }
    const d = await deps();
    const named = continued.success
      ? continued.data.detail.workspace
      : scheduled.data?.detail?.workspace;
    const target = resolveWorkspace(d.workspaces.ids, named);
    if ('problem' in target) throw new Error(`full-mirror: ${target.reason}`);
    const workspace = target.workspace;
    logger.appendKeys({ workspace });
    const wsMetrics = perWorkspace.of(workspace);
    let piriod: WorkspacePiriod;
    try {
      piriod = await d.workspaces.open(workspace);
    } catch (err) {
      if (!(err instanceof SecretNotSetError)) throw err;
      // Set-up is not finished: nothing failed and nothing can be mirrored yet. It ends here,
      // before the lease, Piriod or the queue; counted, so that a deployment still not
      // configured a day later notifies once (infra/not-configured-alarm.ts).
      const secret = err.secretArn ?? 'PIRIOD_API_TOKEN';
      wsMetrics.addMetric(ALARMED_METRICS.notConfigured, MetricUnit.Count, 1);
      const reason = `not configured: set ${secret}`;
      logger.warn(reason, { detail: err.message });
      return { completed: false as const, skipped: 'not-configured' as const, reason, secret };
    }
    const invocationEndsAt = d.clock.now().getTime() + context.getRemainingTimeInMillis();
    const scope = { workspace, testMode: piriod.testMode };
    const status = d.statusOf(scope);
    let result: ScheduledMirrorResult | SkippedInvocation;
    try {
      result = await runScheduledMirror(
        { ...d, ...piriod, lease: d.leaseOf(scope), status, source: 'schedule' },
        {
          resume: continued.success ? { ...continued.data.detail, workspace } : undefined,
          deadline: invocationDeadline(context, d.clock),
          invocationEndsAt,
          schedulePeriodMinutes: d.schedulePeriodMinutes,
        },
      );
    } catch (err) {
      if (err instanceof RunAbortedError) {
        // What was written before the abort still counts, and the abort itself is a metric.
        addSummaryMetrics(wsMetrics, err.partial);
        wsMetrics.addMetric(CYCLE_METRICS.aborted, MetricUnit.Count, 1);
        logger.error('full mirror aborted', { ...summaryCounts(err.partial), reason: err.message });
      }
      await reportStaleness(wsMetrics, status, d.clock);
      throw err;
    }
    await reportStaleness(
      wsMetrics,
      status,
      d.clock,
      result.skipped ? undefined : result.completedAt,
    );
    if (result.skipped) {
      // Not an error: the running cycle covers this tick. Counted, so a cycle that keeps
      // every tick out (a stuck lease) shows on the dashboard; MirrorStale alarms on it.
      wsMetrics.addMetric(CYCLE_METRICS.skipped, MetricUnit.Count, 1);
      logger.warn('full mirror skipped', { ...result.skipped });
      return {
        completed: false as const,
        skipped: result.skipped.reason,
        reason: result.skipped.message,
      };
    }
    return reportRun(wsMetrics, workspace, result);
  });
}

/** Counts and logs what a run that mirrored did, and returns the invocation's report. */
function reportRun(wsMetrics: Metrics, workspace: string, result: ScheduledMirrorResult) {
  if (result.tookOverFrom) {
    logger.warn('took over the lease of a cycle that did not finish', {
      previousCycle: result.tookOverFrom,
    });
  }
  addSummaryMetrics(wsMetrics, result.summary);
  wsMetrics.addMetric('handedOff', MetricUnit.Count, result.handedOff);
  if (result.completed) wsMetrics.addMetric(CYCLE_METRICS.completed, MetricUnit.Count, 1);
  if (result.unannounced) {
    wsMetrics.addMetric('MirrorUnannounced', MetricUnit.Count, 1);
    logger.error('could not put the end of the cycle on the bus', { reason: result.unannounced });
  }
  if (result.sweepSkipped) {
    wsMetrics.addMetric('SweepSkipped', MetricUnit.Count, 1);
    logger.warn('full mirror ends without its sweep', {
      reason:
        "the ids could not be listed again within one invocation's budget; customers deleted in Piriod are tombstoned by refreshes (webhooks, events) only",
    });
  }
  for (const f of result.summary.failed)
    logger.warn('customer not mirrored', { customerId: f.id, reason: f.reason });
  const report = {
    workspace,
    completed: result.completed,
    nextPage: result.nextPage,
    sweepPending: result.sweepPending,
    sweepSkipped: result.sweepSkipped,
    listed: result.listed,
    handedOff: result.handedOff,
    cycle: result.cycleCounts,
    ...summaryCounts(result.summary),
    ...(result.tookOverFrom ? { tookOverFrom: result.tookOverFrom } : {}),
  };
  logger.info(result.completed ? 'full mirror done' : 'full mirror continues', report);
  return report;
}

/**
 * Real dependencies composed from the function's configuration (built once per cold start
 * below); AWS calls bounded by the function's SDK budget (tests pass shorter ones).
 */
export async function fullMirrorDeps(
  config: FullMirrorConfig,
  sdk = SDK_BUDGETS['full-mirror'],
): Promise<FullMirrorDeps> {
  const workspaces = piriodWorkspacesForLambda(
    config.piriod,
    piriodLatencyByWorkspace(perWorkspace),
    sdk,
  );
  const { store, leaseOf, statusOf } = storeAndLeases(config.store, sdk);
  return {
    workspaces,
    store,
    clock: systemClock,
    concurrency: config.piriod.connection.concurrency,
    queue: refreshQueue(config.refreshQueue, sdk),
    continuation: eventBus(config.bus, sdk),
    leaseOf,
    statusOf,
    schedulePeriodMinutes: config.schedule.periodMinutes,
  };
}

// The entry: the environment is read here, once, on the first invocation of a container (a
// missing variable fails it with a ConfigError that the reporting wrapper logs and counts).
export const handler = createFullMirrorHandler(
  once(async () => fullMirrorDeps(loadFullMirrorConfig(process.env))),
);
