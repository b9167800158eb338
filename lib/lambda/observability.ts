import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CustomerOutcome, RunSummary } from '../use-cases/outcome.js';

/** CloudWatch namespace of the product's metrics. */
export const METRICS_NAMESPACE = 'PiriodMirror';

/**
 * Metrics that alarms watch, named once for the handlers that emit them and the stack that
 * alarms on them (`infra/monitoring.ts`), so the two cannot drift apart.
 */
export const ALARMED_METRICS = {
  /** publish-changes could not put "Customer Changed" events; the stream redelivers. */
  changesPublishFailed: 'ChangesPublishFailed',
  /** receive-webhook verified a notification but could not put the refresh request (500). */
  webhookPublishFailed: 'WebhookPublishFailed',
} as const;

/** The receiver's outcome metrics: one per request, rejections by reason. */
export const WEBHOOK_METRICS = {
  'refresh-requested': 'WebhookAccepted',
  ignored: 'WebhookIgnored',
  rejected: 'WebhookRejected',
  'publish-failed': ALARMED_METRICS.webhookPublishFailed,
} as const;

/** Why a webhook was rejected, by its HTTP status: the `reason` dimension of `WebhookRejected`. */
const REJECTION_REASONS: Record<number, string> = {
  400: 'malformed',
  401: 'signature',
  404: 'unknown-workspace',
  405: 'method',
  413: 'too-large',
};

/**
 * Counts one webhook request by outcome; a rejection carries a `reason` dimension (a small,
 * fixed set: `malformed`, `signature`, `unknown-workspace`, `method`, `too-large`), never the request's content.
 */
export function addWebhookMetric(
  metrics: Metrics,
  outcome: keyof typeof WEBHOOK_METRICS,
  statusCode: number,
): void {
  if (outcome === 'rejected') {
    metrics.addDimension('reason', REJECTION_REASONS[statusCode] ?? `http-${statusCode}`);
  }
  metrics.addMetric(WEBHOOK_METRICS[outcome], MetricUnit.Count, 1);
}

/** The structured JSON logger of every function; never given tokens or personal data. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** EMF metrics of every function (flushed to stdout, picked up by CloudWatch). */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}

/** The dimension that says which Piriod workspace a number is about. */
const WORKSPACE_DIMENSION = 'Workspace';

/** Metrics by workspace within one invocation; {@link WorkspaceMetrics.publish} flushes them all. */
export interface WorkspaceMetrics {
  /** The metrics of `workspace`: every metric added to them carries its `Workspace` dimension. */
  of(workspace: string): Metrics;
  publish(): void;
}

/**
 * Per-workspace metrics of a function: one Powertools `Metrics` per workspace (created when
 * first used, with `Workspace` as a default dimension beside `service`), so one invocation
 * can count for several workspaces. Only configured workspaces reach it: a dimension value
 * taken from a caller would mint metric series at the caller's will.
 */
export function createWorkspaceMetrics(serviceName: string): WorkspaceMetrics {
  const byWorkspace = new Map<string, Metrics>();
  return {
    of(workspace) {
      let m = byWorkspace.get(workspace);
      if (!m) {
        m = new Metrics({
          namespace: METRICS_NAMESPACE,
          serviceName,
          defaultDimensions: { [WORKSPACE_DIMENSION]: workspace },
        });
        byWorkspace.set(workspace, m);
      }
      return m;
    },
    publish() {
      for (const m of byWorkspace.values()) publishIfAny(m);
    },
  };
}

/**
 * Flushes the stored metrics; metrics that counted nothing (an invocation whose numbers went
 * to per-workspace metrics, a workspace opened but not counted) write no empty EMF document
 * and no Powertools warning about one.
 */
export function publishIfAny(metrics: Metrics): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  else metrics.clearDimensions();
}

/**
 * Records each Piriod attempt's latency (`PiriodLatency`) under the workspace it was for:
 * the hook a function hands its Piriod workspaces.
 */
export function piriodLatencyByWorkspace(perWorkspace: WorkspaceMetrics) {
  return (a: { durationMs: number }, workspace: string): void => {
    perWorkspace.of(workspace).addMetric('PiriodLatency', MetricUnit.Milliseconds, a.durationMs);
  };
}

/**
 * Adds one count per outcome from a use case's summary — the use case's own counts are the
 * metrics' source, never a second count.
 */
export function addSummaryMetrics(metrics: Metrics, summary: RunSummary): void {
  for (const key of ['created', 'updated', 'unchanged', 'stale', 'deleted'] as const) {
    metrics.addMetric(key, MetricUnit.Count, summary[key]);
  }
  metrics.addMetric('failed', MetricUnit.Count, summary.failed.length);
}

/** A summary's counts as log lines and reports carry them (failures as a count). */
export function summaryCounts(s: RunSummary) {
  return {
    synced: s.synced,
    created: s.created,
    updated: s.updated,
    unchanged: s.unchanged,
    deleted: s.deleted,
    failed: s.failed.length,
  };
}

/** Logs one customer's outcome: the id and the result, with the reason of a failure. */
export function logOutcome(logger: Logger, o: CustomerOutcome): void {
  if (o.result === 'failed') {
    logger.warn('customer not mirrored', {
      customerId: o.id,
      outcome: o.result,
      reason: o.reason,
      retryable: o.retryable,
    });
  } else if (o.result !== 'unchanged') {
    logger.info('customer mirrored', { customerId: o.id, outcome: o.result });
  }
}
