import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isValidCustomerId } from '../customer/ids.js';
import type { SyncedItemFacts, SyncedItems, SyncWindow } from '../ports.js';
import { toStoreError } from './errors.js';

/**
 * The customers written in a window, read by a filtered scan of the table: `syncedAt` has
 * no index (a window query is an operator's rare replay, not a hot path, and an index would
 * cost a write on every sync). The scan reads, and is billed for, the whole table — about
 * 0.5 read units per 4 KB scanned, eventually consistent — but only the facts of matching
 * items come back (`ProjectionExpression`). Items that are not customers (ids that are not
 * Piriod ids) are skipped.
 */
export class DynamoSyncedItems implements SyncedItems {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *syncedIn(window: SyncWindow): AsyncGenerator<SyncedItemFacts[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client
        .send(
          new ScanCommand({
            TableName: this.tableName,
            // ISO instants in UTC with a fixed shape compare correctly as strings.
            FilterExpression: '#s >= :since AND #s < :until',
            ProjectionExpression: '#id, #ws, #tm, #u, #h, #d',
            ExpressionAttributeNames: {
              '#s': 'syncedAt',
              '#id': 'id',
              '#ws': 'workspace',
              '#tm': 'testMode',
              '#u': 'updated',
              '#h': 'contentHash',
              '#d': 'deleted',
            },
            ExpressionAttributeValues: { ':since': window.since, ':until': window.until },
            ExclusiveStartKey: start,
          }),
        )
        .catch((err) => {
          throw toStoreError(err, this.tableName, 'scan the table');
        });
      const facts = (out.Items ?? []).filter((i) => isValidCustomerId(i.id)).map(factsOf);
      if (facts.length > 0) yield facts;
      start = out.LastEvaluatedKey;
    } while (start);
  }
}

function factsOf(item: Record<string, unknown>): SyncedItemFacts {
  return {
    id: item.id as string,
    ...(typeof item.workspace === 'string' ? { workspace: item.workspace } : {}),
    testMode: item.testMode === true,
    ...(typeof item.updated === 'string' ? { updated: item.updated } : {}),
    ...(typeof item.contentHash === 'string' ? { contentHash: item.contentHash } : {}),
    ...(item.deleted === true ? { deleted: true } : {}),
  };
}
