import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { MirrorStatus } from '../customer/mirror-status.js';
import type { CustomerRecord } from '../customer/record.js';
import { isReservedItemId } from '../customer/reserved-ids.js';
import { compareInstants, toUtcIso } from '../customer/timestamp.js';
import { readMirrorStatus } from './dynamodb-mirror-status.js';
import { toStoreError } from './errors.js';
import {
  EMAIL_INDEX,
  type IndexDefinition,
  STATUS_INDEX,
  TAX_ID_INDEX,
} from './table-definition.js';

/** Options shared by the index queries. */
export interface QueryOptions {
  /** Include tombstones (customers Piriod no longer has). Default false. */
  includeDeleted?: boolean | undefined;
  /**
   * Only customers of this Piriod workspace (`acc_…`). Default: every workspace the table
   * mirrors. A filter, not a key: the query still reads (and is billed for) the matching
   * items of every workspace, then drops the others (docs/library.md).
   */
  workspace?: string | undefined;
  /**
   * With `workspace`: test-mode customers (`true`) or live ones (`false`, the default). Ignored
   * without `workspace`.
   */
  testMode?: boolean | undefined;
}

/** Options of {@link CustomerQueries.byStatus}. */
export interface StatusQueryOptions extends QueryOptions {
  /** Only customers whose `updated` is strictly after this instant (any ISO-8601 form). */
  updatedAfter?: string | undefined;
  /** Only customers whose `updated` is strictly before this instant. */
  updatedBefore?: string | undefined;
}

/**
 * The typed query library over the customers table, for downstream code: get by id, and the
 * three indexes (email, tax id, status sorted by `updated`). Every query pages through all
 * DynamoDB results as an async iterator, so memory stays flat.
 *
 * @example
 * const q = new CustomerQueries({ client: createDocumentClient(), tableName: 'piriod-customers' });
 * for await (const c of q.byStatus('active', { updatedAfter: '2026-01-01T00:00:00Z' })) console.log(c.id);
 */
export class CustomerQueries {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.table = options.tableName;
  }

  /**
   * The stored customer, tombstones included, or `undefined` — also for the id of a reserved
   * item (the full-mirror lease), which is not a customer.
   */
  async get(id: string): Promise<CustomerRecord | undefined> {
    if (isReservedItemId(id)) return undefined;
    try {
      const out = await this.client.send(new GetCommand({ TableName: this.table, Key: { id } }));
      return out.Item as CustomerRecord | undefined;
    } catch (err) {
      throw toStoreError(err, this.table, `get customer ${id}`);
    }
  }

  /**
   * The full mirror's status of `workspace` in live mode (or test mode with `testMode: true`):
   * when its last cycle started, completed (with the cycle's counts) and failed; `undefined`
   * when no cycle has started. One consistent `GetItem` (1 read unit).
   *
   * @example
   * const s = await customers.mirrorStatus('acc_123');
   * if (!s?.lastCompletedAt) console.log('not mirrored yet');
   */
  async mirrorStatus(
    workspace: string,
    options: { testMode?: boolean } = {},
  ): Promise<MirrorStatus | undefined> {
    return readMirrorStatus(this.client, this.table, {
      workspace,
      testMode: options.testMode === true,
    });
  }

  /** Customers with this email (stored lower-cased; the argument is lower-cased too). */
  byEmail(email: string, options: QueryOptions = {}): AsyncGenerator<CustomerRecord> {
    return this.query(EMAIL_INDEX, email.trim().toLowerCase(), undefined, options);
  }

  /** Customers with this tax id (RUT, RFC, NIT…), exactly as Piriod stores it. */
  byTaxId(taxId: string, options: QueryOptions = {}): AsyncGenerator<CustomerRecord> {
    return this.query(TAX_ID_INDEX, taxId.trim(), undefined, options);
  }

  /**
   * Customers with this status, oldest `updated` first, optionally within an `updated` range.
   * Stored timestamps keep the digits Piriod sent, so the key condition is widened to the
   * whole second and the bounds are then applied as instants.
   *
   * @throws RangeError when a bound is not an ISO-8601 timestamp.
   */
  async *byStatus(
    status: string,
    options: StatusQueryOptions = {},
  ): AsyncGenerator<CustomerRecord> {
    const after = bound(options.updatedAfter, 'updatedAfter');
    const before = bound(options.updatedBefore, 'updatedBefore');
    const range: Partial<QueryCommandInput> = {};
    if (after && before) {
      range.KeyConditionExpression = '#pk = :pk AND #sk BETWEEN :lo AND :hi';
      range.ExpressionAttributeValues = {
        ':lo': after.slice(0, 19),
        ':hi': `${before.slice(0, 19)}~`,
      };
    } else if (after) {
      range.KeyConditionExpression = '#pk = :pk AND #sk >= :lo';
      range.ExpressionAttributeValues = { ':lo': after.slice(0, 19) };
    } else if (before) {
      range.KeyConditionExpression = '#pk = :pk AND #sk <= :hi';
      range.ExpressionAttributeValues = { ':hi': `${before.slice(0, 19)}~` };
    }
    for await (const c of this.query(STATUS_INDEX, status.trim(), range, options)) {
      if (after && compareInstants(c.updated, after) <= 0) continue;
      if (before && compareInstants(c.updated, before) >= 0) continue;
      yield c;
    }
  }

  private async *query(
    index: IndexDefinition,
    value: string,
    range: Partial<QueryCommandInput> | undefined,
    options: QueryOptions,
  ): AsyncGenerator<CustomerRecord> {
    let start: Record<string, unknown> | undefined;
    do {
      const names: Record<string, string> = { '#pk': index.partitionKey };
      if (index.sortKey && range?.KeyConditionExpression) names['#sk'] = index.sortKey;
      const filter = filterOf(options);
      Object.assign(names, filter.names);
      let out: QueryCommandOutput;
      try {
        out = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: index.name,
            KeyConditionExpression: range?.KeyConditionExpression ?? '#pk = :pk',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':pk': value,
              ...range?.ExpressionAttributeValues,
              ...filter.values,
            },
            ...(filter.expression ? { FilterExpression: filter.expression } : {}),
            ExclusiveStartKey: start,
          }),
        );
      } catch (err) {
        throw toStoreError(err, this.table, `query ${index.name}`);
      }
      for (const item of out.Items ?? []) yield item as CustomerRecord;
      start = out.LastEvaluatedKey;
    } while (start);
  }
}

/** The filter of a query's options: tombstones out (unless asked), one workspace and mode. */
function filterOf(options: QueryOptions) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (!options.includeDeleted) {
    parts.push('attribute_not_exists(#deleted)');
    names['#deleted'] = 'deleted';
  }
  if (options.workspace !== undefined) {
    parts.push('#ws = :ws');
    names['#ws'] = 'workspace';
    values[':ws'] = options.workspace;
    names['#tm'] = 'testMode';
    values[':test'] = true;
    // An item without `testMode` is live.
    parts.push(
      options.testMode === true ? '#tm = :test' : '(attribute_not_exists(#tm) OR #tm <> :test)',
    );
  }
  return { expression: parts.join(' AND '), names, values };
}

function bound(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const iso = toUtcIso(value);
  if (!iso)
    throw new RangeError(`${name} must be an ISO-8601 timestamp, got ${JSON.stringify(value)}`);
  return iso;
}
