import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import type { MirrorScope } from '../../lib/ports.js';
import { countCalls } from '../../lib/store/call-counter.js';
import { ensureTable } from '../../lib/store/create-table.js';
import { createDocumentClient } from '../../lib/store/dynamodb-client.js';
import { DynamoCustomerStore } from '../../lib/store/dynamodb-customer-store.js';
import { DynamoCycleLease, fullMirrorLeaseId } from '../../lib/store/dynamodb-cycle-lease.js';

/** Counts of DynamoDB calls by low-level command name (`PutItemCommand`…), from SDK middleware on the real client. */
export type CallCounts = Record<string, number>;

/** A fresh table in the suite's DynamoDB Local, with a client that counts its calls. */
export interface TestTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBDocumentClient;
  store: DynamoCustomerStore;
  /** The full-mirror cycle lease of `scope` in this table, on the counting client. */
  lease(scope: MirrorScope): DynamoCycleLease;
  calls: CallCounts;
  /** Read and write units DynamoDB Local reported consumed since the last reset. */
  capacity: { readUnits: number; writeUnits: number; conditionalFailures: number };
  writes(): number;
  resetCalls(): void;
  drop(): Promise<void>;
}

/** Creates a uniquely named customers table for one test file. */
export async function createTestTable(
  prefix = 'test',
  options: { stream?: boolean } = {},
): Promise<TestTable> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const client = createDocumentClient({ endpoint });
  const counter = countCalls(client);
  await ensureTable(client, tableName, options);
  counter.reset();
  const store = new DynamoCustomerStore({ client, tableName });
  return {
    endpoint,
    tableName,
    client,
    store,
    lease: (scope) =>
      new DynamoCycleLease({ client, tableName, leaseId: fullMirrorLeaseId(scope) }),
    calls: counter.calls,
    capacity: counter.capacity,
    writes: counter.writes,
    resetCalls: counter.reset,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
    },
  };
}
