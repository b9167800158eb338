import { PiriodMalformedResponseError } from './errors.js';

/*
 * Reading Piriod's answers: the listing's page envelope and next URL, and error bodies
 * shown briefly. Pure functions, beside the client that uses them.
 */

/** The `page` of a `next` URL: a whole number ≥ 1, or the page after `current` when absent. */
export function pageOf(next: URL, current: number): number {
  const raw = next.searchParams.get('page');
  if (raw === null) return current + 1;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    const shown = JSON.stringify(raw.length > 20 ? `${raw.slice(0, 20)}…` : raw);
    throw new PiriodMalformedResponseError(
      `Piriod listing's next URL has page=${shown}, not a page number`,
      false,
    );
  }
  return Number(raw);
}

/** ` (customer X)`, to append to a message about `customerId`; empty without one. */
export function about(customerId: string | undefined): string {
  return customerId ? ` (customer ${customerId})` : '';
}

/** The JSON of `text`, or `undefined` when it is not JSON. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Piriod errors are `{detail}` or a field → messages map; show either, briefly. */
export function describeBody(body: unknown, text: string): string {
  let out: string;
  if (body && typeof body === 'object' && 'detail' in body) out = String(body.detail);
  else if (body && typeof body === 'object') out = JSON.stringify(body);
  else out = text.trim();
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

/** A listing page as Piriod sends it. */
interface Envelope {
  count: number | undefined;
  next: string | null;
  results: unknown[];
}

/**
 * The `{count, next, results}` of a listing page.
 *
 * @throws PiriodMalformedResponseError when the body is not one.
 */
export function parseEnvelope(body: unknown, url: URL): Envelope {
  const b = body as Partial<Record<'count' | 'next' | 'results', unknown>> | null;
  const ok =
    b !== null &&
    typeof b === 'object' &&
    Array.isArray(b.results) &&
    (b.next === null || b.next === undefined || typeof b.next === 'string') &&
    (b.count === undefined || typeof b.count === 'number');
  if (!ok) {
    throw new PiriodMalformedResponseError(
      `Piriod GET ${url.pathname}${url.search} did not return a {count, next, results} page`,
      false,
    );
  }
  return {
    count: b.count as number | undefined,
    next: (b.next as string | null | undefined) ?? null,
    results: b.results as unknown[],
  };
}
