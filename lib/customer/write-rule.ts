import { compareInstants } from './timestamp.js';

/** What the table holds for a customer, as far as the write rule needs it. */
export interface StoredVersion {
  id: string;
  updated?: string;
  contentHash?: string;
  fetchedAt?: string;
  deleted?: boolean;
  deletedAt?: string;
  /**
   * Whose the item is (its workspace and mode), when the reader knows it: a write or
   * tombstone of another scope never lands on it (`scopeClash`). An item without `testMode`
   * is live.
   */
  workspace?: string;
  testMode?: boolean;
}

/** The version a sync is about to write. */
export interface IncomingVersion {
  updated?: string;
  contentHash: string;
  fetchedAt: string;
}

/** `create`/`update` write; `unchanged`/`stale` cost nothing. */
export type WriteDecision = 'create' | 'update' | 'unchanged' | 'stale';

/**
 * The table's write rule (newest wins, no wasted writes): write when the item is absent, or
 * the incoming `updated` is a later instant, or `updated` is equal and the content differs
 * and it was fetched later. A tombstone is revived by data newer than it, or read after it
 * was made (the customer is back in Piriod).
 */
export function decideWrite(
  stored: StoredVersion | undefined,
  incoming: IncomingVersion,
): WriteDecision {
  if (!stored) return 'create';
  const byUpdated = compareInstants(incoming.updated, stored.updated);
  if (stored.deleted) {
    const readAfterTombstone = compareInstants(incoming.fetchedAt, stored.deletedAt) > 0;
    return byUpdated > 0 || readAfterTombstone ? 'update' : 'stale';
  }
  if (byUpdated > 0) return 'update';
  if (byUpdated < 0) return 'stale';
  if (incoming.contentHash === stored.contentHash) return 'unchanged';
  return compareInstants(incoming.fetchedAt, stored.fetchedAt) > 0 ? 'update' : 'stale';
}
