import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type SecretLocation, SecretNotSetError } from '../env-variables.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';
import { sdkClientConfig } from '../sdk/sdk-config.js';
import { SECRET_PLACEHOLDER } from './secret-placeholder.js';

export { SECRET_PLACEHOLDER } from './secret-placeholder.js';

/**
 * How long a warm function trusts a cached secret (seconds). Bounded so that a secret set
 * with `put-secret-value` reaches every container within minutes even without the
 * re-read-on-rejection below.
 */
export const SECRET_MAX_AGE_SECONDS = 300;

/** A secret that can be re-read when the party checking it says it is wrong (rotation). */
export interface SecretSource {
  /** The value, from a cache no older than its maximum age. */
  get(): Promise<string>;
  /**
   * Re-reads the value bypassing the cache (at most once per the source's minimum interval,
   * concurrent callers sharing one read) and returns the current value.
   */
  refresh(): Promise<string>;
}

/** Reads a secret string by ARN; `forceFetch` bypasses any cache. */
export type SecretReader = (
  arn: string,
  options: { forceFetch: boolean },
) => Promise<string | undefined>;

/** Options of {@link secretSource}. */
export interface SecretSourceOptions {
  read: SecretReader;
  /** Minimum time between two forced re-reads, so a flood of rejections costs one read. */
  minRefreshMs: number;
  now?: () => number;
}

/**
 * A secret from its plain value when set, else from the Secrets Manager secret at its ARN.
 * The value is never logged or put in an error; an unset secret (empty, or the stack's
 * placeholder) is a {@link SecretNotSetError} carrying the command that fixes it. A read that
 * fails (Secrets Manager unreachable, throttled, denied) after a value was read keeps that
 * value: the cache's expiry or a rotation check must not turn a working secret into none.
 */
export function secretSource(location: SecretLocation, options: SecretSourceOptions): SecretSource {
  const plain = location.plain?.trim();
  if (plain) return { get: async () => plain, refresh: async () => plain };
  const arn = location.arn?.trim();
  const names = location.names;
  const now = options.now ?? Date.now;
  let lastForced = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<string> | undefined;
  let lastRead: string | undefined;

  const read = async (forceFetch: boolean): Promise<string> => {
    if (!arn) throw new ConfigError(`neither ${names.plain} nor ${names.arn} is set`);
    let value: string | undefined;
    try {
      value = (await options.read(arn, { forceFetch }))?.trim();
    } catch (err) {
      if (lastRead !== undefined) return lastRead;
      throw err;
    }
    if (!value || value === SECRET_PLACEHOLDER) {
      // Read, and not set (or set back to the placeholder by an operator): no value to keep.
      lastRead = undefined;
      throw new SecretNotSetError(
        `the secret ${arn} (${names.arn}) has no value yet: set it with \`aws secretsmanager put-secret-value --secret-id ${arn} --secret-string file://secret.txt\``,
        { secretArn: arn },
      );
    }
    lastRead = value;
    return value;
  };
  return {
    get: () => read(false),
    refresh: () => {
      if (inFlight) return inFlight;
      if (now() - lastForced < options.minRefreshMs) return read(false);
      lastForced = now();
      inFlight = read(true).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/**
 * Reads secrets through Powertools Parameters (`SecretsProvider`, official Secrets Manager
 * client), cached for {@link SECRET_MAX_AGE_SECONDS}. A secret lives in the region of its
 * ARN; `endpoint` (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, read by the config) points to a local
 * endpoint; `budget` bounds each read.
 */
export function secretsManagerReader(
  endpoint: string | undefined,
  maxAgeSeconds = SECRET_MAX_AGE_SECONDS,
  budget?: SdkBudget,
): SecretReader {
  const providers = new Map<string, SecretsProvider>();
  return async (arn, { forceFetch }) => {
    const region = arn.split(':')[3] || '';
    let provider = providers.get(region);
    if (!provider) {
      const client = new SecretsManagerClient(
        sdkClientConfig(endpoint, region || undefined, budget),
      );
      provider = new SecretsProvider({ awsSdkV3Client: client });
      providers.set(region, provider);
    }
    const value = await provider.get(arn, { maxAge: maxAgeSeconds, forceFetch });
    return typeof value === 'string' ? value : undefined;
  };
}
