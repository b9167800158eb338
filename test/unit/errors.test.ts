import { describe, expect, it } from 'vitest';
import { InvalidCustomerError, InvalidCustomerIdError } from '../../lib/customer/errors.js';
import { isRetryable, PiriodMirrorError } from '../../lib/errors.js';
import {
  PiriodMalformedResponseError,
  PiriodRateLimitedError,
  PiriodServerError,
} from '../../lib/piriod/errors.js';
import { PortError } from '../../lib/ports.js';
import { StoreError } from '../../lib/store/errors.js';
import { failed } from '../../lib/use-cases/outcome.js';

describe('the one answer to "retry?"', () => {
  it('is the retryable flag of the product’s errors, whichever part of the code they come from', () => {
    expect(isRetryable(new PortError('Piriod answered 503', { retryable: true }))).toBe(true);
    expect(isRetryable(new StoreError('DynamoDB throttled the write', true))).toBe(true);
    expect(isRetryable(new PiriodServerError('Piriod answered 502', undefined))).toBe(true);
    expect(isRetryable(new StoreError('DynamoDB write failed', false))).toBe(false);
    expect(
      isRetryable(new InvalidCustomerError('cus_1', [{ path: 'name', message: 'is required' }])),
    ).toBe(false);
  });

  it('is no for anything outside the hierarchy, even an object that claims to be retryable', () => {
    expect(isRetryable(Object.assign(new Error('try again'), { retryable: true }))).toBe(false);
    expect(isRetryable({ retryable: true })).toBe(false);
    expect(failed('cus_1', Object.assign(new Error('x'), { retryable: true }))).toMatchObject({
      retryable: false,
    });
  });

  it('puts the domain’s invalid customers in the hierarchy, never retried', () => {
    const invalid = new InvalidCustomerError(undefined, [{ path: 'id', message: 'is required' }]);
    const badId = new InvalidCustomerIdError('../x');
    for (const err of [invalid, badId]) {
      expect(err).toBeInstanceOf(PiriodMirrorError);
      expect(err.retryable).toBe(false);
    }
    expect(badId.name).toBe('InvalidCustomerIdError');
  });
});

describe('a Piriod error given a note', () => {
  it('is a new error of the same class and details; the original message is untouched', () => {
    const cause = new Error('socket hang up');
    const cases = [
      new PiriodRateLimitedError('Piriod answered 429', 2000, { status: 429, customerId: 'cus_1' }),
      new PiriodMalformedResponseError('body is not JSON', true, { status: 200, cause }),
    ];
    for (const err of cases) {
      const noted = err.withNote(' (gave up after 5 attempts)');
      expect(noted).not.toBe(err);
      expect(noted).toBeInstanceOf(err.constructor);
      expect(noted.message).toBe(`${err.message} (gave up after 5 attempts)`);
      expect(err.message).not.toContain('gave up');
      expect(noted).toMatchObject({
        name: err.name,
        kind: err.kind,
        retryable: err.retryable,
        status: err.status,
        customerId: err.customerId,
      });
      expect(noted.cause).toBe(err.cause);
    }
    const limited = new PiriodRateLimitedError('Piriod answered 429', 2000, { status: 429 });
    expect(limited.withNote('.').retryAfterMs).toBe(2000);
  });
});
