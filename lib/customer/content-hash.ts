import { createHash } from 'node:crypto';
import type { NormalizedCustomer } from './record.js';

/**
 * A stable hash of a normalized customer: SHA-256 over canonical JSON (object keys sorted at
 * every level, arrays in order). Sync metadata is not part of a `NormalizedCustomer`, so two
 * fetches of the same content hash the same whenever and however they were made.
 */
export function contentHash(customer: NormalizedCustomer): string {
  return createHash('sha256').update(canonicalJson(customer)).digest('hex');
}

/** JSON with object keys sorted, so key order never changes the hash. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
  return `{${entries.join(',')}}`;
}
