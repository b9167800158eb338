import type { StoredVersion } from '../customer/write-rule.js';

/** Shards of the version index per workspace: spreads index writes over partitions. */
const VERSION_SHARDS = 16;

/**
 * The version index's partition key for a customer: `<workspace>#<shard>`, the shard a
 * stable FNV-1a hash of the id, as two hex digits. Writes of a cold mirror spread over 16
 * index partitions instead of one hot key; a reader queries all 16 in parallel.
 */
export function versionShardOf(workspace: string, id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${workspace}#${((h >>> 0) % VERSION_SHARDS).toString(16).padStart(2, '0')}`;
}

/** The 16 partition keys of a workspace in the version index. */
export function versionShardsOf(workspace: string): string[] {
  return Array.from(
    { length: VERSION_SHARDS },
    (_, i) => `${workspace}#${i.toString(16).padStart(2, '0')}`,
  );
}

/**
 * A stored version as this store reads it: with the item's version-index key, absent from
 * items written before the index existed (the next write that finds it missing adds it).
 */
export interface IndexedVersion extends StoredVersion {
  versionShard?: string;
}

/** The attributes the write rule reads of a stored customer: its version and its scope. */
export const VERSION_FIELDS = [
  'id',
  'updated',
  'contentHash',
  'fetchedAt',
  'deleted',
  'deletedAt',
  'versionShard',
  // Whose the item is: a write of another scope must fail, not be judged against it. Reading
  // two more attributes costs nothing: BatchGetItem is priced by the whole item's size.
  'workspace',
  'testMode',
] as const;

/** The {@link VERSION_FIELDS} of a stored item. */
export function pickVersion(item: Record<string, unknown>): IndexedVersion {
  const v: Record<string, unknown> = {};
  for (const f of VERSION_FIELDS) if (item[f] !== undefined) v[f] = item[f];
  return v as unknown as IndexedVersion;
}
