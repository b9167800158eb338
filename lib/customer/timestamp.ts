/**
 * Timestamps on the Piriod wire come in several shapes (`Z`, local offsets, microseconds,
 * a space instead of `T`). The mirror stores every one as UTC ISO-8601 with `Z`, keeping the
 * sub-second digits that were given (up to microseconds), and compares them as instants.
 */

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Converts a wire timestamp to UTC ISO-8601 with `Z`, or returns `undefined` when it is not
 * a parseable date-time. Sub-second digits beyond microseconds are truncated, never rounded,
 * so the result never moves into the next second.
 *
 * @example toUtcIso('2020-10-15T13:26:15.356289-03:00') // '2020-10-15T16:26:15.356289Z'
 */
export function toUtcIso(value: string): string | undefined {
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC silently rolls 2023-02-30 over into March: reject instead of guessing.
  if (new Date(local).getUTCDate() !== day) return undefined;
  const instant = local - offsetMinutes(zone) * 60_000;
  if (!Number.isFinite(instant)) return undefined;
  const whole = new Date(instant).toISOString().slice(0, 19);
  const digits = frac ? frac.slice(0, 6) : '';
  return digits ? `${whole}.${digits}Z` : `${whole}Z`;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

/**
 * A key that sorts normalized timestamps chronologically as plain strings: the whole second
 * plus a fraction padded to six digits. `56Z` and `56.5Z` compare wrongly as strings; their
 * keys do not.
 */
export function instantKey(normalized: string): string {
  const dot = normalized.indexOf('.', 19);
  const frac = dot === -1 ? '' : normalized.slice(dot + 1, normalized.length - 1);
  return `${normalized.slice(0, 19)}.${frac.padEnd(6, '0')}`;
}

/**
 * Compares two normalized timestamps as instants. An absent timestamp is older than any
 * present one, so a record that gains an `updated` value counts as newer.
 *
 * @returns negative when `a` is earlier, 0 when equal, positive when later.
 */
export function compareInstants(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const ka = instantKey(a);
  const kb = instantKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
