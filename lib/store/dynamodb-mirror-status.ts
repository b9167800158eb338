import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CycleCounts,
  type MirrorFailure,
  type MirrorStatus,
  mirrorStatusId,
  mirrorStatusOf,
} from '../customer/mirror-status.js';
import type { MirrorScope, MirrorStatusLog } from '../ports.js';
import { toStoreError } from './errors.js';

/** Options of {@link DynamoMirrorStatus}. */
export interface DynamoMirrorStatusOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  scope: MirrorScope;
}

/**
 * The full mirror's status of one workspace and mode as a reserved item of the customers
 * table ({@link mirrorStatusId}). Each change is one unconditional `UpdateItem` of a few
 * hundred bytes (1 write unit): one when a cycle starts, one when it completes or fails,
 * whatever number of invocations it spans. Each update sets only its own attributes, so a
 * start never hides the last completed cycle.
 */
export class DynamoMirrorStatus implements MirrorStatusLog {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly scope: MirrorScope;

  constructor(options: DynamoMirrorStatusOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.scope = options.scope;
  }

  async started(at: string, schedulePeriodMinutes?: number): Promise<void> {
    await this.update(
      'record a full mirror start',
      schedulePeriodMinutes === undefined
        ? { lastStartedAt: at }
        : { lastStartedAt: at, schedulePeriodMinutes },
    );
  }

  async completed(at: string, counts: CycleCounts): Promise<void> {
    await this.update('record a completed full mirror', {
      lastCompletedAt: at,
      lastCycle: { ...counts },
    });
  }

  async failed(failure: MirrorFailure): Promise<void> {
    await this.update('record a failed full mirror', {
      lastFailure: { at: failure.at, reason: failure.reason },
    });
  }

  async read(): Promise<MirrorStatus | undefined> {
    return readMirrorStatus(this.client, this.table, this.scope);
  }

  private async update(action: string, values: Record<string, unknown>): Promise<void> {
    const keys = Object.keys(values);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: mirrorStatusId(this.scope) },
          UpdateExpression: `SET ${keys.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(keys.map((k, i) => [`#a${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(keys.map((k, i) => [`:v${i}`, values[k]])),
        }),
      );
    } catch (err) {
      throw toStoreError(err, this.table, action);
    }
  }
}

/**
 * The status of `scope` (a consistent `GetItem`, 1 read unit), or `undefined` when no cycle
 * has started.
 */
export async function readMirrorStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
  scope: MirrorScope,
): Promise<MirrorStatus | undefined> {
  try {
    const out = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { id: mirrorStatusId(scope) },
        ConsistentRead: true,
      }),
    );
    return mirrorStatusOf(scope, out.Item);
  } catch (err) {
    throw toStoreError(err, tableName, 'read the full mirror status');
  }
}
