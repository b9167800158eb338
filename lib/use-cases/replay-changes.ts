import type {
  ChangePublisher,
  CustomerChange,
  SyncedItemFacts,
  SyncedItems,
  SyncWindow,
} from '../ports.js';

/** What a replay did: events out by kind, and every customer whose event could not go out. */
export interface ReplaySummary {
  published: number;
  updated: number;
  deleted: number;
  failed: { id: string; reason: string }[];
}

/** Ports of a replay; `pace` spaces the publish calls (default: none). */
export interface ReplayDeps {
  items: SyncedItems;
  publisher: ChangePublisher;
  pace?: <T>(task: () => Promise<T>) => Promise<T>;
  onProgress?: (summary: ReplaySummary) => void;
}

/** `PutEvents` takes 10 entries per call. */
const CHUNK = 10;

/**
 * The "Customer Changed" event a stored item stands for, marked as replayed: `deleted` for a
 * tombstone, `updated` otherwise (the stream's `created` cannot be told apart afterwards).
 */
function replayedChangeOf(item: SyncedItemFacts): CustomerChange {
  return {
    id: item.id,
    ...(item.workspace ? { workspace: item.workspace } : {}),
    testMode: item.testMode === true,
    change: item.deleted ? 'deleted' : 'updated',
    ...(item.updated ? { updated: item.updated } : {}),
    ...(item.contentHash ? { contentHash: item.contentHash } : {}),
    replayed: true,
  };
}

/**
 * Re-publishes "Customer Changed" for every customer whose last write falls in `window`:
 * after an outage of the change feed, or to bootstrap a new subscriber. A call whose
 * entries still fail after the publisher's own retries is reported id by id, and the replay
 * goes on with the rest: nothing is dropped silently.
 */
export async function replayChanges(deps: ReplayDeps, window: SyncWindow): Promise<ReplaySummary> {
  const summary: ReplaySummary = { published: 0, updated: 0, deleted: 0, failed: [] };
  const pace = deps.pace ?? ((task) => task());
  for await (const page of deps.items.syncedIn(window)) {
    for (let i = 0; i < page.length; i += CHUNK) {
      const changes = page.slice(i, i + CHUNK).map(replayedChangeOf);
      try {
        await pace(() => deps.publisher.publish(changes));
      } catch (err) {
        const unpublished = new Set(unpublishedOf(err, changes.length));
        const reason = (err as Error).message;
        changes.forEach((c, k) => {
          if (unpublished.has(k)) summary.failed.push({ id: c.id, reason });
          else count(summary, c);
        });
        continue;
      }
      for (const c of changes) count(summary, c);
    }
    deps.onProgress?.(summary);
  }
  return summary;
}

function count(summary: ReplaySummary, c: CustomerChange): void {
  summary.published++;
  summary[c.change === 'deleted' ? 'deleted' : 'updated']++;
}

/** Which of `n` changes a failed publish may not have sent (see {@link ChangePublisher}). */
function unpublishedOf(err: unknown, n: number): readonly number[] {
  const said = (err as { unpublished?: unknown }).unpublished;
  return Array.isArray(said) ? said : Array.from({ length: n }, (_, k) => k);
}
