/**
 * Builds a value on first use and caches the promise, so it is made once (a Lambda's clients
 * once per cold start, a workspace's Piriod client once per container), and a failed build
 * (say, a transient Secrets Manager error) is tried again on the next call instead of
 * poisoning the cache.
 */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((err) => {
      value = undefined;
      throw err;
    });
    return value;
  };
}
