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
