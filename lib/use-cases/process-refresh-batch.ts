import { forEachConcurrent } from '../concurrency/pool.js';
import { SecretNotSetError } from '../env-variables.js';
import {
  type CanaryLog,
  type DeadLetters,
  isFailure,
  type PiriodWorkspaces,
  type WorkspacePiriod,
} from '../ports.js';
import { RunAbortedError } from './errors.js';
import { type RunSummary, Tally } from './outcome.js';
import {
  type DeadLetter,
  type PlannedMessage,
  planRefreshBatch,
  type QueueMessage,
  shortId,
  type WorkspaceWork,
} from './refresh-batch-plan.js';
import {
  settleRefreshBatch,
  type WorkspaceRun,
  type WorkspaceStop,
} from './refresh-batch-settle.js';
import type { RefreshDeps } from './refresh-by-id.js';
import { refreshCustomers } from './refresh-customers.js';

export type { QueueMessage } from './refresh-batch-plan.js';

/**
 * What the refresh worker's use case needs: what refreshing by id uses, but the workspaces
 * instead of one workspace's Piriod (each message is refreshed from the one it names, or the
 * only one, in that workspace's configured mode), and the dead-letter queue.
 */
export interface RefreshBatchDeps
  extends Pick<
    RefreshDeps,
    'store' | 'clock' | 'deadline' | 'concurrency' | 'onOutcome' | 'onProgress' | 'onWarnings'
  > {
  workspaces: PiriodWorkspaces;
  deadLetters: DeadLetters;
  /**
   * The refresh queue's `maxReceiveCount`: a message that fails transiently on this receive
   * (or a later one) is dead-lettered here with its reason, since SQS's redrive would move it
   * with no reason at all. Without it every receive counts as one more may follow.
   */
  maxReceiveCount?: number;
  /** Where handled `doctor` canaries are recorded; without it they are handled unrecorded. */
  canaries?: CanaryLog;
}

/** What the worker should tell SQS, and what it did. */
export interface RefreshBatchResult {
  /** Messages to report as `batchItemFailures`: SQS retries them later. */
  retry: Set<string>;
  /** Dead-letter messages sent with a reason (one per failing customer of a message). */
  deadLettered: number;
  /** Customers not started because no Piriod attempt could finish before the deadline. */
  notStarted: number;
  /**
   * Dead letters SQS did not take: their messages are retried (SQS's redrive is the backstop),
   * and the reason must still reach the logs, or a last receive would lose it.
   */
  unsent: UnsentDeadLetter[];
  summary: RunSummary;
  /** The summary of each workspace the batch refreshed customers of. */
  byWorkspace: Map<string, RunSummary>;
}

/** A dead letter that could not be sent, with why it was meant to be and why it failed. */
export interface UnsentDeadLetter {
  messageId: string;
  customerId?: string;
  reason: string;
  error: string;
}

/**
 * Dead letters in flight at once: they are sent after the refreshes, near the deadline, so
 * a slow queue costs one call's time, not one per letter.
 */
const DEAD_LETTER_CONCURRENCY = 10;

/**
 * The refresh worker's use case, in three steps: {@link planRefreshBatch} (pure: parse,
 * resolve each message's workspace, group, coalesce), the refreshes (the side effects: each
 * distinct customer once for the whole batch, those of messages on their last receive
 * first), and {@link settleRefreshBatch} (pure: which messages are retried and which dead
 * letters go out, from the outcomes and each message's receive count). Then the settlement
 * is carried out: dead letters go out together, several at once; a message whose dead letter
 * cannot be sent is retried (SQS's redrive is the backstop) and the letter is returned in
 * `unsent`; handled `doctor` canaries are recorded. Nothing else is retried.
 */
export async function processRefreshBatch(
  messages: readonly QueueMessage[],
  deps: RefreshBatchDeps,
): Promise<RefreshBatchResult> {
  const plan = planRefreshBatch(messages, deps.workspaces.ids);
  const { runs, tally, tallies } = await runRefreshes(plan.work, deps);
  const { retry, letters, notStarted } = settleRefreshBatch(
    messages,
    plan,
    runs,
    deps.maxReceiveCount,
  );
  const { sent, unsent } = await sendDeadLetters(letters, deps.deadLetters);
  for (const u of unsent) retry.add(u.messageId);
  const handled = messages
    .filter((m) => !retry.has(m.messageId))
    .flatMap((m) => plan.planned.get(m.messageId) ?? []);
  await recordCanaries(handled, runs, deps);
  return {
    retry,
    deadLettered: sent,
    notStarted,
    unsent,
    summary: tally.summary(),
    byWorkspace: new Map([...tallies].map(([w, t]) => [w, t.summary()])),
  };
}

/**
 * Refreshes the work of every workspace, side by side, each with its own token and pace; one
 * that fails (a revoked token) stops only its own customers. The deadline in `deps` bounds
 * them all together.
 */
async function runRefreshes(
  work: ReadonlyMap<string, WorkspaceWork>,
  deps: RefreshBatchDeps,
): Promise<{ runs: Map<string, WorkspaceRun>; tally: Tally; tallies: Map<string, Tally> }> {
  const runs = new Map<string, WorkspaceRun>();
  const tally = new Tally();
  /** The tally of each workspace opened. */
  const tallies = new Map<string, Tally>();
  const settled = await Promise.allSettled(
    [...work].map(async ([workspace, bySource]) => {
      const run: WorkspaceRun = { outcomes: new Map() };
      runs.set(workspace, run);
      let piriod: WorkspacePiriod;
      try {
        piriod = await deps.workspaces.open(workspace);
      } catch (err) {
        run.stop = unopened(workspace, err);
        return;
      }
      const wsTally = new Tally();
      tallies.set(workspace, wsTally);
      for (const [source, ids] of bySource) {
        if (ids.length === 0) continue;
        try {
          const r = await refreshCustomers(ids, { ...deps, ...piriod, source });
          for (const [id, o] of r.outcomes) {
            run.outcomes.set(id, o);
            tally.add(o);
            wsTally.add(o);
          }
        } catch (err) {
          if (!(err instanceof RunAbortedError)) throw err;
          run.stop = aborted(err);
          break;
        }
      }
    }),
  );
  const crashed = settled.find((r) => r.status === 'rejected');
  if (crashed) throw crashed.reason;
  return { runs, tally, tallies };
}

/**
 * A workspace whose reader could not be opened: its token not set yet (a set-up step no retry
 * completes: dead-lettered at once, redriven once it is set), or unreadable for now.
 */
function unopened(workspace: string, err: unknown): WorkspaceStop {
  const reason = `not refreshed: workspace ${workspace}: ${(err as Error).message}`;
  return { reason, permanent: err instanceof SecretNotSetError };
}

/** A workspace whose run stopped: for good when Piriod rejected its token, else for now. */
function aborted(abort: RunAbortedError): WorkspaceStop {
  if (isFailure(abort.cause, 'credentials-rejected')) {
    return { reason: abort.cause.message, permanent: true };
  }
  return { reason: `not refreshed: ${abort.message}`, permanent: false };
}

/**
 * Sends the dead letters, several at once. One that fails leaves its message to SQS's
 * redelivery rather than lose it, and is returned with its reason and error for the logs.
 */
async function sendDeadLetters(
  letters: readonly DeadLetter[],
  deadLetters: DeadLetters,
): Promise<{ sent: number; unsent: UnsentDeadLetter[] }> {
  let sent = 0;
  const unsent: UnsentDeadLetter[] = [];
  await forEachConcurrent(
    letters,
    DEAD_LETTER_CONCURRENCY,
    async ({ message, reason, customerId }) => {
      try {
        await deadLetters.send(message.body, { reason, customerId });
        sent++;
      } catch (err) {
        unsent.push({
          messageId: message.messageId,
          ...(customerId ? { customerId } : {}),
          reason,
          error: (err as Error).message,
        });
      }
    },
  );
  return { sent, unsent };
}

/**
 * Records the canary of every handled message (its customers' refreshes ended, whatever the
 * outcome; not one SQS will redeliver). A record that cannot be written is dropped: it only
 * makes `doctor` wait in vain, and must never make SQS retry the customers.
 */
async function recordCanaries(
  handled: readonly PlannedMessage[],
  runs: ReadonlyMap<string, WorkspaceRun>,
  deps: RefreshBatchDeps,
): Promise<void> {
  const canaries = deps.canaries;
  if (!canaries) return;
  const withCanary = handled.filter((p) => p.request.canary);
  await forEachConcurrent(withCanary, DEAD_LETTER_CONCURRENCY, async ({ request, workspace }) => {
    const customerId = request.ids[0] ?? request.invalidIds[0] ?? '';
    try {
      await canaries.record({
        nonce: request.canary as string,
        customerId: shortId(customerId),
        handledAt: deps.clock.now().toISOString(),
        result: runs.get(workspace)?.outcomes.get(customerId)?.result ?? 'failed',
      });
    } catch {
      // See above: the canary is evidence for `doctor`, not work to retry.
    }
  });
}
