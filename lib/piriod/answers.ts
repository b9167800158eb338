/**
 * How the Piriod client reads Piriod's answers: an error status as the error of its kind (its
 * body's detail shown briefly, the token redacted), and a listing page's envelope and next
 * page.
 */
import {
  PiriodBadRequestError,
  PiriodCredentialsError,
  type PiriodError,
  PiriodMalformedResponseError,
  PiriodNotFoundError,
  PiriodRateLimitedError,
  PiriodServerError,
} from './errors.js';
import { parseRetryAfter } from './retry-after.js';

/** A non-2xx answer of Piriod to `GET path`, and what is needed to describe it safely. */
export interface ErrorAnswer {
  res: Response;
  text: string;
  path: string;
  customerId?: string;
  /** Now, in epoch ms, for a `Retry-After` date. */
  now: number;
  /** Removes the token from text that came from elsewhere. */
  redact: (text: string) => string;
}

/** The error of Piriod's error status: not found, credentials, bad request, 429, redirect, 5xx. */
export function statusError({
  res,
  text,
  path,
  customerId,
  now,
  redact,
}: ErrorAnswer): PiriodError {
  const status = res.status;
  const body = safeJson(text);
  const detail = redact(describeBody(body, text));
  const what = `Piriod GET ${path} answered ${status}${detail ? `: ${detail}` : ''}${about(customerId)}`;
  const opts = { status, customerId };
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'), now);
  if (status === 404) return new PiriodNotFoundError(what, opts);
  if (status === 401 || status === 403) {
    return new PiriodCredentialsError(
      `${what} — Piriod rejected the credentials: check PIRIOD_API_TOKEN and PIRIOD_WORKSPACE`,
      opts,
    );
  }
  if (status === 400) {
    const fields = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
    return new PiriodBadRequestError(what, fields as Record<string, unknown>, opts);
  }
  if (status === 429) return new PiriodRateLimitedError(what, retryAfter, opts);
  if (status >= 300 && status < 400) {
    return new PiriodMalformedResponseError(`${what} (unexpected redirect)`, false, opts);
  }
  return new PiriodServerError(what, retryAfter, opts);
}

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

/** The customer an error is about, as the end of its message. */
export function about(customerId: string | undefined): string {
  return customerId ? ` (customer ${customerId})` : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Piriod errors are `{detail}` or a field → messages map; show either, briefly. */
function describeBody(body: unknown, text: string): string {
  let out: string;
  if (body && typeof body === 'object' && 'detail' in body) out = String(body.detail);
  else if (body && typeof body === 'object') out = JSON.stringify(body);
  else out = text.trim();
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

interface Envelope {
  count: number | undefined;
  next: string | null;
  results: unknown[];
}

/** A listing page's `{count, next, results}`, or a malformed-response error naming the URL. */
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
