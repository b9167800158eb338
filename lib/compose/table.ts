/** Composition: the customers table (document client, store, queries). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoreConfig } from '../config.js';
import type { MirrorScope } from '../ports.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';
import { CustomerQueries } from '../store/customer-queries.js';
import { DynamoCanaryLog } from '../store/dynamodb-canary-log.js';
import { createDocumentClient } from '../store/dynamodb-client.js';
import { DynamoCustomerStore } from '../store/dynamodb-customer-store.js';
import { DynamoCycleLease, fullMirrorLeaseId } from '../store/dynamodb-cycle-lease.js';
import { DynamoMirrorStatus } from '../store/dynamodb-mirror-status.js';
import { DynamoSyncedItems } from '../store/synced-items.js';

/** The table side: document client, the write-rule store and the typed queries. */
export interface CustomerTable {
  config: StoreConfig;
  client: DynamoDBDocumentClient;
  store: DynamoCustomerStore;
  queries: CustomerQueries;
  /** The customers written in a time window (`replay-changes`). */
  syncedItems: DynamoSyncedItems;
}

/** The customers table as `config` places it. */
export function customerTable(config: StoreConfig): CustomerTable {
  const client = documentClientFor(config);
  return {
    config,
    client,
    store: new DynamoCustomerStore({ client, tableName: config.tableName }),
    queries: new CustomerQueries({ client, tableName: config.tableName }),
    syncedItems: new DynamoSyncedItems(client, config.tableName),
  };
}

/**
 * The table as a function uses it: its name and one document client, bounded by the
 * function's SDK `budget`. Every port a function builds on the table shares this client.
 */
function functionTable(config: StoreConfig, budget?: SdkBudget) {
  return { client: documentClientFor(config, budget), tableName: config.tableName };
}

/**
 * The write-rule store, and the cycle lease and status item of each workspace's scope, on one
 * client, for `full-mirror`.
 */
export function storeAndLeases(
  config: StoreConfig,
  budget?: SdkBudget,
): {
  store: DynamoCustomerStore;
  leaseOf(scope: MirrorScope): DynamoCycleLease;
  statusOf(scope: MirrorScope): DynamoMirrorStatus;
} {
  const { client, tableName } = functionTable(config, budget);
  return {
    store: new DynamoCustomerStore({ client, tableName }),
    leaseOf: (scope) =>
      new DynamoCycleLease({ client, tableName, leaseId: fullMirrorLeaseId(scope) }),
    statusOf: (scope) => new DynamoMirrorStatus({ client, tableName, scope }),
  };
}

/**
 * The write-rule store and where `doctor`'s canaries are recorded (reserved items of the
 * table) on one client, for `refresh-customers`.
 */
export function storeAndCanaries(
  config: StoreConfig,
  budget?: SdkBudget,
): { store: DynamoCustomerStore; canaries: DynamoCanaryLog } {
  const { client, tableName } = functionTable(config, budget);
  return {
    store: new DynamoCustomerStore({ client, tableName }),
    canaries: new DynamoCanaryLog(client, tableName),
  };
}

function documentClientFor(config: StoreConfig, budget?: SdkBudget): DynamoDBDocumentClient {
  return createDocumentClient({ endpoint: config.endpoint, region: config.region, budget });
}
