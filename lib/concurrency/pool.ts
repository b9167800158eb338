/**
 * Runs `fn` over `items` with at most `limit` calls in flight, stopping early when `stop()`
 * turns true. Rejections propagate after in-flight calls settle.
 */
export async function forEachConcurrent<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let error: unknown;
  const worker = async () => {
    for (;;) {
      if (error !== undefined || stop()) return;
      const next = iterator.next();
      if (next.done) return;
      try {
        await fn(next.value);
      } catch (err) {
        error ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (error !== undefined) throw error;
}
