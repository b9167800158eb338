/**
 * Waits until `pending` is empty: work in flight may start more work (a write's outcome
 * tracked after the set was read, a continuation that starts another), so one
 * `Promise.all` over a copy is not enough. Each promise removes itself from the set when it
 * settles; a rejection propagates, as `Promise.all`'s does.
 */
export async function awaitAllInFlight(pending: ReadonlySet<Promise<unknown>>): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
