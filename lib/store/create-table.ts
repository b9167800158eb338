import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  ResourceInUseException,
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
export function createTableInput(
  tableName: string,
  options: TableOptions = {},
): CreateTableCommandInput {
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
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const out = await client
      .send(new DescribeTableCommand({ TableName: tableName }))
      .catch((err) => {
        throw toStoreError(err, tableName, 'describe the table');
      });
    const indexesActive = (out.Table?.GlobalSecondaryIndexes ?? []).every(
      (i) => i.IndexStatus === 'ACTIVE',
    );
    if (out.Table?.TableStatus === 'ACTIVE' && indexesActive) return outcome;
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE in time`);
    await sleep(500);
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
