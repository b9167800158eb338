import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const WRITES = [
  'PutItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
  'DeleteItemCommand',
];

/** Counts of DynamoDB calls made through one client, by low-level command name. */
export interface CallCounter {
  readonly calls: Record<string, number>;
  /** Write requests (put, update, batch write, delete) so far. */
  writes(): number;
  reset(): void;
}

/**
 * Counts every DynamoDB call a client makes, with SDK middleware on the real client: the
 * source of the write counts in tests and benchmarks, never an estimate.
 */
export function countCalls(client: DynamoDBDocumentClient): CallCounter {
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      calls[name] = (calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'piriodMirrorCountCalls' },
  );
  return {
    calls,
    writes: () => WRITES.reduce((n, w) => n + (calls[w] ?? 0), 0),
    reset: () => {
      for (const k of Object.keys(calls)) delete calls[k];
    },
  };
}
