export {
  decideWrite,
  type IncomingVersion,
  type StoredVersion,
  type WriteDecision,
} from '../customer/write-rule.js';
export type {
  CustomerStore,
  MirrorScope,
  TombstoneResult,
  UpsertResult,
  VersionSnapshot,
} from '../ports.js';
export { type CallCounter, countCalls } from './call-counter.js';
export { checkTable, createTableInput, ensureTable } from './create-table.js';
export { CustomerQueries, type QueryOptions, type StatusQueryOptions } from './customer-queries.js';
export { createDocumentClient, type DocumentClientOptions } from './dynamodb-client.js';
export { DynamoCustomerStore, type DynamoCustomerStoreOptions } from './dynamodb-customer-store.js';
export { StoreError, StoreUnavailableError, TableNotFoundError, toStoreError } from './errors.js';
export {
  EMAIL_INDEX,
  INDEXES,
  type IndexDefinition,
  KEY_ATTRIBUTES,
  PARTITION_KEY,
  STATUS_INDEX,
  TAX_ID_INDEX,
} from './table-definition.js';
