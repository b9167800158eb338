import {
  type CycleCounts,
  failureReason,
  SWEEP_SKIPPED_REASON,
} from '../customer/mirror-status.js';
import type { Clock, MirrorStatusLog } from '../ports.js';
import type { MirrorResult } from './mirror-all.js';
import type { RunSummary } from './outcome.js';

/** One run's counts from its summary, what it listed and what it handed off. */
export function countsOf(summary: RunSummary, listed: number, handedOff: number): CycleCounts {
  return {
    listed,
    created: summary.created,
    updated: summary.updated,
    unchanged: summary.unchanged,
    stale: summary.stale,
    deleted: summary.deleted,
    failed: summary.failed.length,
    handedOff,
  };
}

/**
 * A full mirror run in one go (the CLI's), recorded in the workspace's status: started, then
 * completed with its counts, or failed with its reason. A run that ends partial (without its
 * sweep) is a failure, never a completed cycle. The run's own error is what propagates: a
 * status that cannot record a failure (the table may be what failed) does not hide it.
 */
export async function recordedFullMirror(
  status: MirrorStatusLog,
  clock: Clock,
  run: () => Promise<MirrorResult>,
): Promise<MirrorResult> {
  await status.started(clock.now().toISOString());
  let result: MirrorResult;
  try {
    result = await run();
  } catch (err) {
    await status
      .failed({ at: clock.now().toISOString(), reason: failureReason(err) })
      .catch(() => {});
    throw err;
  }
  const at = clock.now().toISOString();
  if (result.completed && !result.sweepSkipped) {
    await status.completed(at, countsOf(result.summary, result.listed, result.handedOff));
  } else {
    const reason = result.sweepSkipped
      ? SWEEP_SKIPPED_REASON
      : 'the run stopped before the end of the listing';
    await status.failed({ at, reason });
  }
  return result;
}
