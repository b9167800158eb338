/**
 * How current the mirror of one workspace and mode is: the full mirror's status, kept as a
 * reserved item of the table beside the cycle lease, read by the library
 * (`CustomerQueries#mirrorStatus`), the CLI (`status`) and `doctor`. One shape everywhere.
 */
import type { MirrorScope } from './mirror-scope.js';
import { RESERVED_ID_MARK } from './reserved-ids.js';

/** What one full-mirror cycle did, summed over all its invocations. */
export interface CycleCounts {
  /** Customers the listing returned. */
  listed: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Listed versions older than the table's (nothing written). */
  stale: number;
  deleted: number;
  /** Customers that could not be mirrored (a number; the ids are in the logs). */
  failed: number;
  /** Customers handed to the refresh queue (listed entries that failed the schema, vanished ids). */
  handedOff: number;
}

/** A cycle's counts before it has done anything. */
export const NO_COUNTS: Readonly<CycleCounts> = Object.freeze({
  listed: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  stale: 0,
  deleted: 0,
  failed: 0,
  handedOff: 0,
});

/** `a + b`, count by count. */
export function addCounts(a: CycleCounts, b: CycleCounts): CycleCounts {
  const sum = { ...NO_COUNTS };
  for (const k of Object.keys(NO_COUNTS) as (keyof CycleCounts)[]) sum[k] = a[k] + b[k];
  return sum;
}

/** Why a cycle stopped, and when. The reason names no secret. */
export interface MirrorFailure {
  /** ISO-8601 UTC. */
  at: string;
  reason: string;
}

/**
 * The full mirror's status of one workspace and mode (`CustomerQueries#mirrorStatus`, and
 * each line of `piriod-mirror status --json`). Instants are ISO-8601 UTC.
 */
export interface MirrorStatus {
  workspace: string;
  testMode: boolean;
  /** When the last cycle started (it may still be running). */
  lastStartedAt: string;
  /** When the last cycle completed; absent until one has. A failed or partial cycle never counts. */
  lastCompletedAt?: string;
  /** The counts of the cycle that completed at `lastCompletedAt`. */
  lastCycle?: CycleCounts;
  /** The last time a cycle stopped on a failure (before or after the last completed one). */
  lastFailure?: MirrorFailure;
  /**
   * The schedule period (minutes) of the deployment that last started a cycle: the CLI's
   * `status` allows two of them by default. Absent when only the CLI has run cycles.
   */
  schedulePeriodMinutes?: number;
}

/**
 * Minutes between a workspace's full mirrors unless the deployment says otherwise: the stack's
 * `scheduleMinutes`, `FULL_MIRROR_SCHEDULE_MINUTES`, and what `status` assumes when the status
 * records no period.
 */
export const DEFAULT_SCHEDULE_MINUTES = 15;

/** The detail of a "Mirror Completed" event (docs/events.md). */
export interface MirrorCompletedDetail extends CycleCounts {
  workspace: string;
  testMode: boolean;
  startedAt: string;
  completedAt: string;
}

/** The detail of a "Mirror Failed" event: the counts are what the cycle did before it stopped. */
export interface MirrorFailedDetail extends CycleCounts {
  workspace: string;
  testMode: boolean;
  /** When the cycle that failed started. */
  startedAt: string;
  at: string;
  reason: string;
}

/**
 * The id of the status item of one workspace and mode: `status#full-mirror#<workspace>`, and
 * `…#test` in test mode. Like the lease's, it holds none of the indexed attributes.
 */
export function mirrorStatusId(scope: MirrorScope): string {
  const m = RESERVED_ID_MARK;
  return `status${m}full-mirror${m}${scope.workspace}${scope.testMode ? `${m}test` : ''}`;
}

/** Reasons are cut to this many characters: a stack trace has no place in the table or an event. */
const MAX_REASON = 500;

/** A failure's reason as it is stored and published: one line, bounded. */
export function failureReason(err: unknown): string {
  const text = (err as Error)?.message ?? String(err);
  const line = text.replace(/\s+/g, ' ').trim() || 'unknown error';
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

/** The reason recorded when a cycle ends without its sweep (`sweepSkipped`). */
export const SWEEP_SKIPPED_REASON =
  "the cycle ended without its sweep: the ids could not be listed again within one invocation's time budget, so customers deleted in Piriod were not looked for";

/** Whether a status is fresh within `maxAgeMs` at `now`, and if not, why. */
export type Freshness = { fresh: true } | { fresh: false; why: string };

/**
 * The freshness rule of `status` and `doctor`: fresh when a cycle has completed, no cycle
 * failed after it, and it completed at most `maxAgeMs` before `now`.
 */
export function freshnessOf(
  status: MirrorStatus | undefined,
  now: Date,
  maxAgeMs: number,
): Freshness {
  if (!status) return { fresh: false, why: 'no full mirror has started yet' };
  const completed = status.lastCompletedAt;
  if (!completed) {
    return {
      fresh: false,
      why: `no full mirror has completed yet (one started at ${status.lastStartedAt})`,
    };
  }
  const failure = status.lastFailure;
  if (failure && failure.at > completed) {
    return { fresh: false, why: `the last cycle failed at ${failure.at}: ${failure.reason}` };
  }
  const age = now.getTime() - Date.parse(completed);
  if (age > maxAgeMs) {
    return {
      fresh: false,
      why: `the last completed cycle is ${formatDuration(age)} old, over the allowed ${formatDuration(maxAgeMs)}`,
    };
  }
  return { fresh: true };
}

/** `90s` → `1m 30s`; `2h 5m`; `3d 4h`: the two largest units. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

/**
 * The status of `scope` from its stored item, or `undefined` when there is none (no cycle
 * has started). Attributes of the wrong type are left out rather than trusted.
 */
export function mirrorStatusOf(
  scope: MirrorScope,
  item: Record<string, unknown> | undefined,
): MirrorStatus | undefined {
  if (!item || typeof item.lastStartedAt !== 'string') return undefined;
  const status: MirrorStatus = {
    workspace: scope.workspace,
    testMode: scope.testMode === true,
    lastStartedAt: item.lastStartedAt,
  };
  if (typeof item.lastCompletedAt === 'string') status.lastCompletedAt = item.lastCompletedAt;
  const counts = countsOf(item.lastCycle);
  if (counts) status.lastCycle = counts;
  const failure = item.lastFailure as Partial<MirrorFailure> | undefined;
  if (typeof failure?.at === 'string' && typeof failure.reason === 'string')
    status.lastFailure = { at: failure.at, reason: failure.reason };
  if (typeof item.schedulePeriodMinutes === 'number')
    status.schedulePeriodMinutes = item.schedulePeriodMinutes;
  return status;
}

function countsOf(value: unknown): CycleCounts | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const counts = { ...NO_COUNTS };
  for (const k of Object.keys(NO_COUNTS) as (keyof CycleCounts)[]) {
    const n = v[k];
    if (typeof n !== 'number') return undefined;
    counts[k] = n;
  }
  return counts;
}
