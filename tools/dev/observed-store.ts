import type { CustomerStore, TombstoneResult, UpsertResult } from '../../lib/ports.js';

/** What happened to one customer's item. */
export type WriteOutcome = UpsertResult | TombstoneResult | 'failed';

/**
 * A {@link CustomerStore} that reports each customer's write outcome, so the dev runtime can
 * show the worker's result per customer and the demo can time webhook → table. Everything
 * else passes through unchanged.
 */
export function observedStore(
  store: CustomerStore,
  onWrite: (id: string, outcome: WriteOutcome) => void,
): CustomerStore {
  return {
    readVersions: (ids) => store.readVersions(ids),
    upsertMany: async (records, known) => {
      const results = await store.upsertMany(records, known);
      for (const [id, r] of results) onWrite(id, r instanceof Error ? 'failed' : r);
      return results;
    },
    tombstone: async (id, observedAt, source, scope) => {
      const r = await store.tombstone(id, observedAt, source, scope);
      onWrite(id, r);
      return r;
    },
    liveIds: (scope) => store.liveIds(scope),
    versionSnapshot: (scope) => store.versionSnapshot(scope),
  };
}
