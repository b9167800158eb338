import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
} from '../../../lib/piriod/retry-policy.js';

describe('backoffDelay', () => {
  it('draws uniformly below an exponentially growing, capped ceiling (full jitter)', () => {
    const top = () => 0.999999;
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, top)).toBe(199);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, top)).toBe(799);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 20, top)).toBe(9999);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, () => 0)).toBe(0);
  });

  it('uses Retry-After as a floor, capped so a hostile value cannot stall a run', () => {
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, () => 0, 2000)).toBe(2000);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, () => 0, 3_600_000)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
