import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { RESERVED_ID_MARK } from '../customer/reserved-ids.js';
import type { CycleLease, LeaseClaim, LeaseHolder, LeaseOutcome, MirrorScope } from '../ports.js';
import { toStoreError } from './errors.js';

/**
 * The id of the full-mirror lease of one workspace and mode:
 * `lease#full-mirror#<workspace>` (live) or `…#test` (test mode). The `#` keeps it apart
 * from every customer id; the item carries none of the indexed attributes, so no index and
 * no query ever returns it.
 */
export function fullMirrorLeaseId(scope: MirrorScope): string {
  const m = RESERVED_ID_MARK;
  return `lease${m}full-mirror${m}${scope.workspace}${scope.testMode ? `${m}test` : ''}`;
}

/** Options of {@link DynamoCycleLease}. */
export interface DynamoCycleLeaseOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The item's id, e.g. {@link fullMirrorLeaseId}. */
  leaseId: string;
}

const NAMES: Record<string, string> = {
  '#token': 'leaseToken',
  '#cycle': 'cycleStartedAt',
  '#expires': 'leaseExpiresAt',
  '#renewed': 'renewedAt',
  '#completed': 'completedAt',
  '#inv': 'invocation',
  '#lastCompleted': 'lastCompletedAt',
};

/** The attribute names `expressions` use: DynamoDB rejects any name left unused. */
function namesIn(...expressions: string[]): Record<string, string> {
  const text = expressions.join(' ');
  return Object.fromEntries(Object.entries(NAMES).filter(([n]) => text.includes(n)));
}

/**
 * The cycle lease as one small item of the customers table, changed only by conditional
 * `UpdateItem`s (about 1 write unit each, also when the condition fails). Instants are
 * ISO-8601 UTC strings of one fixed format, so they compare as strings.
 */
export class DynamoCycleLease implements CycleLease {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly id: string;

  constructor(options: DynamoCycleLeaseOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.id = options.leaseId;
  }

  async acquire(claim: LeaseClaim): Promise<LeaseOutcome> {
    return this.claim(
      'take the full-mirror lease',
      'SET #token = :token, #cycle = :cycle, #inv = :inv, #expires = :expires, #renewed = :now REMOVE #completed',
      // Free (never taken, or released) or expired: a crashed cycle cannot block for ever.
      'attribute_not_exists(#token) OR #expires <= :now',
      claim,
      true,
    );
  }

  async renew(claim: LeaseClaim): Promise<LeaseOutcome> {
    return this.claim(
      'renew the full-mirror lease',
      'SET #inv = :inv, #expires = :expires, #renewed = :now',
      // Still ours, even past its expiry as long as no other cycle took it; never after the
      // cycle completed (a repeated continuation must not mirror the tail again); and only
      // for the invocation after the last one — or the same one again once its lease was
      // released by a failure (Lambda's retry) — so a continuation delivered twice runs once.
      '#token = :token AND attribute_not_exists(#completed) AND (#inv = :prev OR (#inv = :inv AND #expires <= :now))',
      claim,
      false,
    );
  }

  async release(token: string, now: string, completed: boolean): Promise<void> {
    // `lastCompletedAt` survives the next cycle's acquire (which clears `completedAt`), so
    // `doctor` can tell when a cycle last finished even while another one runs.
    const update = `SET #expires = :now${completed ? ', #completed = :now, #lastCompleted = :now' : ''}`;
    const condition = '#token = :token';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: this.id },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(update, condition),
          ExpressionAttributeValues: { ':token': token, ':now': now },
        }),
      );
    } catch (err) {
      // Another cycle took the lease over: nothing of ours left to release.
      if (err instanceof ConditionalCheckFailedException) return;
      throw toStoreError(err, this.table, 'release the full-mirror lease');
    }
  }

  private async claim(
    action: string,
    update: string,
    condition: string,
    claim: LeaseClaim,
    fresh: boolean,
  ): Promise<LeaseOutcome> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: this.id },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(update, condition),
          ExpressionAttributeValues: fresh
            ? {
                ':token': claim.token,
                ':cycle': claim.cycleStartedAt,
                ':inv': claim.invocation,
                ':expires': claim.expiresAt,
                ':now': claim.now,
              }
            : {
                ':token': claim.token,
                ':inv': claim.invocation,
                ':prev': claim.invocation - 1,
                ':expires': claim.expiresAt,
                ':now': claim.now,
              },
          // What was there before: an expired holder that this claim replaces, for the log.
          ReturnValues: fresh ? 'UPDATED_OLD' : 'NONE',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const old = out.Attributes;
      return old?.leaseToken && !old.completedAt && old.leaseExpiresAt
        ? { held: true, tookOverFrom: holderOf(old) }
        : { held: true };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        return { held: false, holder: err.Item ? holderOf(unmarshall(err.Item)) : undefined };
      }
      throw toStoreError(err, this.table, action);
    }
  }
}

function holderOf(item: Record<string, unknown>): LeaseHolder {
  const pick = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const holder: LeaseHolder = {};
  const cycle = pick('cycleStartedAt');
  const expires = pick('leaseExpiresAt');
  const completed = pick('completedAt');
  if (cycle) holder.cycleStartedAt = cycle;
  if (typeof item.invocation === 'number') holder.invocation = item.invocation;
  if (expires) holder.expiresAt = expires;
  if (completed) holder.completedAt = completed;
  return holder;
}

/** What `doctor` reads of a full-mirror lease: when a cycle last completed, and the running one. */
export interface FullMirrorStatus {
  lastCompletedAt?: string;
  /** The cycle holding the lease now, unless it completed. */
  runningSince?: string;
}

/** Reads the lease item of `leaseId` (consistent read); an absent item: no cycle ever ran. */
export async function readFullMirrorStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
  leaseId: string,
): Promise<FullMirrorStatus> {
  try {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: { id: leaseId }, ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    const status: FullMirrorStatus = {};
    if (typeof item.lastCompletedAt === 'string') status.lastCompletedAt = item.lastCompletedAt;
    if (typeof item.cycleStartedAt === 'string' && typeof item.completedAt !== 'string')
      status.runningSince = item.cycleStartedAt;
    return status;
  } catch (err) {
    throw toStoreError(err, tableName, 'read the full-mirror lease');
  }
}
