import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sleep } from '../concurrency/sleep.js';
import { toStoreError } from './errors.js';
import { INDEXES, KEY_ATTRIBUTES, PARTITION_KEY } from './table-definition.js';

/** Options of the customers table beyond its fixed schema. */
export interface TableOptions {
  /**
   * A stream of new and old images, as the stack enables for "Customer Changed" events and
   * downstream consumers. Default off.
   */
  stream?: boolean;
}

/** The `CreateTable` request for the customers table: on-demand, the shared key schema and indexes. */
function createTableInput(tableName: string, options: TableOptions = {}): CreateTableCommandInput {
  return {
    TableName: tableName,
    ...(options.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
      : {}),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: 'S',
    })),
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: index.include
        ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] }
        : { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * Creates the customers table unless it exists, then waits until it is active. Idempotent.
 *
 * @returns `created` or `exists`.
 */
export async function ensureTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: TableOptions & { timeoutMs?: number } = {},
): Promise<'created' | 'exists'> {
  let outcome: 'created' | 'exists' = 'created';
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, options)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException))
      throw toStoreError(err, tableName, 'create the table');
    outcome = 'exists';
  }
  // One DescribeTable first: the SDK's waiter below retries on any error until it times out,
  // so a denied or unreachable DescribeTable must speak here, at once.
  const first = await describeTable(client, tableName);
  if (first.Table?.TableStatus === 'ACTIVE') {
    await waitForIndexes(client, tableName, options.timeoutMs ?? 120_000);
    return outcome;
  }
  try {
    // The SDK's waiter polls DescribeTable until the table is ACTIVE.
    await waitUntilTableExists(
      {
        // It only sends DescribeTable, which the document client passes through unchanged.
        client: client as unknown as DynamoDBClient,
        maxWaitTime: Math.max(1, Math.ceil((options.timeoutMs ?? 120_000) / 1000)),
        minDelay: 1,
        maxDelay: 5,
      },
      { TableName: tableName },
    );
  } catch (err) {
    // Ask once more: a DescribeTable that fails (denied, unreachable) says why; one that
    // answers says the table is still not ready.
    const table = await describeTable(client, tableName);
    throw new Error(
      `table ${tableName} did not become ACTIVE in time (status ${table.Table?.TableStatus ?? 'unknown'})`,
      { cause: err },
    );
  }
  // A table can read ACTIVE while an index added to it still backfills: wait for those too.
  await waitForIndexes(client, tableName, options.timeoutMs ?? 120_000);
  return outcome;
}

/** DescribeTable, its failure mapped to a store error that says what to fix. */
function describeTable(client: DynamoDBDocumentClient, tableName: string) {
  return client.send(new DescribeTableCommand({ TableName: tableName })).catch((e: unknown) => {
    throw toStoreError(e, tableName, 'describe the table');
  });
}

/** Polls DescribeTable until every global secondary index is ACTIVE, or fails with the ones that are not. */
async function waitForIndexes(
  client: DynamoDBDocumentClient,
  tableName: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await describeTable(client, tableName);
    const building = (Table?.GlobalSecondaryIndexes ?? []).filter(
      (i) => i.IndexStatus !== 'ACTIVE',
    );
    if (building.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `table ${tableName}'s indexes did not become ACTIVE in time: ${building.map((i) => i.IndexName).join(', ')}`,
      );
    }
    await sleep(1_000);
  }
}

/**
 * Checks that the table exists and is reachable, before any work starts.
 *
 * @throws TableNotFoundError or StoreUnavailableError with the fix in the message.
 */
export async function checkTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    throw toStoreError(err, tableName, 'describe the table');
  }
}
