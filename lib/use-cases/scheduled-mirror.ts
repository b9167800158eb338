import { randomUUID } from 'node:crypto';
import type {
  ContinuationState,
  CycleLease,
  LeaseHolder,
  MirrorContinuation,
  RefreshQueue,
} from '../ports.js';
import { type MirrorAllDeps, type MirrorResult, mirrorAll } from './mirror-all.js';

/** Options of {@link runScheduledMirror}. */
export interface ScheduledMirrorOptions {
  /** Where this invocation starts; a fresh cycle when absent. */
  resume?: ContinuationState;
  /** Epoch ms by which this invocation must stop starting new pages. */
  deadline: number;
  /**
   * Epoch ms until which this invocation's lease holds: past the invocation's end by as long
   * as its continuation may take to arrive. Only a cycle that crashed lets it run out.
   */
  leaseUntil: number;
}

/** What one scheduled invocation did. */
export interface ScheduledMirrorResult extends MirrorResult {
  /** Set when the rest of the cycle was handed to a later invocation. */
  continuedAt: ContinuationState | undefined;
  /** The cycle whose expired lease this invocation took over (it crashed or failed). */
  tookOverFrom?: LeaseHolder;
  skipped?: undefined;
}

/** Why an invocation mirrored nothing. */
export interface MirrorSkip {
  /**
   * `cycle-running`: a tick while another cycle holds the lease; `cycle-superseded`: a
   * continuation whose cycle lost its lease to a newer one; `cycle-completed`: a repeated
   * continuation of a cycle that has already finished; `duplicate-continuation`: a
   * continuation delivered again while its cycle runs on (EventBridge and Lambda deliver at
   * least once).
   */
  reason: 'cycle-running' | 'cycle-superseded' | 'cycle-completed' | 'duplicate-continuation';
  message: string;
  holder?: LeaseHolder;
}

/** An invocation that found the lease taken: it wrote nothing and handed nothing on. */
export interface SkippedInvocation {
  skipped: MirrorSkip;
}

/** What one scheduled invocation uses: a full mirror's, the hand-offs, and the lease. */
type ScheduledMirrorDeps = MirrorAllDeps & {
  queue: RefreshQueue;
  continuation: MirrorContinuation;
  lease: CycleLease;
};

/**
 * The scheduled full mirror, as one Lambda invocation runs it: take (a tick) or renew (a
 * continuation) the cycle lease, so only one cycle runs at a time; list pages and upsert valid
 * snapshots directly; hand anything else (and the sweep's vanished ids) to the refresh
 * queue; when the time budget runs out, stop between pages (every write is whole, so the
 * table stays consistent) and hand the rest on as a continuation carrying the lease token.
 * A finished cycle releases the lease; a failed invocation releases it for a retry or the
 * next tick.
 */
export async function runScheduledMirror(
  deps: ScheduledMirrorDeps,
  options: ScheduledMirrorOptions,
): Promise<ScheduledMirrorResult | SkippedInvocation> {
  const now = deps.clock.now().toISOString();
  const resume = options.resume;
  const workspace = deps.workspace;
  const state: ContinuationState = resume
    ? { ...resume, workspace }
    : { workspace, startPage: 1, cycleStartedAt: now, invocation: 1, lease: randomUUID() };
  const claim = {
    token: state.lease,
    cycleStartedAt: state.cycleStartedAt,
    invocation: state.invocation,
    now,
    expiresAt: new Date(options.leaseUntil).toISOString(),
  };
  const renewing = resume !== undefined;
  const lease = renewing ? await deps.lease.renew(claim) : await deps.lease.acquire(claim);
  if (!lease.held) return { skipped: skipOf(renewing, state, lease.holder) };

  try {
    const result = await mirrorAll(deps, {
      startPage: state.startPage,
      resumeSweep: state.sweep,
      deadline: options.deadline,
      handOff: (ids) => deps.queue.sendRefreshes(ids, 'schedule', workspace),
    });
    let continuedAt: ContinuationState | undefined;
    if (!result.completed && (result.nextPage !== undefined || result.sweepPending)) {
      continuedAt = {
        workspace,
        startPage: result.nextPage ?? 1,
        cycleStartedAt: state.cycleStartedAt,
        invocation: state.invocation + 1,
        lease: state.lease,
        ...(result.sweepPending ? { sweep: true as const } : {}),
      };
      await deps.continuation.continueFrom(continuedAt);
    } else {
      await deps.lease.release(state.lease, deps.clock.now().toISOString(), true);
    }
    return {
      ...result,
      continuedAt,
      ...(lease.tookOverFrom ? { tookOverFrom: lease.tookOverFrom } : {}),
    };
  } catch (err) {
    // Free the lease now rather than at its expiry, so a retry of this invocation or the next
    // tick can run; if even that fails, the expiry frees it.
    await deps.lease.release(state.lease, deps.clock.now().toISOString(), false).catch(() => {});
    throw err;
  }
}

function skipOf(
  continuation: boolean,
  state: ContinuationState,
  holder: LeaseHolder | undefined,
): MirrorSkip {
  const held = holder ?? {};
  if (!continuation) {
    return {
      reason: 'cycle-running',
      message: `a full mirror cycle started at ${held.cycleStartedAt ?? '(unknown)'} holds the lease until ${held.expiresAt ?? '(unknown)'}; this tick starts no second one`,
      holder: held,
    };
  }
  if (held.cycleStartedAt === state.cycleStartedAt && held.completedAt) {
    return {
      reason: 'cycle-completed',
      message: `the cycle started at ${state.cycleStartedAt} completed at ${held.completedAt}; this repeated continuation does nothing`,
      holder: held,
    };
  }
  if (held.cycleStartedAt === state.cycleStartedAt) {
    return {
      reason: 'duplicate-continuation',
      message: `invocation ${state.invocation} of the cycle started at ${state.cycleStartedAt} was delivered again while the cycle runs on (the lease is at invocation ${held.invocation ?? '(unknown)'}); this copy does nothing`,
      holder: held,
    };
  }
  return {
    reason: 'cycle-superseded',
    message: `the cycle started at ${state.cycleStartedAt} lost its lease${held.cycleStartedAt ? ` to the cycle started at ${held.cycleStartedAt}` : ''}; its continuation stops`,
    holder: held,
  };
}
