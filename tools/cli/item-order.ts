/**
 * A stored item as `get` and `query` print it: `id` and `name` first, then the rest in the
 * order DynamoDB returned them. DynamoDB keeps no attribute order, so without this `id` sits
 * anywhere in the middle of a 40-line customer.
 */
export function idAndNameFirst<T extends object>(item: T): T {
  const { id, name, ...rest } = item as { id?: unknown; name?: unknown };
  return {
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
    ...rest,
  } as T;
}
