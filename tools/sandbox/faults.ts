import { hashSeed, seededRandom } from './prng.js';

/**
 * Fault knobs of the sandbox, settable at start and at run time. Rates are fractions of
 * requests in [0, 1], drawn from the sandbox's seeded random source so runs repeat.
 */
export interface SandboxFaults {
  /** Added before every answer, in ms. */
  latencyMs: number;
  /** Fraction of requests answered 500, 502 or 503. */
  errorRate: number;
  /** Fraction of requests answered 429 with `Retry-After`. */
  rateLimitRate: number;
  /** `Retry-After` seconds sent with a 429. */
  retryAfterSeconds: number;
  /** Fraction of requests that never answer (the connection is dropped after `hangMs`). */
  hangRate: number;
  hangMs: number;
  /** Fraction of 200 answers whose body is cut in half (not JSON). */
  malformedRate: number;
  /**
   * Churn while a listing runs: after each page served, delete this many random customers,
   * add this many new ones and edit this many (newer `updated`).
   */
  churnPerPage: { deletes: number; adds: number; edits: number };
}

export const NO_FAULTS: SandboxFaults = {
  latencyMs: 0,
  errorRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  hangRate: 0,
  hangMs: 30_000,
  malformedRate: 0,
  churnPerPage: { deletes: 0, adds: 0, edits: 0 },
};

/** What the sandbox does with one request, decided before it is answered. */
export type FaultDecision = 'ok' | 'error' | 'rate-limit' | 'hang' | 'malformed';

/**
 * The random source of each request's fault, seeded by the sandbox's seed, the request (path
 * and query) and how many times that same request came before. A customer's n-th attempt
 * meets the same fault on every run, whatever order concurrent requests arrive in: which
 * faults a scenario injects depends on its seed, not on how fast the machine is.
 */
export function faultDraws(seed: number): (request: string) => () => number {
  const seen = new Map<string, number>();
  return (request) => {
    const n = seen.get(request) ?? 0;
    seen.set(request, n + 1);
    return seededRandom(hashSeed(`${seed}\u0000${request}\u0000${n}`));
  };
}

/** Draws the fault for one request. */
export function decideFault(faults: SandboxFaults, random: () => number): FaultDecision {
  const x = random();
  let edge = faults.hangRate;
  if (x < edge) return 'hang';
  edge += faults.rateLimitRate;
  if (x < edge) return 'rate-limit';
  edge += faults.errorRate;
  if (x < edge) return 'error';
  edge += faults.malformedRate;
  if (x < edge) return 'malformed';
  return 'ok';
}

/** Merges a partial update into fault settings, checking every value. */
export function mergeFaults(current: SandboxFaults, patch: Partial<SandboxFaults>): SandboxFaults {
  const next = {
    ...current,
    ...patch,
    churnPerPage: { ...current.churnPerPage, ...patch.churnPerPage },
  };
  for (const key of ['errorRate', 'rateLimitRate', 'hangRate', 'malformedRate'] as const) {
    const v = next[key];
    if (typeof v !== 'number' || v < 0 || v > 1) throw new Error(`fault ${key} must be in [0, 1]`);
  }
  for (const key of ['latencyMs', 'retryAfterSeconds', 'hangMs'] as const) {
    const v = next[key];
    if (typeof v !== 'number' || v < 0) throw new Error(`fault ${key} must be a number ≥ 0`);
  }
  return next;
}
