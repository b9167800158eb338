import * as z from 'zod/mini';
import { toUtcIso } from './timestamp.js';

export { SCHEMA_VERSION } from './schema-version.js';

/*
 * The table's item schema, written once as zod schemas; the TypeScript types are inferred
 * from them, so the item type and what the tests (and downstream readers) hold each stored
 * item to cannot drift. Absent attributes are absent, never null or empty; timestamps are
 * UTC with `Z`. docs/table.md documents each attribute.
 */

const text = z.string().check(z.minLength(1));
const utc = z.string().check(
  z.refine((v) => v.endsWith('Z') && toUtcIso(v) === v, 'must be UTC ISO-8601 with Z'),
  // What the refinement means, for the generated JSON Schema (customer.schema.json).
  z.meta({ format: 'date-time', description: 'UTC ISO-8601 with Z, up to microseconds' }),
);
const opt = <T extends z.core.SomeType>(s: T) => z.optional(s);

/** The normalized customer: the item minus sync metadata. */
export const normalizedCustomerSchema = z.object({
  id: text,
  name: text,
  address: opt(text),
  country: opt(
    z.object({
      id: opt(text),
      name: opt(text),
      code: opt(text),
      hasRegulation: opt(z.boolean()),
      currencies: opt(z.array(text)),
    }),
  ),
  state: opt(
    z.object({ id: opt(z.union([text, z.number()])), name: opt(text), country: opt(text) }),
  ),
  currency: opt(text),
  email: opt(text),
  phone: opt(text),
  website: opt(text),
  zipCode: opt(text),
  manager: opt(text),
  reference: opt(text),
  taxId: opt(text),
  taxSettings: opt(z.record(z.string(), z.unknown())),
  metadata: opt(z.record(z.string(), z.unknown())),
  sendInvoices: opt(z.boolean()),
  sendCollections: opt(z.boolean()),
  sendVouchers: opt(z.boolean()),
  status: opt(text),
  contacts: opt(
    z.array(
      z.object({
        id: opt(text),
        name: opt(text),
        email: opt(text),
        phone: opt(text),
        orgunit: opt(text),
        invoicing: opt(z.boolean()),
        collections: opt(z.boolean()),
        created: opt(utc),
        updated: opt(utc),
      }),
    ),
  ),
  sources: opt(z.array(text)),
  aggregations: opt(
    z.object({
      sales: opt(z.number()),
      salesCurrentPeriod: opt(z.number()),
      balance: opt(z.number()),
    }),
  ),
  created: opt(utc),
  updated: opt(utc),
});

/** Which path of the product wrote an item. */
export const syncSourceSchema = z.enum(['schedule', 'event', 'webhook', 'cli']);

/** Sync metadata stored beside every customer. */
const syncMetadataSchema = z.object({
  workspace: text,
  /**
   * The mode the item was mirrored in: the deployment's or the command's, never Piriod's
   * `test_mode` field. A write or tombstone of the other mode never lands on it.
   */
  testMode: opt(
    z.boolean().check(
      z.meta({
        description:
          "The mode the item was mirrored in (the deployment's or the command's configuration, never Piriod's test_mode field); an item without it is live",
      }),
    ),
  ),
  /** When this item was last written by the mirror. */
  syncedAt: utc,
  /** When the data in this item was read from Piriod; orders equal-`updated` versions. */
  fetchedAt: utc,
  syncSource: syncSourceSchema,
  contentHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  schemaVersion: z.number(),
  deleted: opt(z.literal(true)),
  deletedAt: opt(utc),
});

/**
 * The keys of the table's indexes that no customer field provides: the store adds them when
 * it writes, from the record (the mirror's records do not carry them).
 */
const indexKeysSchema = z.object({
  /**
   * Partition key of the narrow version index: `<workspace>#<shard>` (16 shards by id), so
   * a full mirror learns what is stored for a fraction of a read unit per customer.
   */
  versionShard: z.string().check(z.regex(/^.+#[0-9a-f]{2}$/)),
});

// The order readers have always seen (customer.schema.json): the index key after the
// workspace and its mode.
const { workspace, testMode, ...metadataAfterWorkspace } = syncMetadataSchema.shape;

/**
 * One item of the customers table: a customer, its sync metadata and its index keys, as a
 * zod schema (customer.schema.json is made from it).
 *
 * @example
 * const record = customerRecordSchema.parse(item); // throws a ZodError naming the bad paths
 */
export const customerRecordSchema = z.extend(normalizedCustomerSchema, {
  workspace,
  testMode,
  ...indexKeysSchema.shape,
  ...metadataAfterWorkspace,
});

/** The normalized customer: the table's item schema minus sync metadata. */
export type NormalizedCustomer = z.infer<typeof normalizedCustomerSchema>;
/** One contact of a customer. */
export type NormalizedContact = NonNullable<NormalizedCustomer['contacts']>[number];
/** Which path of the product wrote an item. */
export type SyncSource = z.infer<typeof syncSourceSchema>;
/** Sync metadata stored beside every customer. */
export type SyncMetadata = z.infer<typeof syncMetadataSchema>;
/** One item of the customers table. */
export type CustomerRecord = z.infer<typeof customerRecordSchema>;
/**
 * A customer as the mirror writes it: normalized, with its sync metadata. The store makes
 * the table item ({@link CustomerRecord}) of it by adding the index keys.
 */
export type SyncedCustomer = NormalizedCustomer & SyncMetadata;

/**
 * Checks an item read from the table against the item schema.
 *
 * @returns the record, or the failing paths.
 *
 * @example
 * const parsed = parseCustomerRecord(item);
 * if (!parsed.ok) throw new Error(`not a customer item: ${parsed.issues.join('; ')}`);
 * console.log(parsed.record.name);
 */
export function parseCustomerRecord(
  item: unknown,
): { ok: true; record: CustomerRecord } | { ok: false; issues: string[] } {
  const r = customerRecordSchema.safeParse(item);
  if (r.success) return { ok: true, record: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`),
  };
}
