import type { ContinuationState, MirrorContinuation, RefreshQueue } from '../ports.js';
import { type MirrorResult, mirrorAll } from './mirror-all.js';
import type { SyncDeps } from './sync-deps.js';

/** Options of {@link runScheduledMirror}. */
export interface ScheduledMirrorOptions {
  /** Where this invocation starts; a fresh cycle when absent. */
  resume?: ContinuationState;
  /** Epoch ms by which this invocation must stop starting new pages. */
  deadline: number;
}

/** What one scheduled invocation did. */
export interface ScheduledMirrorResult extends MirrorResult {
  /** Set when the rest of the cycle was handed to a later invocation. */
  continuedAt: ContinuationState | undefined;
}

/**
 * The scheduled full mirror, as one Lambda invocation runs it: list pages and upsert valid
 * snapshots directly; hand anything else (and the sweep's vanished ids) to the refresh
 * queue; when the time budget runs out, stop between pages (every write is whole, so the
 * table stays consistent) and hand the rest on as a continuation.
 */
export async function runScheduledMirror(
  deps: SyncDeps & { queue: RefreshQueue; continuation: MirrorContinuation },
  options: ScheduledMirrorOptions,
): Promise<ScheduledMirrorResult> {
  const state: ContinuationState = options.resume ?? {
    startPage: 1,
    cycleStartedAt: deps.clock.now().toISOString(),
    invocation: 1,
  };
  const result = await mirrorAll(deps, {
    startPage: state.startPage,
    deadline: options.deadline,
    handOff: (ids) => deps.queue.sendRefreshes(ids, 'schedule'),
  });
  let continuedAt: ContinuationState | undefined;
  if (!result.completed && result.nextPage !== undefined) {
    continuedAt = {
      startPage: result.nextPage,
      cycleStartedAt: state.cycleStartedAt,
      invocation: state.invocation + 1,
    };
    await deps.continuation.continueFrom(continuedAt);
  }
  return { ...result, continuedAt };
}
