import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Clock, MirrorStatusLog } from '../ports.js';
import { ALARMED_METRICS } from './observability.js';

/**
 * Emits `MirrorStaleness` (seconds since the workspace's last completed cycle), which the
 * MirrorStale alarm reads: `completedAt` when this invocation completed a cycle, else the
 * status item's (one consistent read). Nothing is emitted before a first cycle completes,
 * nor when the status cannot be read: the alarm treats those periods as missing data
 * (infra/staleness-alarm.ts says why a workspace still being configured does not alarm).
 */
export async function reportStaleness(
  metrics: Metrics,
  status: MirrorStatusLog,
  clock: Clock,
  completedAt?: string,
): Promise<void> {
  let last = completedAt;
  if (last === undefined) {
    // The invocation's own outcome is already reported; an unreadable status must not hide it.
    last = await status.read().then(
      (s) => s?.lastCompletedAt,
      () => undefined,
    );
  }
  if (last === undefined) return;
  const ageSeconds = Math.max(0, Math.round((clock.now().getTime() - Date.parse(last)) / 1000));
  metrics.addMetric(ALARMED_METRICS.mirrorStaleness, MetricUnit.Seconds, ageSeconds);
}
