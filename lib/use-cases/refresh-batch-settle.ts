import type { CustomerOutcome } from './outcome.js';
import type { DeadLetter, QueueMessage, RefreshPlan } from './refresh-batch-plan.js';

/** What the refreshes of one workspace came to: step two of the refresh worker. */
export interface WorkspaceRun {
  /** The outcome of each customer refreshed, by id. */
  outcomes: Map<string, CustomerOutcome>;
  /** What stopped the workspace's refreshes, when something did: its customers left end by it. */
  stop?: WorkspaceStop;
}

/**
 * Why a workspace's customers were not refreshed: for good (its token not set yet, or
 * rejected — a set-up step no retry completes, so its requests are dead-lettered at once and
 * redriven once fixed), or for now (its token unreadable, the table unusable).
 */
export interface WorkspaceStop {
  reason: string;
  permanent: boolean;
}

/** How each message of a batch ends: step three of the refresh worker. */
export interface Settlement {
  /** Messages to report as `batchItemFailures`: SQS delivers them again. */
  retry: Set<string>;
  /** Dead letters to send now (a retried message keeps its own for the receive that settles it). */
  letters: DeadLetter[];
  /** Distinct customers not started because no Piriod attempt could finish before the deadline. */
  notStarted: number;
}

/** The end of a customer nothing refreshed nor stopped: the deadline came first. */
const NOT_STARTED: WorkspaceStop = {
  reason: "not refreshed: no Piriod request could finish before the invocation's deadline",
  permanent: false,
};

/**
 * Settles a batch, without side effects, from the plan, what the refreshes came to and the
 * queue's `maxReceiveCount`. A customer that failed transiently, was stopped for now, or was
 * not started before the deadline → its message is retried, unless this is its last receive,
 * where it is dead-lettered with that reason instead (SQS's redrive would move it with no
 * reason at all); a permanent failure → a dead letter with the reason. A message SQS delivers
 * again keeps its letters until the receive that settles it: its permanently failing
 * customers would otherwise be dead-lettered once per receive.
 */
export function settleRefreshBatch(
  messages: readonly QueueMessage[],
  plan: RefreshPlan,
  runs: ReadonlyMap<string, WorkspaceRun>,
  maxReceiveCount: number | undefined,
): Settlement {
  const retry = new Set<string>();
  const letters = [...plan.letters];
  const notStarted = new Set<string>();
  for (const message of messages) {
    const planned = plan.planned.get(message.messageId);
    if (!planned) continue;
    const run = runs.get(planned.workspace);
    // Customers of this message that a later receive may still refresh, with why they failed.
    const transient: { id: string; reason: string }[] = [];
    for (const id of planned.request.ids) {
      const end = endOf(run?.outcomes.get(id), run?.stop);
      if (end === 'done') continue;
      if (end.permanent) letters.push({ message, reason: end.reason, customerId: id });
      else transient.push({ id, reason: end.reason });
      if (end === NOT_STARTED) notStarted.add(id);
    }
    if (transient.length === 0) continue;
    if (!isLastReceive(message, maxReceiveCount)) {
      retry.add(message.messageId);
      continue;
    }
    const last = ` (dead-lettered on receive ${message.receiveCount}, maxReceiveCount ${maxReceiveCount})`;
    for (const t of transient) letters.push({ message, reason: t.reason + last, customerId: t.id });
  }
  return {
    retry,
    letters: letters.filter((l) => !retry.has(l.message.messageId)),
    notStarted: notStarted.size,
  };
}

/** How one customer of a message ended: done, or failed for good or for now, with why. */
function endOf(
  outcome: CustomerOutcome | undefined,
  stop: WorkspaceStop | undefined,
): 'done' | WorkspaceStop {
  if (outcome?.result === 'failed') {
    return { reason: outcome.reason, permanent: !outcome.retryable };
  }
  if (outcome) return 'done';
  return stop ?? NOT_STARTED;
}

/** Whether SQS will not deliver this message again (its redrive would move it, reasonless). */
function isLastReceive(m: QueueMessage, maxReceiveCount: number | undefined): boolean {
  return (
    maxReceiveCount !== undefined &&
    m.receiveCount !== undefined &&
    m.receiveCount >= maxReceiveCount
  );
}
