// Names only, no Powertools: the CDK construct (`piriod-mirror/cdk`) imports these, and its
// users install no Powertools.

/** CloudWatch namespace of the product's metrics. */
export const METRICS_NAMESPACE = 'PiriodMirror';

/**
 * Metrics that alarms watch, named once for the handlers that emit them and the stack that
 * alarms on them (`infra/monitoring.ts`), so the two cannot drift apart.
 */
export const ALARMED_METRICS = {
  /** publish-changes could not put "Customer Changed" events; the stream redelivers. */
  changesPublishFailed: 'ChangesPublishFailed',
  /**
   * receive-webhook verified a notification but the bus refused its refresh request (the
   * request then went to the refresh queue, or, refused there too, was not processed).
   */
  webhookPublishFailed: 'WebhookPublishFailed',
  /**
   * receive-webhook answered 202 and acted on nothing through its own failure: the bus and
   * the queue both refused, or the signing secret could not be read.
   */
  webhookUnprocessed: 'WebhookUnprocessed',
  /**
   * A secret the stack created is not set yet: full-mirror's tick found no API token (per
   * workspace), or the receiver acknowledged a notification it could not verify. A set-up
   * step, not a failure: only a deployment still not configured after a day alarms.
   */
  notConfigured: 'NotConfigured',
  /**
   * full-mirror, per workspace, on every invocation once a cycle has completed: seconds since
   * the last completed cycle (the MirrorStale alarm, `metricStaleness`).
   */
  mirrorStaleness: 'MirrorStaleness',
} as const;

/** The dimension that says which Piriod workspace a number is about. */
export const WORKSPACE_DIMENSION = 'Workspace';

/**
 * full-mirror's cycles, per workspace: the dashboard's row of each workspace. Not alarmed
 * (freshness is alarmed on {@link ALARMED_METRICS}.mirrorStaleness).
 */
export const CYCLE_METRICS = {
  /** A whole cycle completed in this invocation. */
  completed: 'MirrorCompleted',
  /** A tick found another cycle holding the lease. */
  skipped: 'MirrorSkipped',
  /** A run stopped (its credentials rejected, the table unavailable). */
  aborted: 'MirrorAborted',
} as const;
