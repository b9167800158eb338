/**
 * Builds a value on first use and caches the promise, so Lambda clients are made once per
 * cold start, and a failed build (say, a transient Secrets Manager error) is retried on the
 * next invocation instead of poisoning the container.
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
