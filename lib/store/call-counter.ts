import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const WRITES = [
  'PutItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
  'DeleteItemCommand',
];
const READS = ['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand'];

/** Counts of DynamoDB calls made through one client, by low-level command name. */
export interface CallCounter {
  readonly calls: Record<string, number>;
  /** Capacity DynamoDB reported consumed (`ReturnConsumedCapacity: TOTAL`), indexes included. */
  readonly capacity: { readUnits: number; writeUnits: number; conditionalFailures: number };
  /** Write requests (put, update, batch write, delete) so far. */
  writes(): number;
  reset(): void;
}

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

/**
 * Counts every DynamoDB call a client makes, and the read and write units DynamoDB says it
 * consumed, with SDK middleware on the real client: the source of the write counts and the
 * cost model in tests and benchmarks, never an estimate. A conditional write that fails
 * reports no units (DynamoDB still charges it): those are counted apart.
 */
export function countCalls(
  client: DynamoDBDocumentClient,
  options: { meterCapacity?: boolean } = {},
): CallCounter {
  // Asking for consumed capacity costs DynamoDB (Local, measurably) work: timing runs may skip it.
  const meter = options.meterCapacity ?? true;
  const calls: Record<string, number> = {};
  const capacity = { readUnits: 0, writeUnits: 0, conditionalFailures: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      calls[name] = (calls[name] ?? 0) + 1;
      const metered = meter && (READS.includes(name) || WRITES.includes(name));
      if (metered) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
        if (READS.includes(name)) capacity.readUnits += units;
        else if (WRITES.includes(name)) capacity.writeUnits += units;
        return result;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') {
          capacity.conditionalFailures++;
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'piriodMirrorCountCalls' },
  );
  return {
    calls,
    capacity,
    writes: () => WRITES.reduce((n, w) => n + (calls[w] ?? 0), 0),
    reset: () => {
      for (const k of Object.keys(calls)) delete calls[k];
      capacity.readUnits = 0;
      capacity.writeUnits = 0;
      capacity.conditionalFailures = 0;
    },
  };
}
