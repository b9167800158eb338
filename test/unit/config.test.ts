import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadPiriodConfig,
  loadStoreConfig,
  loadWorkspaces,
} from '../../lib/config.js';

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
    expect(loadPiriodConfig(base)).toEqual({
      connection: {
        baseUrl: 'https://api.piriod.com',
        timeoutMs: 10_000,
        maxAttempts: 5,
        requestsPerSecond: 20,
        concurrency: 8,
      },
      workspace: { id: 'acc_1', testMode: false },
      token: 'sk_live_abc',
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
      expect(loadPiriodConfig({ ...base, PIRIOD_API_URL: url }).connection.baseUrl).toBe(url);
    }
  });
});

describe("the functions' workspaces", () => {
  const ARN = (w: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${w}-token`;
  it('reads the list and each workspace’s secrets from the maps the stack sets', () => {
    const [a, b] = loadWorkspaces({
      PIRIOD_WORKSPACES: 'acc_A,acc_B:test',
      PIRIOD_API_TOKEN_SECRET_ARNS: JSON.stringify({ acc_A: ARN('a'), acc_B: ARN('b') }),
      PIRIOD_WEBHOOK_SECRETS: JSON.stringify({ acc_B: 'whsecret_b' }),
    });
    expect(a).toMatchObject({ id: 'acc_A', testMode: false, apiToken: { arn: ARN('a') } });
    expect(a?.webhookSecret.plain).toBeUndefined();
    expect(b).toMatchObject({
      id: 'acc_B',
      testMode: true,
      apiToken: { arn: ARN('b'), names: { arn: 'PIRIOD_API_TOKEN_SECRET_ARNS.acc_B' } },
      webhookSecret: { plain: 'whsecret_b' },
    });
  });

  it('is the single workspace PIRIOD_WORKSPACE names, with the single variables, without a list', () => {
    expect(
      loadWorkspaces({
        PIRIOD_WORKSPACE: 'acc_1',
        PIRIOD_TEST_MODE: 'true',
        PIRIOD_API_TOKEN: 'sk_1',
        PIRIOD_WEBHOOK_SECRET: 'whsecret_1',
      }),
    ).toEqual([
      {
        id: 'acc_1',
        testMode: true,
        apiToken: {
          plain: 'sk_1',
          arn: undefined,
          names: { plain: 'PIRIOD_API_TOKEN', arn: 'PIRIOD_API_TOKEN_SECRET_ARNS.acc_1' },
        },
        webhookSecret: {
          plain: 'whsecret_1',
          arn: undefined,
          names: { plain: 'PIRIOD_WEBHOOK_SECRET', arn: 'PIRIOD_WEBHOOK_SECRET_ARNS.acc_1' },
        },
      },
    ]);
  });

  it('reads secret ARNs from the maps only: the single ARN variables are gone', () => {
    const [one] = loadWorkspaces({
      PIRIOD_WORKSPACE: 'acc_1',
      PIRIOD_API_TOKEN_SECRET_ARN: ARN('1'),
      PIRIOD_WEBHOOK_SECRET_ARN: ARN('w'),
    });
    expect(one?.apiToken.arn).toBeUndefined();
    expect(one?.webhookSecret.arn).toBeUndefined();
    const [mapped] = loadWorkspaces({
      PIRIOD_WORKSPACE: 'acc_1',
      PIRIOD_API_TOKEN_SECRET_ARNS: JSON.stringify({ acc_1: ARN('1') }),
    });
    expect(mapped?.apiToken.arn).toBe(ARN('1'));
  });

  it('does not hand a single token to one of several workspaces', () => {
    const [a] = loadWorkspaces({ PIRIOD_WORKSPACES: 'acc_A,acc_B', PIRIOD_API_TOKEN: 'sk_x' });
    expect(a?.apiToken.plain).toBeUndefined();
  });

  it('names the variable and the problem of a bad list or map, never a value of the map', () => {
    expect(error(() => loadWorkspaces({ PIRIOD_WORKSPACES: 'acc_A,acc_A' }))).toBe(
      'PIRIOD_WORKSPACES names acc_A twice: each workspace once',
    );
    expect(
      error(() =>
        loadWorkspaces({
          PIRIOD_WORKSPACES: 'acc_A',
          PIRIOD_API_TOKENS: JSON.stringify({ acc_Typo: 'sk_live_secret' }),
        }),
      ),
    ).toBe('PIRIOD_API_TOKENS names "acc_Typo", which is not a configured workspace (acc_A)');
    const notJson = error(() =>
      loadWorkspaces({ PIRIOD_WORKSPACES: 'acc_A', PIRIOD_API_TOKENS: '{sk_live_secret' }),
    );
    expect(notJson).toMatch(/^PIRIOD_API_TOKENS is not JSON/);
    expect(notJson).not.toContain('sk_live_secret');
    expect(error(() => loadWorkspaces({ PIRIOD_WORKSPACE: 'acc 1' }))).toMatch(
      /^PIRIOD_WORKSPACE is not a workspace id/,
    );
  });
});
