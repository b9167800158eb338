import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttemptInfo } from '../piriod/client.js';
import type { CustomerOutcome, SyncSummary } from '../use-cases/outcome.js';

/** CloudWatch namespace of the product's metrics. */
export const METRICS_NAMESPACE = 'PiriodMirror';

/** The structured JSON logger of every function; never given tokens or personal data. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** EMF metrics of every function (flushed to stdout, picked up by CloudWatch). */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}

/**
 * Adds one count per outcome from a use case's summary — the use case's own counts are the
 * metrics' source, never a second count.
 */
export function addSummaryMetrics(metrics: Metrics, summary: SyncSummary): void {
  for (const key of ['created', 'updated', 'unchanged', 'stale', 'deleted'] as const) {
    metrics.addMetric(key, MetricUnit.Count, summary[key]);
  }
  metrics.addMetric('failed', MetricUnit.Count, summary.failed.length);
}

/** A summary's counts as log lines and reports carry them (failures as a count). */
export function summaryCounts(s: SyncSummary) {
  return {
    synced: s.synced,
    created: s.created,
    updated: s.updated,
    unchanged: s.unchanged,
    deleted: s.deleted,
    failed: s.failed.length,
  };
}

/** Records Piriod latency for every HTTP attempt. */
export function piriodLatencyRecorder(metrics: Metrics): (a: AttemptInfo) => void {
  return (a) => metrics.addMetric('PiriodLatency', MetricUnit.Milliseconds, a.durationMs);
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
