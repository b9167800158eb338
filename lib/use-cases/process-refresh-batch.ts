import { forEachConcurrent } from '../concurrency/pool.js';
import { InvalidCustomerIdError } from '../customer/errors.js';
import type { SyncSource } from '../customer/record.js';
import { resolveWorkspace } from '../customer/workspaces.js';
import { SecretNotSetError } from '../env-variables.js';
import {
  isBadMessage,
  parseRefreshMessage,
  type RefreshMessage,
} from '../messages/parse-refresh-message.js';
import { type CanaryLog, type DeadLetters, isFailure, type PiriodWorkspaces } from '../ports.js';
import { RunAbortedError } from './errors.js';
import { type CustomerOutcome, type RunSummary, Tally } from './outcome.js';
import type { RefreshByIdsDeps } from './refresh-by-id.js';
import { refreshCustomers } from './refresh-customers.js';

/** One SQS message of the refresh queue. */
export interface QueueMessage {
  messageId: string;
  body: string;
  attributes?: { syncSource?: string };
  /** SQS's `ApproximateReceiveCount` of this delivery, when known (1 on the first). */
  receiveCount?: number;
}

/** What the refresh worker's use case needs. */
export type RefreshBatchDeps = Omit<
  RefreshByIdsDeps,
  'source' | 'piriod' | 'workspace' | 'testMode'
> & {
  /**
   * The workspaces mirrored: each message is refreshed from the one it names (or the only
   * one), in that workspace's configured mode.
   */
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
};

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
 * The refresh worker's use case. Parses every message, refreshes each distinct customer once
 * for the whole batch (those of messages on their last receive first), then settles each
 * message: a transient failure of any of its customers, or a customer not started before
 * `deps.deadline` → retry that message, unless this is its last receive, where it goes to the
 * dead-letter queue with the last error as its reason instead; a permanent failure (bad
 * message, invalid id, unknown id, schema-invalid customer, rejected credentials) →
 * dead-letter queue with the reason, never retried forever, once per message: a message that
 * is retried sends its letters on the receive that settles it. Dead letters go out together,
 * several at once; a message whose dead letter cannot be sent is retried (SQS's redrive is
 * the backstop) and the letter is returned in `unsent`. Nothing else is retried.
 */
export async function processRefreshBatch(
  messages: readonly QueueMessage[],
  deps: RefreshBatchDeps,
): Promise<RefreshBatchResult> {
  const retry = new Set<string>();
  // Dead letters are collected, then sent together once every message is settled.
  const letters: { m: QueueMessage; reason: string; customerId?: string }[] = [];
  const toDlq = (m: QueueMessage, reason: string, customerId?: string) => {
    letters.push({ m, reason, customerId });
  };

  const parsed = new Map<string, RefreshMessage>();
  /** The workspace of each parsed message. */
  const workspaceOf = new Map<string, string>();
  const groups = new Map<string, Map<SyncSource, string[]>>();
  const claimed = new Set<string>();
  const configured = deps.workspaces.ids;
  // Messages on their last receive claim their customers first: with little time left,
  // those are the ones a retry can no longer save.
  const byUrgency = [...messages].sort((a, b) => (b.receiveCount ?? 0) - (a.receiveCount ?? 0));
  for (const m of byUrgency) {
    const p = parseRefreshMessage(m.body, m.attributes);
    if (isBadMessage(p)) {
      toDlq(m, p.reason);
      continue;
    }
    // A message for no configured workspace can never be refreshed: a retry would not help.
    const target = resolveWorkspace(configured, p.workspace);
    if ('problem' in target) {
      toDlq(m, target.reason, p.ids[0] ?? (p.invalidIds[0] && shortId(p.invalidIds[0])));
      continue;
    }
    const workspace = target.workspace;
    parsed.set(m.messageId, p);
    workspaceOf.set(m.messageId, workspace);
    for (const id of p.invalidIds) toDlq(m, new InvalidCustomerIdError(id).message, shortId(id));
    const bySource = groups.get(workspace) ?? new Map<SyncSource, string[]>();
    const group = bySource.get(p.origin) ?? [];
    for (const id of p.ids) {
      // Coalesced: one Piriod request per customer of a workspace per batch.
      if (claimed.has(keyOf(workspace, id))) continue;
      claimed.add(keyOf(workspace, id));
      group.push(id);
    }
    bySource.set(p.origin, group);
    groups.set(workspace, bySource);
  }

  const outcomes = new Map<string, CustomerOutcome>();
  const tally = new Tally();
  const tallies = new Map<string, Tally>();
  const aborted = new Map<string, RunAbortedError>();
  /** Workspaces whose reader could not be opened (their token unreadable), with why. */
  const unopened = new Map<string, string>();
  /**
   * Workspaces whose token is not set yet, with the reason naming the secret: a set-up step
   * no retry completes, so their requests are dead-lettered at once (redriven once it is set).
   */
  const notConfigured = new Map<string, string>();
  // Workspaces side by side, each with its own token and pace; one that fails (a revoked
  // token) stops only its own customers. The deadline in `deps` bounds them all together.
  const settled = await Promise.allSettled(
    [...groups].map(async ([workspace, bySource]) => {
      let piriod: Awaited<ReturnType<PiriodWorkspaces['open']>>;
      try {
        piriod = await deps.workspaces.open(workspace);
      } catch (err) {
        const reason = `not refreshed: workspace ${workspace}: ${(err as Error).message}`;
        if (err instanceof SecretNotSetError) notConfigured.set(workspace, reason);
        else unopened.set(workspace, reason);
        return;
      }
      const wsTally = new Tally();
      tallies.set(workspace, wsTally);
      for (const [source, ids] of bySource) {
        if (ids.length === 0 || aborted.has(workspace)) continue;
        try {
          const r = await refreshCustomers(ids, { ...deps, ...piriod, source });
          for (const [id, o] of r.outcomes) {
            outcomes.set(keyOf(workspace, id), o);
            tally.add(o);
            wsTally.add(o);
          }
        } catch (err) {
          if (!(err instanceof RunAbortedError)) throw err;
          aborted.set(workspace, err);
        }
      }
    }),
  );
  const crashed = settled.find((r) => r.status === 'rejected');
  if (crashed) throw crashed.reason;

  const notStarted = new Set<string>();
  for (const m of messages) {
    const p = parsed.get(m.messageId);
    const workspace = workspaceOf.get(m.messageId);
    if (!p || workspace === undefined) continue;
    const abort = aborted.get(workspace);
    const credentials = isFailure(abort?.cause, 'credentials-rejected') ? abort.cause : undefined;
    const unopenedReason = unopened.get(workspace);
    const notConfiguredReason = notConfigured.get(workspace);
    // Customers of this message that a later receive may still refresh, with why they failed.
    const transient: { id: string; reason: string }[] = [];
    for (const id of p.ids) {
      const o = outcomes.get(keyOf(workspace, id));
      if (!o) {
        if (credentials) toDlq(m, credentials.message, id);
        else if (notConfiguredReason) toDlq(m, notConfiguredReason, id);
        else if (unopenedReason) transient.push({ id, reason: unopenedReason });
        else if (abort) transient.push({ id, reason: `not refreshed: ${abort.message}` });
        else {
          notStarted.add(id);
          transient.push({ id, reason: NOT_STARTED });
        }
      } else if (o.result === 'failed') {
        if (o.retryable) transient.push({ id, reason: o.reason });
        else toDlq(m, o.reason, id);
      }
    }
    if (transient.length === 0) continue;
    if (!isLastReceive(m, deps.maxReceiveCount)) {
      retry.add(m.messageId);
      continue;
    }
    const last = ` (dead-lettered on receive ${m.receiveCount}, maxReceiveCount ${deps.maxReceiveCount})`;
    for (const t of transient) toDlq(m, t.reason + last, t.id);
  }
  // A message SQS delivers again keeps its letters until the receive that settles it: its
  // permanently failing customers would otherwise be dead-lettered once per receive.
  const settling = letters.filter((l) => !retry.has(l.m.messageId));
  const { sent, unsent } = await sendDeadLetters(settling, deps.deadLetters);
  for (const u of unsent) retry.add(u.messageId);
  await recordCanaries(messages, parsed, workspaceOf, outcomes, retry, deps);
  return {
    retry,
    deadLettered: sent,
    notStarted: notStarted.size,
    unsent,
    summary: tally.summary(),
    byWorkspace: new Map([...tallies].map(([w, t]) => [w, t.summary()])),
  };
}

/**
 * Sends the dead letters, several at once. One that fails leaves its message to SQS's
 * redelivery rather than lose it, and is returned with its reason and error for the logs.
 */
async function sendDeadLetters(
  letters: readonly { m: QueueMessage; reason: string; customerId?: string }[],
  deadLetters: DeadLetters,
): Promise<{ sent: number; unsent: UnsentDeadLetter[] }> {
  let sent = 0;
  const unsent: UnsentDeadLetter[] = [];
  await forEachConcurrent(letters, DEAD_LETTER_CONCURRENCY, async ({ m, reason, customerId }) => {
    try {
      await deadLetters.send(m.body, { reason, customerId });
      sent++;
    } catch (err) {
      unsent.push({
        messageId: m.messageId,
        ...(customerId ? { customerId } : {}),
        reason,
        error: (err as Error).message,
      });
    }
  });
  return { sent, unsent };
}

/**
 * Records the canary of every handled message (its customers' refreshes ended, whatever the
 * outcome; not one SQS will redeliver). A record that cannot be written is dropped: it only
 * makes `doctor` wait in vain, and must never make SQS retry the customers.
 */
async function recordCanaries(
  messages: readonly QueueMessage[],
  parsed: Map<string, RefreshMessage>,
  workspaceOf: Map<string, string>,
  outcomes: Map<string, CustomerOutcome>,
  retry: Set<string>,
  deps: RefreshBatchDeps,
): Promise<void> {
  const canaries = deps.canaries;
  if (!canaries) return;
  const handled = messages.filter(
    (m) => parsed.get(m.messageId)?.canary && !retry.has(m.messageId),
  );
  await forEachConcurrent(handled, DEAD_LETTER_CONCURRENCY, async (m) => {
    const p = parsed.get(m.messageId) as RefreshMessage & { canary: string };
    const customerId = p.ids[0] ?? p.invalidIds[0] ?? '';
    try {
      await canaries.record({
        nonce: p.canary,
        customerId: shortId(customerId),
        handledAt: deps.clock.now().toISOString(),
        result:
          outcomes.get(keyOf(workspaceOf.get(m.messageId) ?? '', customerId))?.result ?? 'failed',
      });
    } catch {
      // See above: the canary is evidence for `doctor`, not work to retry.
    }
  });
}

const NOT_STARTED =
  "not refreshed: no Piriod request could finish before the invocation's deadline";

/** Whether SQS will not deliver this message again (its redrive would move it, reasonless). */
function isLastReceive(m: QueueMessage, maxReceiveCount: number | undefined): boolean {
  return (
    maxReceiveCount !== undefined &&
    m.receiveCount !== undefined &&
    m.receiveCount >= maxReceiveCount
  );
}

/** A customer of a workspace (ids are Piriod's; the workspace keeps two apart regardless). */
function keyOf(workspace: string, id: string): string {
  return `${workspace}\n${id}`;
}

function shortId(id: string): string {
  return id.length > 64 ? `${id.slice(0, 64)}…` : id;
}
