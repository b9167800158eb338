import * as z from 'zod/mini';
import type { CustomerRecord } from './record.js';
import { toUtcIso } from './timestamp.js';

/*
 * The table item (`CustomerRecord`) as a schema: what downstream code can rely on when it
 * reads the table, and what the tests hold every stored item to. Absent attributes are
 * absent, never null or empty; timestamps are UTC with `Z`.
 */

const text = z.string().check(z.minLength(1));
const utc = z
  .string()
  .check(z.refine((v) => v.endsWith('Z') && toUtcIso(v) === v, 'must be UTC ISO-8601 with Z'));
const opt = <T extends z.core.SomeType>(s: T) => z.optional(s);

export const customerRecordSchema = z.object({
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
  testMode: opt(z.boolean()),
  created: opt(utc),
  updated: opt(utc),
  workspace: text,
  versionShard: z.string().check(z.regex(/^.+#[0-9a-f]{2}$/)),
  syncedAt: utc,
  fetchedAt: utc,
  syncSource: z.enum(['schedule', 'event', 'webhook', 'cli']),
  contentHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  schemaVersion: z.number(),
  deleted: opt(z.literal(true)),
  deletedAt: opt(utc),
});

/**
 * Checks an item read from the table against the item schema.
 *
 * @returns the record, or the failing paths.
 */
export function parseCustomerRecord(
  item: unknown,
): { ok: true; record: CustomerRecord } | { ok: false; issues: string[] } {
  const r = customerRecordSchema.safeParse(item);
  if (r.success) return { ok: true, record: r.data as CustomerRecord };
  return {
    ok: false,
    issues: r.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`),
  };
}
