import { contentHash } from '../customer/content-hash.js';
import type { CustomerRecord, NormalizedCustomer, SyncSource } from '../customer/record.js';
import { SCHEMA_VERSION } from '../customer/schema-version.js';
import { versionShardOf } from '../store/version-shard.js';

/** Adds sync metadata to a normalized customer, making the table item. */
export function toRecord(
  customer: NormalizedCustomer,
  meta: { workspace: string; fetchedAt: string; syncedAt: string; source: SyncSource },
): CustomerRecord {
  return {
    ...customer,
    workspace: meta.workspace,
    versionShard: versionShardOf(meta.workspace, customer.id),
    syncedAt: meta.syncedAt,
    fetchedAt: meta.fetchedAt,
    syncSource: meta.source,
    contentHash: contentHash(customer),
    schemaVersion: SCHEMA_VERSION,
  };
}
