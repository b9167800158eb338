/**
 * `1 customer`, `2 customers`: a count with its noun agreeing, for messages people read.
 *
 * @param many the plural when it is not the noun plus `s`
 * @example plural(1, 'attempt') // "1 attempt"
 */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}
