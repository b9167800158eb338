import { InvalidCustomerIdError } from '../customer/errors.js';
import type { SyncSource } from '../customer/record.js';
import {
  isBadMessage,
  parseRefreshMessage,
  type RefreshMessage,
} from '../messages/parse-refresh-message.js';
import { PiriodCredentialsError } from '../piriod/errors.js';
import type { DeadLetters } from '../ports.js';
import { RunAbortedError } from './errors.js';
import { type CustomerOutcome, type SyncSummary, Tally } from './outcome.js';
import { syncCustomers } from './sync-customers.js';
import type { SyncDeps } from './sync-deps.js';

/** One SQS message of the refresh queue. */
export interface QueueMessage {
  messageId: string;
  body: string;
  attributes?: { syncSource?: string };
}

/** What the worker should tell SQS, and what it did. */
export interface RefreshBatchResult {
  /** Messages to report as `batchItemFailures`: SQS retries them later. */
  retry: Set<string>;
  /** Messages sent to the dead-letter queue with a reason. */
  deadLettered: number;
  summary: SyncSummary;
}

/**
 * The refresh worker's use case. Parses every message, refreshes each distinct customer once
 * for the whole batch, then settles each message: a transient failure of any of its
 * customers → retry that message; a permanent one (bad message, invalid id, unknown id,
 * schema-invalid customer, rejected credentials) → dead-letter queue with the reason, never
 * retried forever. Nothing else in the batch is retried.
 */
export async function processRefreshBatch(
  messages: readonly QueueMessage[],
  deps: Omit<SyncDeps, 'source'> & { deadLetters: DeadLetters },
): Promise<RefreshBatchResult> {
  const retry = new Set<string>();
  let deadLettered = 0;
  const toDlq = async (m: QueueMessage, reason: string, customerId?: string) => {
    try {
      await deps.deadLetters.send(m.body, { reason, customerId });
      deadLettered++;
    } catch {
      // The reason could not be recorded: let SQS redeliver rather than lose the message.
      retry.add(m.messageId);
    }
  };

  const parsed = new Map<string, RefreshMessage>();
  const bySource = new Map<SyncSource, string[]>();
  const claimed = new Set<string>();
  for (const m of messages) {
    const p = parseRefreshMessage(m.body, m.attributes);
    if (isBadMessage(p)) {
      await toDlq(m, p.reason);
      continue;
    }
    parsed.set(m.messageId, p);
    for (const id of p.invalidIds)
      await toDlq(m, new InvalidCustomerIdError(id).message, shortId(id));
    const group = bySource.get(p.origin) ?? [];
    for (const id of p.ids) {
      if (claimed.has(id)) continue; // coalesced: one Piriod request per customer per batch
      claimed.add(id);
      group.push(id);
    }
    bySource.set(p.origin, group);
  }

  const outcomes = new Map<string, CustomerOutcome>();
  const tally = new Tally();
  let aborted: RunAbortedError | undefined;
  for (const [source, ids] of bySource) {
    if (ids.length === 0 || aborted) continue;
    try {
      const r = await syncCustomers(ids, { ...deps, source });
      for (const [id, o] of r.outcomes) {
        outcomes.set(id, o);
        tally.add(o);
      }
    } catch (err) {
      if (!(err instanceof RunAbortedError)) throw err;
      aborted = err;
    }
  }

  const credentials = aborted?.cause instanceof PiriodCredentialsError ? aborted.cause : undefined;
  for (const m of messages) {
    const p = parsed.get(m.messageId);
    if (!p) continue;
    let transient = false;
    for (const id of p.ids) {
      const o = outcomes.get(id);
      if (!o) {
        if (credentials) await toDlq(m, credentials.message, id);
        else transient = true; // not attempted: the run stopped (DynamoDB unreachable)
      } else if (o.result === 'failed') {
        if (o.retryable) transient = true;
        else await toDlq(m, o.reason, id);
      }
    }
    if (transient) retry.add(m.messageId);
  }
  return { retry, deadLettered, summary: tally.summary() };
}

function shortId(id: string): string {
  return id.length > 64 ? `${id.slice(0, 64)}…` : id;
}
