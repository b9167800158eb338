import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CustomerOutcome, RunSummary } from '../use-cases/outcome.js';
import type { WebhookOutcome } from '../use-cases/receive-webhook.js';
import { ALARMED_METRICS, METRICS_NAMESPACE, WORKSPACE_DIMENSION } from './metric-names.js';
import type { WebhookAnswer } from './webhook-answer.js';

export { ALARMED_METRICS } from './metric-names.js';

/** The receiver's outcome metrics: one per request, by outcome. */
const WEBHOOK_METRICS: Record<WebhookOutcome, string> = {
  'refresh-requested': 'WebhookAccepted',
  // The bus refused; the refresh went straight to the refresh queue.
  'refresh-queued': 'WebhookQueued',
  ignored: 'WebhookIgnored',
  rejected: 'WebhookRejected',
  unprocessed: ALARMED_METRICS.webhookUnprocessed,
  // The signing secret is not set yet: acknowledged, nothing acted on.
  'not-configured': ALARMED_METRICS.notConfigured,
};

/** Why a webhook was rejected, by its HTTP status: the `reason` dimension of `WebhookRejected`. */
const REJECTION_REASONS: Record<number, string> = {
  400: 'malformed',
  401: 'signature',
  404: 'unknown-workspace',
  405: 'method',
  413: 'too-large',
};

/**
 * Counts one webhook request by outcome, and `WebhookPublishFailed` too when the bus refused.
 * A rejection carries a `reason` dimension (`malformed`, `signature`, `unknown-workspace`,
 * `method`, `too-large`), an ignored notification its reason (`not-a-notification`,
 * `malformed-customer-id`, `not-a-customer`): small fixed sets, never the request's content.
 */
export function addWebhookMetrics(
  metrics: Metrics,
  res: Pick<WebhookAnswer, 'outcome' | 'statusCode' | 'reason' | 'busRefused'>,
): void {
  if (res.outcome === 'rejected') {
    metrics.addDimension('reason', REJECTION_REASONS[res.statusCode] ?? `http-${res.statusCode}`);
  } else if (res.outcome === 'ignored' && res.reason) {
    metrics.addDimension('reason', res.reason);
  }
  metrics.addMetric(WEBHOOK_METRICS[res.outcome], MetricUnit.Count, 1);
  if (res.busRefused) metrics.addMetric(ALARMED_METRICS.webhookPublishFailed, MetricUnit.Count, 1);
}

/** The structured JSON logger of every function; never given tokens or personal data. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** EMF metrics of every function (flushed to stdout, picked up by CloudWatch). */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}

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
