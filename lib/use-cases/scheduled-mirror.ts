import { randomUUID } from 'node:crypto';
import {
  addCounts,
  type CycleCounts,
  DEFAULT_SCHEDULE_MINUTES,
  failureReason,
  NO_COUNTS,
  SWEEP_SKIPPED_REASON,
} from '../customer/mirror-status.js';
import type {
  ContinuationState,
  CycleLease,
  LeaseHolder,
  MirrorBus,
  MirrorStatusLog,
  RefreshQueue,
} from '../ports.js';
import { countsOf } from './cycle-status.js';
import { RunAbortedError } from './errors.js';
import { type MirrorAllDeps, type MirrorResult, mirrorAll } from './mirror-all.js';

/** Options of {@link runScheduledMirror}. */
export interface ScheduledMirrorOptions {
  /** Where this invocation starts; a fresh cycle when absent. */
  resume?: ContinuationState;
  /** Epoch ms by which this invocation must stop starting new pages. */
  deadline: number;
  /** Epoch ms at which the invocation ends (Lambda stops it). */
  invocationEndsAt: number;
  /**
   * The deployment's schedule period, recorded in the status for `piriod-mirror status`. The
   * stack bounds the age of full-mirror's asynchronous events to it, so no continuation
   * arrives later than that after an invocation ends: the lease is held that long past the
   * invocation's end (default {@link DEFAULT_SCHEDULE_MINUTES}), and only a cycle that
   * crashed lets it run out.
   */
  schedulePeriodMinutes?: number;
}

/** What one scheduled invocation did. */
export interface ScheduledMirrorResult extends MirrorResult {
  /** Set when the rest of the cycle was handed to a later invocation. */
  continuedAt: ContinuationState | undefined;
  /** The whole cycle's counts so far (this invocation's and its earlier ones'). */
  cycleCounts: CycleCounts;
  /** When the cycle completed (in this invocation); absent when it continues or ended partial. */
  completedAt?: string;
  /** A "Mirror Completed" / "Mirror Failed" event that could not be put on the bus. */
  unannounced?: string;
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

/**
 * What one scheduled invocation uses: a full mirror's, the hand-offs, the lease, the status
 * item and the bus (continuations and the cycle's announcements).
 */
type ScheduledMirrorDeps = MirrorAllDeps & {
  queue: RefreshQueue;
  continuation: MirrorBus;
  lease: CycleLease;
  status: MirrorStatusLog;
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
    expiresAt: new Date(leaseUntil(options)).toISOString(),
  };
  const renewing = resume !== undefined;
  const lease = renewing ? await deps.lease.renew(claim) : await deps.lease.acquire(claim);
  if (!lease.held) return { skipped: skipOf(renewing, state, lease.holder) };

  const before = resume?.counts ?? NO_COUNTS;
  try {
    // A tick starts a cycle; a continuation goes on with one.
    if (!resume) await recordStart(deps, state.cycleStartedAt, options);
    const result = await mirrorAll(deps, {
      startPage: state.startPage,
      resumeSweep: state.sweep,
      deadline: options.deadline,
      handOff: (ids) => deps.queue.sendRefreshes(ids, 'schedule', workspace),
    });
    const cycleCounts = addCounts(
      before,
      countsOf(result.summary, result.listed, result.handedOff),
    );
    let continuedAt: ContinuationState | undefined;
    let ended: CycleEnd = {};
    if (!result.completed && (result.nextPage !== undefined || result.sweepPending)) {
      continuedAt = {
        workspace,
        startPage: result.nextPage ?? 1,
        cycleStartedAt: state.cycleStartedAt,
        invocation: state.invocation + 1,
        lease: state.lease,
        ...(result.sweepPending ? { sweep: true as const } : {}),
        counts: cycleCounts,
      };
      await deps.continuation.continueFrom(continuedAt);
    } else {
      ended = await endCycle(deps, cycleCounts, result.sweepSkipped);
      await deps.lease.release(state.lease, deps.clock.now().toISOString(), true);
      ended.unannounced = await announce(deps, state.cycleStartedAt, cycleCounts, ended);
    }
    return {
      ...result,
      continuedAt,
      cycleCounts,
      ...(ended.completedAt ? { completedAt: ended.completedAt } : {}),
      ...(ended.unannounced ? { unannounced: ended.unannounced } : {}),
      ...(lease.tookOverFrom ? { tookOverFrom: lease.tookOverFrom } : {}),
    };
  } catch (err) {
    // Free the lease now rather than at its expiry, so a retry of this invocation or the next
    // tick can run; if even that fails, the expiry frees it.
    await deps.lease.release(state.lease, deps.clock.now().toISOString(), false).catch(() => {});
    // What was written before the failure still counts in the cycle's partial counts.
    const partial = err instanceof RunAbortedError ? countsOf(err.partial, 0, 0) : NO_COUNTS;
    await recordFailure(deps, state.cycleStartedAt, addCounts(before, partial), err);
    throw err;
  }
}

/** How a cycle ended in this invocation: completed at, or failed (partial) at, and why. */
interface CycleEnd {
  completedAt?: string;
  failure?: { at: string; reason: string };
  unannounced?: string;
}

/** The status of a new cycle: started now (with the deployment's period, when it has one). */
async function recordStart(
  deps: ScheduledMirrorDeps,
  startedAt: string,
  options: ScheduledMirrorOptions,
): Promise<void> {
  await deps.status.started(startedAt, options.schedulePeriodMinutes);
}

/** Until when an invocation's lease holds: its end, and as long as a continuation may take. */
function leaseUntil(options: ScheduledMirrorOptions): number {
  const periodMinutes = options.schedulePeriodMinutes ?? DEFAULT_SCHEDULE_MINUTES;
  return options.invocationEndsAt + periodMinutes * 60_000;
}

/**
 * Records the end of a cycle whose every page was done: completed, or, when it could not
 * sweep (`sweepSkipped`), partial, which is a failure and never a completed cycle.
 */
async function endCycle(
  deps: ScheduledMirrorDeps,
  counts: CycleCounts,
  sweepSkipped: boolean,
): Promise<CycleEnd> {
  const at = deps.clock.now().toISOString();
  if (sweepSkipped) {
    const failure = { at, reason: SWEEP_SKIPPED_REASON };
    await deps.status.failed(failure);
    return { failure };
  }
  await deps.status.completed(at, counts);
  return { completedAt: at };
}

/**
 * Puts "Mirror Completed" or "Mirror Failed" for an ended cycle. The status already says
 * how it ended, so a bus that refuses is reported (the handler logs and counts it), not
 * thrown: a retry would start a new cycle, not re-announce this one.
 */
async function announce(
  deps: ScheduledMirrorDeps,
  startedAt: string,
  counts: CycleCounts,
  ended: CycleEnd,
): Promise<string | undefined> {
  const scope = { workspace: deps.workspace, testMode: deps.testMode === true };
  try {
    if (ended.completedAt) {
      await deps.continuation.mirrorCompleted({
        ...scope,
        startedAt,
        completedAt: ended.completedAt,
        ...counts,
      });
    } else if (ended.failure) {
      await deps.continuation.mirrorFailed({ ...scope, startedAt, ...ended.failure, ...counts });
    }
    return undefined;
  } catch (err) {
    return failureReason(err);
  }
}

/**
 * A cycle that stops on `err`: its status and a "Mirror Failed" event, best effort (the
 * failure itself is what the invocation reports; the table or bus may be what failed).
 */
async function recordFailure(
  deps: ScheduledMirrorDeps,
  startedAt: string,
  counts: CycleCounts,
  err: unknown,
): Promise<void> {
  const failure = { at: deps.clock.now().toISOString(), reason: failureReason(err) };
  await deps.status.failed(failure).catch(() => {});
  await announce(deps, startedAt, counts, { failure });
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
