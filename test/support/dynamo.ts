import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient, DynamoCustomerStore, ensureTable } from '../../lib/store/index.js';

/** Counts of DynamoDB calls by low-level command name (`PutItemCommand`…), from SDK middleware on the real client. */
export type CallCounts = Record<string, number>;

/** A fresh table in the suite's DynamoDB Local, with a client that counts its calls. */
export interface TestTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBDocumentClient;
  store: DynamoCustomerStore;
  calls: CallCounts;
  writes(): number;
  resetCalls(): void;
  drop(): Promise<void>;
}

/** Creates a uniquely named customers table for one test file. */
export async function createTestTable(prefix = 'test'): Promise<TestTable> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const client = createDocumentClient({ endpoint });
  const calls: CallCounts = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      calls[name] = (calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  await ensureTable(client, tableName);
  const store = new DynamoCustomerStore({ client, tableName });
  const resetCalls = () => {
    for (const k of Object.keys(calls)) delete calls[k];
  };
  resetCalls();
  return {
    endpoint,
    tableName,
    client,
    store,
    calls,
    writes: () =>
      (calls.PutItemCommand ?? 0) +
      (calls.UpdateItemCommand ?? 0) +
      (calls.BatchWriteItemCommand ?? 0) +
      (calls.DeleteItemCommand ?? 0),
    resetCalls,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
    },
  };
}
