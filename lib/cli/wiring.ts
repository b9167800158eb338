import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  loadPiriodConfig,
  loadStoreConfig,
  type PiriodConfig,
  type StoreConfig,
} from '../config.js';
import { PiriodClient } from '../piriod/client.js';
import { systemClock } from '../ports.js';
import { checkTable } from '../store/create-table.js';
import { CustomerQueries } from '../store/customer-queries.js';
import { createDocumentClient } from '../store/dynamodb-client.js';
import { DynamoCustomerStore } from '../store/dynamodb-customer-store.js';

type Env = Record<string, string | undefined>;

/** The table side, built from the environment: document client, store and queries. */
export interface TableWiring {
  config: StoreConfig;
  client: DynamoDBDocumentClient;
  store: DynamoCustomerStore;
  queries: CustomerQueries;
}

/** Builds the DynamoDB side from `CUSTOMERS_TABLE`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_REGION`. */
export function tableFromEnv(env: Env): TableWiring {
  const config = loadStoreConfig(env);
  const client = createDocumentClient({ endpoint: config.endpoint, region: config.region });
  return {
    config,
    client,
    store: new DynamoCustomerStore({ client, tableName: config.tableName }),
    queries: new CustomerQueries({ client, tableName: config.tableName }),
  };
}

/** Builds the Piriod client from `PIRIOD_*` variables. */
export function piriodFromEnv(env: Env): { config: PiriodConfig; client: PiriodClient } {
  const config = loadPiriodConfig(env);
  return {
    config,
    client: new PiriodClient({
      baseUrl: config.baseUrl,
      token: config.token,
      workspace: config.workspace,
      testMode: config.testMode,
      timeoutMs: config.timeoutMs,
      retry: { maxAttempts: config.maxAttempts },
      pace: { requestsPerSecond: config.requestsPerSecond, concurrency: config.concurrency },
    }),
  };
}

/**
 * The ports a `sync` or `verify` run needs, from the environment, after checking that the
 * table is there and reachable — so a wrong endpoint or table stops the run before any work.
 */
export async function syncPortsFromEnv(env: Env) {
  const piriod = piriodFromEnv(env);
  const table = tableFromEnv(env);
  await checkTable(table.client, table.config.tableName);
  return {
    tableName: table.config.tableName,
    deps: {
      piriod: piriod.client,
      store: table.store,
      clock: systemClock,
      workspace: piriod.config.workspace,
      testMode: piriod.config.testMode,
      concurrency: piriod.config.concurrency,
    },
  };
}
