import { InvalidCustomerIdError } from '../customer/errors.js';
import type { SyncSource } from '../customer/record.js';
import { resolveWorkspace } from '../customer/workspaces.js';
import {
  isBadMessage,
  parseRefreshMessage,
  type RefreshMessage,
} from '../messages/parse-refresh-message.js';

/** One SQS message of the refresh queue. */
export interface QueueMessage {
  messageId: string;
  body: string;
  attributes?: { syncSource?: string };
  /** SQS's `ApproximateReceiveCount` of this delivery, when known (1 on the first). */
  receiveCount?: number;
}

/** A dead letter to send: the message it is for, why, and the customer it is about. */
export interface DeadLetter {
  message: QueueMessage;
  reason: string;
  customerId?: string;
}

/** A message that names a configured workspace: what it asks for, and where. */
export interface PlannedMessage {
  message: QueueMessage;
  request: RefreshMessage;
  workspace: string;
}

/** The customers to refresh of one workspace, by the source each is refreshed as. */
export type WorkspaceWork = Map<SyncSource, string[]>;

/** What a batch asks for, before anything is done: step one of the refresh worker. */
export interface RefreshPlan {
  /** Each message that names a configured workspace, by message id. */
  planned: Map<string, PlannedMessage>;
  /**
   * The work of each workspace a message names (even when all its ids were invalid or
   * claimed by another message): each customer once per workspace, under the source of the
   * first message that asked for it.
   */
  work: Map<string, WorkspaceWork>;
  /** Messages, or ids of them, that no receive can ever refresh, with their reasons. */
  letters: DeadLetter[];
}

/**
 * Plans a batch, without side effects: parses each message, resolves its workspace, and
 * groups the customers to refresh by workspace and source, each customer once (coalesced:
 * one Piriod request per customer of a workspace per batch). Messages on their last receive
 * claim their customers first: with little time left, those are the ones a retry can no
 * longer save. A message that is not a refresh request, names no configured workspace, or
 * carries ids that cannot be Piriod's gets a dead letter here.
 */
export function planRefreshBatch(
  messages: readonly QueueMessage[],
  configured: readonly string[],
): RefreshPlan {
  const plan: RefreshPlan = { planned: new Map(), work: new Map(), letters: [] };
  /** The customers each workspace's work already has. */
  const claimed = new Map<string, Set<string>>();
  const letter = (message: QueueMessage, reason: string, customerId?: string) =>
    plan.letters.push({ message, reason, customerId });
  const byUrgency = [...messages].sort((a, b) => (b.receiveCount ?? 0) - (a.receiveCount ?? 0));
  for (const message of byUrgency) {
    const request = parseRefreshMessage(message.body, message.attributes);
    if (isBadMessage(request)) {
      letter(message, request.reason);
      continue;
    }
    // A message for no configured workspace can never be refreshed: a retry would not help.
    const target = resolveWorkspace(configured, request.workspace);
    if ('problem' in target) {
      const first = request.ids[0] ?? request.invalidIds[0];
      letter(message, target.reason, first === undefined ? undefined : shortId(first));
      continue;
    }
    const { workspace } = target;
    plan.planned.set(message.messageId, { message, request, workspace });
    for (const id of request.invalidIds) {
      letter(message, new InvalidCustomerIdError(id).message, shortId(id));
    }
    const work = plan.work.get(workspace) ?? new Map<SyncSource, string[]>();
    plan.work.set(workspace, work);
    const group = work.get(request.origin) ?? [];
    work.set(request.origin, group);
    const taken = claimed.get(workspace) ?? new Set<string>();
    claimed.set(workspace, taken);
    for (const id of request.ids) {
      if (taken.has(id)) continue;
      taken.add(id);
      group.push(id);
    }
  }
  return plan;
}

/** An id short enough for a dead letter's attribute (ids over 64 characters are invalid). */
export function shortId(id: string): string {
  return id.length > 64 ? `${id.slice(0, 64)}…` : id;
}
