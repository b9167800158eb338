import { isStorableNumber, LosslessNumber } from './lossless-number.js';

/** A number the table cannot hold as a number, replaced by its text. */
export interface NumberReplacement {
  /** Dotted wire path, e.g. `metadata.big` or `aggregations.sales`. */
  path: string;
  text: string;
}

/** Below this depth the walk stops; deeper values are rejected by the nesting limit anyway. */
const MAX_WALK_DEPTH = 64;

/**
 * Replaces every number the table cannot store exactly — a {@link LosslessNumber} (beyond
 * 2^53, kept as Piriod's text), or a double beyond ±2^53 or below 1e-130 in magnitude — by
 * its text, and reports where. Returns the input itself when nothing was replaced; otherwise
 * a copy along the changed paths (the caller's object is never mutated).
 */
export function replaceUnstorableNumbers(
  value: unknown,
  replaced: NumberReplacement[],
  path = '',
  depth = 0,
): unknown {
  if (value instanceof LosslessNumber) {
    replaced.push({ path, text: value.text });
    return value.text;
  }
  if (typeof value === 'number') {
    if (isStorableNumber(value)) return value;
    const text = String(value);
    replaced.push({ path, text });
    return text;
  }
  if (value === null || typeof value !== 'object' || depth >= MAX_WALK_DEPTH) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [k, v] of entries) {
    const next = replaceUnstorableNumbers(
      v,
      replaced,
      path ? `${path}.${k}` : String(k),
      depth + 1,
    );
    if (next === v) continue;
    copy ??= Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
    (copy as Record<string, unknown>)[k as string] = next;
  }
  return copy ?? value;
}

/** Wire paths whose numbers may be stored as strings: free-form maps and the state id. */
export function isFreeFormNumberPath(path: string): boolean {
  return (
    path === 'state' ||
    path === 'state.id' ||
    path.startsWith('metadata.') ||
    path.startsWith('tax_settings.')
  );
}
