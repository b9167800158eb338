/**
 * Customer ids: which strings may be a Piriod customer id (and so reach a Piriod URL or a
 * table key), and where a raw wire entry keeps its id.
 */

/** Piriod ids are short tokens like `cus_01H8XYZ123ABC`; anything else never leaves the process. */
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `id` is safe to put in a Piriod URL and a table key. */
export function isValidCustomerId(id: unknown): id is string {
  return typeof id === 'string' && CUSTOMER_ID.test(id);
}

/**
 * A customer id as Piriod issues them: `cus_` and the id characters. Webhooks sign
 * `''.join(values)`, which loses the boundary between values, so a notification counts as a
 * customer's only when its `object_id` has exactly this shape.
 */
export function isPiriodCustomerId(id: unknown): boolean {
  return typeof id === 'string' && /^cus_[A-Za-z0-9_-]{1,60}$/.test(id);
}

/** The `id` of a raw wire entry (a listing page item), whatever else it holds. */
export function wireIdOf(entry: unknown): unknown {
  return entry !== null && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined;
}
