import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  try {
    // The SDK's waiter polls DescribeTable until the table is ACTIVE. A table created with its
    // indexes is ACTIVE only once they are, and one whose index is being added reads UPDATING.
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
    throw new Error(`table ${tableName} did not become ACTIVE in time`, { cause: err });
  }
  return outcome;
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
