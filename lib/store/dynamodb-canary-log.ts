import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RESERVED_ID_MARK } from '../customer/reserved-ids.js';
import type { CanaryLog, CanaryRecord } from '../ports.js';
import { toStoreError } from './errors.js';
import { TTL_ATTRIBUTE } from './table-definition.js';

/** How long a canary item stays before DynamoDB's TTL removes it (seconds). */
const CANARY_TTL_SECONDS = 24 * 60 * 60;

/**
 * The reserved id of a canary: `canary#<nonce>`. The `#` keeps it apart from every customer
 * id, and the item carries no indexed attribute, so no query ever returns it.
 */
export function canaryItemId(nonce: string): string {
  return `canary${RESERVED_ID_MARK}${nonce}`;
}

/**
 * Canary records as small reserved items of the customers table (one `PutItem`, which the
 * worker's role already has), expiring through the table's TTL.
 */
export class DynamoCanaryLog implements CanaryLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(canary: CanaryRecord): Promise<void> {
    const expires = Math.floor(Date.parse(canary.handledAt) / 1000) + CANARY_TTL_SECONDS;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            id: canaryItemId(canary.nonce),
            canaryCustomerId: canary.customerId,
            handledAt: canary.handledAt,
            result: canary.result,
            [TTL_ATTRIBUTE]: expires,
          },
        }),
      );
    } catch (err) {
      throw toStoreError(err, this.tableName, 'record the canary');
    }
  }

  /** The record of `nonce`, once the worker has written it (consistent read). */
  async find(nonce: string): Promise<CanaryRecord | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { id: canaryItemId(nonce) },
          ConsistentRead: true,
        }),
      );
      const item = out.Item;
      if (!item) return undefined;
      return {
        nonce,
        customerId: String(item.canaryCustomerId ?? ''),
        handledAt: String(item.handledAt ?? ''),
        result: String(item.result ?? ''),
      };
    } catch (err) {
      throw toStoreError(err, this.tableName, 'read the canary');
    }
  }
}
