import { loadPiriodSettings, loadStoreConfig } from '../config.js';
import { type AttemptInfo, PiriodClient } from '../piriod/client.js';
import { createDocumentClient } from '../store/dynamodb-client.js';
import { DynamoCustomerStore } from '../store/dynamodb-customer-store.js';
import { apiTokenSource } from './secrets.js';

type Env = Record<string, string | undefined>;

/**
 * Builds the Piriod client for a Lambda: settings from the environment, the token from
 * {@link apiTokenSource}. Reads the token once up front, so a missing secret stops the cold
 * start with the command that fixes it.
 */
export async function piriodForLambda(env: Env, onAttempt?: (a: AttemptInfo) => void) {
  const settings = loadPiriodSettings(env);
  const token = apiTokenSource(env);
  await token.get();
  const client = new PiriodClient({
    baseUrl: settings.baseUrl,
    token,
    workspace: settings.workspace,
    testMode: settings.testMode,
    timeoutMs: settings.timeoutMs,
    retry: { maxAttempts: settings.maxAttempts },
    pace: { requestsPerSecond: settings.requestsPerSecond, concurrency: settings.concurrency },
    onAttempt,
  });
  return { client, settings };
}

/** The customers table store for a Lambda (`CUSTOMERS_TABLE`, SDK endpoint variables). */
export function storeForLambda(env: Env): DynamoCustomerStore {
  const config = loadStoreConfig(env);
  const client = createDocumentClient({ endpoint: config.endpoint, region: config.region });
  return new DynamoCustomerStore({ client, tableName: config.tableName });
}
