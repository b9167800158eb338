/**
 * The normalized customer: the table's item schema (see "The table" in the architecture
 * contract) minus sync metadata. Absent attributes are omitted, never null or empty.
 */
export interface NormalizedCustomer {
  id: string;
  name: string;
  address?: string;
  country?: {
    id?: string;
    name?: string;
    code?: string;
    hasRegulation?: boolean;
    currencies?: string[];
  };
  state?: { id?: string | number; name?: string; country?: string };
  currency?: string;
  email?: string;
  phone?: string;
  website?: string;
  zipCode?: string;
  manager?: string;
  reference?: string;
  taxId?: string;
  taxSettings?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  sendInvoices?: boolean;
  sendCollections?: boolean;
  sendVouchers?: boolean;
  status?: string;
  contacts?: NormalizedContact[];
  sources?: string[];
  aggregations?: { sales?: number; salesCurrentPeriod?: number; balance?: number };
  testMode?: boolean;
  created?: string;
  updated?: string;
}

export interface NormalizedContact {
  id?: string;
  name?: string;
  email?: string;
  phone?: string;
  orgunit?: string;
  invoicing?: boolean;
  collections?: boolean;
  created?: string;
  updated?: string;
}

/** Which path of the product wrote an item. */
export type SyncSource = 'schedule' | 'event' | 'webhook' | 'cli';

/** Sync metadata stored beside every customer. */
export interface SyncMetadata {
  workspace: string;
  /**
   * Partition key of the narrow version index: `<workspace>#<shard>` (16 shards by id), so
   * a full mirror learns what is stored for a fraction of a read unit per customer.
   */
  versionShard: string;
  /** When this item was last written by the mirror. */
  syncedAt: string;
  /** When the data in this item was read from Piriod; orders equal-`updated` versions. */
  fetchedAt: string;
  syncSource: SyncSource;
  contentHash: string;
  schemaVersion: number;
  deleted?: true;
  deletedAt?: string;
}

/** One item of the customers table. */
export type CustomerRecord = NormalizedCustomer & SyncMetadata;

/** Version of the item schema written by this code; bumped when the item shape changes. */
export const SCHEMA_VERSION = 1;
