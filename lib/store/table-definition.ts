/**
 * The customers table: one definition for `create-table`, the tests and the CDK stack, so
 * the key schema and indexes can never drift apart. Part of the product's contract.
 */

/** A global secondary index of the customers table. */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey?: string;
  /** Projected non-key attributes (`INCLUDE`); absent: the whole item (`ALL`). */
  include?: readonly string[];
}

/**
 * Partition key: the Piriod customer id.
 *
 * @example
 * await client.send(new GetCommand({ TableName, Key: { [PARTITION_KEY]: 'cus_01H8XYZ123ABC' } }));
 */
export const PARTITION_KEY = 'id';

/**
 * Index names (free per the contract, fixed here so downstream code can rely on them).
 * `CustomerQueries` queries them for you; for a query of your own:
 *
 * @example
 * await client.send(new QueryCommand({
 *   TableName,
 *   IndexName: EMAIL_INDEX.name,
 *   KeyConditionExpression: '#k = :v',
 *   ExpressionAttributeNames: { '#k': EMAIL_INDEX.partitionKey },
 *   ExpressionAttributeValues: { ':v': 'ana@example.com' },
 * }));
 */
export const EMAIL_INDEX: IndexDefinition = { name: 'by-email', partitionKey: 'email' };
/**
 * The index by tax id (`taxId`), as {@link EMAIL_INDEX} is by email.
 *
 * @example
 * const params = { IndexName: TAX_ID_INDEX.name, ExpressionAttributeNames: { '#k': TAX_ID_INDEX.partitionKey } };
 */
export const TAX_ID_INDEX: IndexDefinition = { name: 'by-tax-id', partitionKey: 'taxId' };
/**
 * The index by status (`status`), as {@link EMAIL_INDEX} is by email.
 *
 * @example
 * const params = { IndexName: STATUS_INDEX.name, ExpressionAttributeNames: { '#k': STATUS_INDEX.partitionKey } };
 */
export const STATUS_INDEX: IndexDefinition = {
  name: 'by-status-updated',
  partitionKey: 'status',
  sortKey: 'updated',
};

/**
 * The narrow version index a full mirror reads instead of the items: per workspace shard,
 * every customer's id and write-rule fields (~150 bytes an entry, eventually consistent), so
 * learning that nothing changed costs ~0.02 read units per customer instead of 1.
 */
export const VERSION_INDEX: IndexDefinition = {
  name: 'by-version-shard',
  partitionKey: 'versionShard',
  sortKey: 'id',
  include: ['updated', 'contentHash', 'fetchedAt', 'deleted', 'deletedAt', 'testMode'],
};

/** All indexes. The query indexes project the whole item, since queries return whole customers. */
export const INDEXES: readonly IndexDefinition[] = [
  EMAIL_INDEX,
  TAX_ID_INDEX,
  STATUS_INDEX,
  VERSION_INDEX,
];

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES: readonly string[] = [
  ...new Set([
    PARTITION_KEY,
    ...INDEXES.flatMap((i) => (i.sortKey ? [i.partitionKey, i.sortKey] : [i.partitionKey])),
  ]),
];

/**
 * The table's TTL attribute (epoch seconds): set only on reserved items that expire
 * (`doctor`'s canaries), never on a customer.
 */
export const TTL_ATTRIBUTE = 'expiresAt';
