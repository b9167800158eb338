import { describe, expect, it } from 'vitest';
import { ConfigError, loadPiriodConfig, loadStoreConfig } from '../../lib/config.js';

const base = { PIRIOD_API_TOKEN: 'sk_live_abc', PIRIOD_WORKSPACE: 'acc_1' };
const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('fills defaults the contract names', () => {
    expect(loadPiriodConfig(base)).toMatchObject({
      baseUrl: 'https://api.piriod.com',
      workspace: 'acc_1',
      testMode: false,
      timeoutMs: 10_000,
      maxAttempts: 5,
      requestsPerSecond: 20,
      concurrency: 8,
    });
    expect(loadStoreConfig({})).toMatchObject({
      tableName: 'piriod-customers',
      endpoint: undefined,
    });
  });

  it('names the missing variable and how to fix it', () => {
    expect(error(() => loadPiriodConfig({ PIRIOD_WORKSPACE: 'acc_1' }))).toMatch(
      /^PIRIOD_API_TOKEN is not set: set it to your Piriod API token/,
    );
    expect(error(() => loadPiriodConfig({ PIRIOD_API_TOKEN: 'sk' }))).toMatch(
      /^PIRIOD_WORKSPACE is not set/,
    );
  });

  it('names every malformed variable with the value it got, never the token', () => {
    const message = error(() =>
      loadPiriodConfig({
        ...base,
        PIRIOD_API_URL: 'not a url',
        PIRIOD_TEST_MODE: 'yes',
        PIRIOD_TIMEOUT_MS: '10s',
      }),
    );
    expect(message).toContain(
      'PIRIOD_API_URL must be an https:// URL (plain http:// only on loopback: the token would travel in clear) (got "not a url")',
    );
    expect(message).toContain(
      'PIRIOD_TEST_MODE must be one of "0", "1", "true", "false" (got "yes")',
    );
    expect(message).toContain('PIRIOD_TIMEOUT_MS must be a whole number (got "10s")');
    expect(message).not.toContain('sk_live_abc');
    expect(error(() => loadStoreConfig({ CUSTOMERS_TABLE: 'x' }))).toMatch(
      /^CUSTOMERS_TABLE must be 3-255 of/,
    );
  });

  it('refuses a plain-http Piriod URL except on loopback, where the sandbox runs', () => {
    expect(
      error(() => loadPiriodConfig({ ...base, PIRIOD_API_URL: 'http://api.piriod.com' })),
    ).toMatch(/^PIRIOD_API_URL must be an https:\/\/ URL/);
    for (const url of [
      'https://api.piriod.com',
      'http://127.0.0.1:4010',
      'http://localhost:4010',
    ]) {
      expect(loadPiriodConfig({ ...base, PIRIOD_API_URL: url }).baseUrl).toBe(url);
    }
  });
});
