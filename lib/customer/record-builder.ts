import { contentHash } from './content-hash.js';
import type { NormalizedCustomer, SyncedCustomer, SyncSource } from './record.js';
import { SCHEMA_VERSION } from './schema-version.js';

/**
 * Adds sync metadata to a normalized customer, making the record the mirror writes (the
 * store adds its index keys to the table item). `testMode` is the mode the customer is
 * mirrored in, from the caller's configuration (default live): Piriod's own `test_mode`
 * field is not a promise it keeps on every customer, so it never decides.
 */
export function toRecord(
  customer: NormalizedCustomer,
  meta: {
    workspace: string;
    testMode?: boolean;
    fetchedAt: string;
    syncedAt: string;
    source: SyncSource;
  },
): SyncedCustomer {
  return {
    ...customer,
    workspace: meta.workspace,
    testMode: meta.testMode ?? false,
    syncedAt: meta.syncedAt,
    fetchedAt: meta.fetchedAt,
    syncSource: meta.source,
    contentHash: contentHash(customer),
    schemaVersion: SCHEMA_VERSION,
  };
}
