import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, toStoreError } from '../../../lib/store/errors.js';

/** An error shaped as the AWS SDK throws it. */
const sdkError = (name: string, message: string, code?: string) =>
  Object.assign(new Error(message), { name, ...(code ? { code } : {}) });

describe('toStoreError: what a caller may retry', () => {
  it('says nothing configured (no region, no credentials) is not worth a retry', () => {
    for (const err of [
      sdkError('Error', 'Region is missing'),
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
    ]) {
      const mapped = toStoreError(err, 'piriod-customers', 'read the item');
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect(mapped.retryable, mapped.message).toBe(false);
    }
  });

  it('keeps an unreachable endpoint retryable', () => {
    const mapped = toStoreError(
      sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      'piriod-customers',
      'read the item',
    );
    expect(mapped).toMatchObject({ name: 'StoreUnavailableError', retryable: true });
  });
});
