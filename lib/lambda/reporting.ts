import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { publishIfAny, type WorkspaceMetrics } from './observability.js';

/** What a function reports through: its Powertools logger and, for most, its metrics. */
export interface Telemetry {
  logger: Logger;
  metrics?: Metrics;
  /** Its metrics by workspace, flushed with the others. */
  perWorkspace?: WorkspaceMetrics;
}

/**
 * Wraps a handler so every invocation reports, whatever happens in it: the invocation's
 * context goes on the logger first (every line carries the request id); a failure — bad
 * credentials at cold start, DynamoDB down, a use case that throws — is logged with its
 * error and counted as `InvocationFailed` before it propagates to Lambda (which retries or
 * dead-letters it); and in `finally` the stored metrics are flushed and the per-invocation
 * keys dropped. The failures operators most need to see are thus the ones never lost.
 */
export function reporting<A extends [unknown, Context?, ...unknown[]], R>(
  telemetry: Telemetry,
  handle: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  const { logger, metrics, perWorkspace } = telemetry;
  return async (...args: A) => {
    const context = args[1];
    if (context) logger.addContext(context);
    try {
      return await handle(...args);
    } catch (err) {
      metrics?.addMetric('InvocationFailed', MetricUnit.Count, 1);
      logger.error('invocation failed', err as Error);
      throw err;
    } finally {
      if (metrics) publishIfAny(metrics);
      perWorkspace?.publish();
      logger.resetKeys();
    }
  };
}
