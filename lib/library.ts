/**
 * The entry point of the `piriod-mirror` package: what another service needs to read the
 * mirror, and nothing of the product itself (no CDK, CLI, dev runtime, Powertools or
 * sandbox). It imports each module directly, never a folder's index file, so the built package's
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

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsEndpoint, type Env } from './env-variables.js';

export { DEFAULT_TABLE_NAME } from './env-variables.js';

import {
  type DocumentClientOptions,
  createDocumentClient as documentClientFor,
} from './store/dynamodb-client.js';

export type {
  CycleCounts,
  MirrorCompletedDetail,
  MirrorFailedDetail,
  MirrorFailure,
  MirrorStatus,
} from './customer/mirror-status.js';
export {
  type CustomerRecord,
  customerRecordSchema,
  type NormalizedContact,
  type NormalizedCustomer,
  parseCustomerRecord,
  SCHEMA_VERSION,
  type SyncSource,
} from './customer/record.js';
export { isReservedItemId } from './customer/reserved-ids.js';
export {
  CUSTOMER_CHANGED,
  EVENT_SOURCE,
  MIRROR_COMPLETED,
  MIRROR_FAILED,
  REFRESH_REQUESTED,
} from './messages/event-names.js';
export type { RefreshRequestedDetail } from './messages/events.js';
export type { CustomerChange as CustomerChangedDetail } from './ports.js';
export {
  CustomerQueries,
  type QueryOptions,
  type StatusQueryOptions,
} from './store/customer-queries.js';
export type { DocumentClientOptions } from './store/dynamodb-client.js';
export { StoreError, StoreUnavailableError, TableNotFoundError } from './store/errors.js';
export {
  EMAIL_INDEX,
  type IndexDefinition,
  PARTITION_KEY,
  STATUS_INDEX,
  TAX_ID_INDEX,
} from './store/table-definition.js';

/**
 * The project's DynamoDB document client, with the endpoint the AWS SDK would take from the
 * environment (`AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`) when none is passed.
 * Read here, the endpoint decides the loopback fallback too: against DynamoDB Local it needs
 * no region or keys, exactly as with an explicit endpoint (the SDK reads the variable only
 * inside the client, after that decision). This module is the package's entry point, so it
 * may read the environment.
 *
 * @param env the environment to read; the process's by default
 * @example
 * ```ts
 * // AWS_ENDPOINT_URL_DYNAMODB=<DynamoDB Local's URL> node app.js
 * const queries = new CustomerQueries({ client: createDocumentClient(), tableName: 'piriod-customers' });
 * ```
 */
export function createDocumentClient(
  options: DocumentClientOptions = {},
  env: Env = process.env,
): DynamoDBDocumentClient {
  return documentClientFor({
    ...options,
    endpoint: options.endpoint ?? awsEndpoint(env, 'AWS_ENDPOINT_URL_DYNAMODB'),
  });
}
