/**
 * The table holds one item per customer, plus a few reserved items the product keeps for
 * itself (the full-mirror cycle lease). Their ids contain `#`, which no customer id can
 * (Piriod ids are letters, digits, `_` and `-`: see `isValidCustomerId`), so the two can never
 * collide, and every reader tells them apart by the id alone.
 */

/** The character that marks a reserved, non-customer item id. */
export const RESERVED_ID_MARK = '#';

/**
 * True when `id` names one of the product's reserved items (the mirror's status, its
 * leases), not a customer: skip them when you scan the table yourself.
 *
 * @example
 * const customers = items.filter((item) => !isReservedItemId(item.id));
 */
export function isReservedItemId(id: unknown): boolean {
  return typeof id === 'string' && id.includes(RESERVED_ID_MARK);
}
