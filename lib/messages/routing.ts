import { EVENT_SOURCE, MIRROR_CONTINUED, REFRESH_REQUESTED } from './event-names.js';

/**
 * How the stack's custom bus routes events, and how the refresh queue behaves: one
 * definition used by the CDK stack (`infra/`) and by the local dev runtime (`npm run dev`),
 * so the two can never drift apart.
 */

/** An EventBridge event pattern over exact values of top-level fields. */
export interface EventPattern {
  source: string[];
  'detail-type': string[];
}

/** A rule of the custom bus: which events go to which of the product's targets. */
export interface BusRule {
  id: string;
  description: string;
  pattern: EventPattern;
  target: 'refresh-queue' | 'full-mirror';
}

/** The custom bus's rules. */
export const BUS_RULES: readonly BusRule[] = [
  {
    id: 'RefreshRequestedRule',
    description: 'Customer Refresh Requested → refresh queue',
    pattern: { source: [EVENT_SOURCE], 'detail-type': [REFRESH_REQUESTED] },
    target: 'refresh-queue',
  },
  {
    id: 'ContinuationRule',
    description: 'Full Mirror Continued → full-mirror',
    pattern: { source: [EVENT_SOURCE], 'detail-type': [MIRROR_CONTINUED] },
    target: 'full-mirror',
  },
];

/** Whether an event (`source`, `detail-type`) matches a pattern, as EventBridge decides it. */
export function matchesPattern(
  event: { source?: unknown; 'detail-type'?: unknown },
  pattern: EventPattern,
): boolean {
  return (
    pattern.source.includes(String(event.source)) &&
    pattern['detail-type'].includes(String(event['detail-type']))
  );
}

/** Timeout of the refresh worker (`refresh-customers`), in seconds. */
export const WORKER_TIMEOUT_SECONDS = 60;

/** The longest SQS batching window Lambda accepts, in seconds. */
export const MAX_BATCHING_WINDOW_SECONDS = 300;

/** The refresh queue and its event source mapping. */
export const REFRESH_QUEUE = {
  /** Messages per worker invocation (SQS → Lambda batch size). */
  batchSize: 100,
  /** Default batching window in seconds (a stack setting, `batchingWindowSeconds`). */
  batchingWindowSeconds: 1,
  /** Deliveries before SQS moves a message to the dead-letter queue itself. */
  maxReceiveCount: 5,
} as const;

/**
 * The refresh queue's visibility timeout for a batching window: AWS's guidance for Lambda
 * event sources is at least six times the function's timeout plus the batching window, so
 * a message a throttled or retried invocation still holds never becomes visible twice.
 */
export function refreshVisibilityTimeoutSeconds(batchingWindowSeconds: number): number {
  if (
    !Number.isInteger(batchingWindowSeconds) ||
    batchingWindowSeconds < 0 ||
    batchingWindowSeconds > MAX_BATCHING_WINDOW_SECONDS
  ) {
    throw new RangeError(
      `batching window must be a whole number of seconds in [0, ${MAX_BATCHING_WINDOW_SECONDS}], got ${batchingWindowSeconds}`,
    );
  }
  return WORKER_TIMEOUT_SECONDS * 6 + batchingWindowSeconds;
}
