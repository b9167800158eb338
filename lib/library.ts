/**
 * The entry point of the `piriod-mirror` package: what another service needs to read the
 * mirror, and nothing of the product itself (no CDK, CLI, dev runtime, Powertools or
 * sandbox). It imports each module directly, never a room's barrel, so the built package's
 * import closure stays the DynamoDB clients and zod; `test/unit/library.test.ts` holds it
 * to that.
 *
 * @example
 * import { CustomerQueries, createDocumentClient } from 'piriod-mirror';
 *
 * const customers = new CustomerQueries({
 *   client: createDocumentClient(),
 *   tableName: process.env.CUSTOMERS_TABLE ?? 'piriod-customers',
 * });
 * const customer = await customers.get('cus_01H8XYZ123ABC');
 *
 * @packageDocumentation
 */

export {
  type CustomerRecord,
  customerRecordSchema,
  type NormalizedContact,
  type NormalizedCustomer,
  parseCustomerRecord,
  SCHEMA_VERSION,
  type SyncSource,
} from './customer/record.js';
export { CUSTOMER_CHANGED, EVENT_SOURCE, REFRESH_REQUESTED } from './messages/event-names.js';
export type { RefreshRequestedDetail } from './messages/events.js';
export type { CustomerChange as CustomerChangedDetail } from './ports.js';
export {
  CustomerQueries,
  type QueryOptions,
  type StatusQueryOptions,
} from './store/customer-queries.js';
export { createDocumentClient, type DocumentClientOptions } from './store/dynamodb-client.js';
export { StoreError, StoreUnavailableError, TableNotFoundError } from './store/errors.js';
export {
  DEFAULT_TABLE_NAME,
  EMAIL_INDEX,
  type IndexDefinition,
  PARTITION_KEY,
  STATUS_INDEX,
  TAX_ID_INDEX,
} from './store/table-definition.js';
