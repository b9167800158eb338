import type * as z from 'zod/mini';
import { type ContentWarning, contentWarnings } from './content-warnings.js';
import { type FieldIssue, InvalidCustomerError } from './errors.js';
import { wireIdOf } from './ids.js';
import type { NormalizedContact, NormalizedCustomer } from './record.js';
import {
  isFreeFormNumberPath,
  type NumberReplacement,
  replaceUnstorableNumbers,
} from './storable-numbers.js';
import { toUtcIso } from './timestamp.js';
import { type WireCustomer, wireCustomerSchema } from './wire-schema.js';

/** DynamoDB allows 32 levels of nesting in an item; metadata gets most of them. */
const MAX_NESTING = 24;
/** DynamoDB's item limit is 400 KB; keep headroom for attribute names and sync metadata. */
const MAX_ITEM_BYTES = 380_000;

/** A customer ready for the table, plus the content rules it breaks (kept, but counted). */
export interface Normalized {
  customer: NormalizedCustomer;
  warnings: ContentWarning[];
}

/**
 * Turns a wire customer into the table's normalized shape: strings trimmed, empty strings and
 * nulls dropped, email lower-cased, country/currency codes upper-cased, timestamps in UTC
 * with `Z`, unknown fields ignored. Accepts the older `country`/`state` shapes.
 *
 * @throws InvalidCustomerError listing every failing field path when the structure cannot
 *   be mirrored (missing id or name, wrong types, unparseable timestamps, too large).
 */
export function normalizeCustomer(wire: unknown): Normalized {
  const numbers: NumberReplacement[] = [];
  const storable = replaceUnstorableNumbers(wire, numbers);
  const issues: FieldIssue[] = numbers
    .filter((n) => !isFreeFormNumberPath(n.path))
    .map((n) => ({ path: n.path, message: unstorable(n.text) }));
  const parsed = wireCustomerSchema.safeParse(storable);
  if (!parsed.success) {
    const noted = new Set(issues.map((i) => i.path));
    for (const i of parsed.error.issues) {
      const issue = describe(i, storable);
      if (!noted.has(issue.path)) issues.push(issue);
    }
  }
  if (!parsed.success || issues.length > 0) throw new InvalidCustomerError(idOf(wire), issues);
  const customer = build(parsed.data, issues);
  if (issues.length === 0) checkLimits(customer, issues);
  if (issues.length > 0) throw new InvalidCustomerError(idOf(wire), issues);
  const warnings = contentWarnings(customer);
  for (const n of numbers) {
    warnings.push({
      path: n.path.replace(/^tax_settings\b/, 'taxSettings'),
      message: `${unstorable(n.text)}: stored as the string "${n.text}"`,
    });
  }
  return { customer, warnings };
}

function unstorable(text: string): string {
  return `is ${text.length > 40 ? `${text.slice(0, 40)}…` : text}, a number DynamoDB cannot hold exactly (beyond ±2^53 or below 1e-130 in magnitude)`;
}

function build(w: WireCustomer, issues: FieldIssue[]): NormalizedCustomer {
  const id = clean(w.id);
  const name = clean(w.name);
  if (!id) issues.push({ path: 'id', message: 'is empty' });
  if (!name) issues.push({ path: 'name', message: 'is empty' });
  const time = (value: string | null | undefined, path: string) => {
    const v = clean(value);
    if (v === undefined) return undefined;
    const iso = toUtcIso(v);
    if (iso === undefined)
      issues.push({ path, message: `is not a parseable timestamp: ${quote(v)}` });
    return iso;
  };
  const customer: NormalizedCustomer = {
    id: id ?? '',
    name: name ?? '',
    address: clean(w.address),
    country: country(w.country),
    state: state(w.state),
    currency: clean(w.currency)?.toUpperCase(),
    email: clean(w.email)?.toLowerCase(),
    phone: clean(w.phone),
    website: clean(w.website),
    zipCode: clean(w.zip_code),
    manager: clean(w.manager),
    reference: clean(w.reference),
    taxId: clean(w.tax_id),
    taxSettings: w.tax_settings ?? undefined,
    metadata: w.metadata ?? undefined,
    sendInvoices: w.send_invoices ?? undefined,
    sendCollections: w.send_collections ?? undefined,
    sendVouchers: w.send_vouchers ?? undefined,
    status: clean(w.status),
    contacts: w.contacts?.map((c, i) => contact(c, `contacts.${i}`, time)),
    sources: w.sources?.map((s) => s.trim()).filter((s) => s.length > 0),
    aggregations: w.aggregations
      ? compact({
          sales: w.aggregations.sales ?? undefined,
          salesCurrentPeriod: w.aggregations.sales_current_period ?? undefined,
          balance: w.aggregations.balance ?? undefined,
        })
      : undefined,
    created: time(w.created, 'created'),
    updated: time(w.updated, 'updated'),
  };
  return compact(customer);
}

type Timestamp = (value: string | null | undefined, path: string) => string | undefined;

function contact(
  c: NonNullable<WireCustomer['contacts']>[number],
  path: string,
  time: Timestamp,
): NormalizedContact {
  return compact({
    id: clean(c.id),
    name: clean(c.name),
    email: clean(c.email)?.toLowerCase(),
    phone: clean(c.phone),
    orgunit: clean(c.orgunit),
    invoicing: c.invoicing ?? undefined,
    collections: c.collections ?? undefined,
    created: time(c.created, `${path}.created`),
    updated: time(c.updated, `${path}.updated`),
  });
}

function country(c: WireCustomer['country']): NormalizedCustomer['country'] {
  if (c === null || c === undefined) return undefined;
  if (typeof c === 'string') return compact({ id: clean(c)?.toUpperCase() });
  return compact({
    id: clean(c.id)?.toUpperCase(),
    name: clean(c.name) ?? clean(c.name_en),
    // Older responses call the phone prefix `phone_code`.
    code: clean(c.code) ?? clean(c.phone_code),
    hasRegulation: c.has_regulation ?? undefined,
    currencies: c.currencies?.map((x) => x.trim().toUpperCase()).filter((x) => x.length > 0),
  });
}

function state(s: WireCustomer['state']): NormalizedCustomer['state'] {
  if (s === null || s === undefined) return undefined;
  if (typeof s === 'number') return { id: s };
  if (typeof s === 'string') return compact({ id: clean(s) });
  const id = typeof s.id === 'string' ? clean(s.id) : (s.id ?? undefined);
  return compact({ id, name: clean(s.name), country: clean(s.country)?.toUpperCase() });
}

/**
 * Attributes that are index keys (table or GSI) and DynamoDB's byte limits for them:
 * 2,048 for a partition key, 1,024 for a sort key. A longer value fails the write.
 */
const KEY_LIMITS = { id: 2048, email: 2048, taxId: 2048, status: 2048, updated: 1024 } as const;

function checkLimits(customer: NormalizedCustomer, issues: FieldIssue[]): void {
  for (const [key, limit] of Object.entries(KEY_LIMITS)) {
    const value = customer[key as keyof typeof KEY_LIMITS];
    const bytes = value === undefined ? 0 : Buffer.byteLength(value, 'utf8');
    if (bytes > limit) {
      issues.push({
        path: key,
        message: `is ${bytes} bytes, over DynamoDB's ${limit}-byte limit for an index key`,
      });
    }
  }
  for (const key of ['metadata', 'taxSettings'] as const) {
    const value = customer[key];
    if (value !== undefined && depth(value, 0) > MAX_NESTING) {
      issues.push({ path: key, message: `nests deeper than ${MAX_NESTING} levels` });
    }
  }
  if (issues.length > 0) return;
  let serialized: string;
  try {
    serialized = JSON.stringify(customer);
  } catch (err) {
    issues.push({ path: '(customer)', message: `cannot be serialized: ${(err as Error).message}` });
    return;
  }
  const broken = firstIllFormed(customer, '');
  if (broken !== undefined) {
    issues.push({
      path: broken || '(customer)',
      message: 'contains a lone UTF-16 surrogate (not valid UTF-8)',
    });
  }
  const bytes = Buffer.byteLength(serialized, 'utf8');
  if (bytes > MAX_ITEM_BYTES) {
    issues.push({
      path: '(customer)',
      message: `is ${bytes} bytes, over the ${MAX_ITEM_BYTES}-byte budget of a DynamoDB item`,
    });
  }
}

function depth(value: unknown, level: number): number {
  if (level > MAX_NESTING || value === null || typeof value !== 'object') return level;
  let max = level + 1;
  for (const v of Object.values(value)) max = Math.max(max, depth(v, level + 1));
  return max;
}

/** Path of the first string with a lone surrogate, which DynamoDB cannot store as UTF-8. */
function firstIllFormed(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (!k.isWellFormed()) return path ? `${path}.${k}` : k;
    const found = firstIllFormed(v, path ? `${path}.${k}` : k);
    if (found !== undefined) return found;
  }
  return undefined;
}

function clean(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const t = value.trim();
  return t.length > 0 ? t : undefined;
}

/** Drops undefined properties so absent attributes are really absent. */
function compact<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) {
    if (obj[key] === undefined) delete obj[key];
  }
  return obj;
}

function idOf(wire: unknown): string | undefined {
  const id = wireIdOf(wire);
  return typeof id === 'string' && id.trim() && id.length <= 128 ? id.trim() : undefined;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function describe(issue: z.core.$ZodIssue, root: unknown): FieldIssue {
  const path = issue.path.length ? issue.path.join('.') : '(customer)';
  const got = typeName(valueAt(root, issue.path));
  if (issue.code === 'invalid_type') {
    const message = got === 'undefined' ? 'is required' : `expected ${issue.expected}, got ${got}`;
    return { path, message };
  }
  if (issue.code === 'invalid_union') {
    const expected = new Set<string>();
    for (const branch of issue.errors) {
      for (const inner of branch) if (inner.code === 'invalid_type') expected.add(inner.expected);
    }
    return {
      path,
      message: `expected ${[...expected].join(' or ') || 'another shape'}, got ${got}`,
    };
  }
  return { path, message: issue.message };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
