import { contentHash } from './content-hash.js';
import type { NormalizedCustomer, SyncedCustomer, SyncSource } from './record.js';
import { SCHEMA_VERSION } from './schema-version.js';

/**
 * Adds sync metadata to a normalized customer, making the record the mirror writes (the
 * store adds its index keys to the table item).
 */
export function toRecord(
  customer: NormalizedCustomer,
  meta: { workspace: string; fetchedAt: string; syncedAt: string; source: SyncSource },
): SyncedCustomer {
  return {
    ...customer,
    workspace: meta.workspace,
    syncedAt: meta.syncedAt,
    fetchedAt: meta.fetchedAt,
    syncSource: meta.source,
    contentHash: contentHash(customer),
    schemaVersion: SCHEMA_VERSION,
  };
}
