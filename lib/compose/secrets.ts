import {
  SECRET_MAX_AGE_SECONDS,
  type SecretReader,
  type SecretSource,
  secretSource,
  secretsManagerReader,
} from '../aws/secret-value.js';
import type { SecretsConfig } from '../config.js';
import type { SecretLocation } from '../env-variables.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';

/**
 * A 401 from Piriod forces a re-read of the token; concurrent rejections within this window
 * share one read.
 */
const TOKEN_REFRESH_INTERVAL_MS = 5_000;
/** A signature mismatch re-reads the webhook secret at most this often (anyone can send one). */
const WEBHOOK_SECRET_REFRESH_INTERVAL_MS = 60_000;

/**
 * Where a function's secrets are read: one Secrets Manager reader (one client per region,
 * cached for minutes) for every workspace's secrets. `budget` bounds each read.
 */
export function secretsOf(config: SecretsConfig, budget?: SdkBudget) {
  const read: SecretReader = secretsManagerReader(config.endpoint, SECRET_MAX_AGE_SECONDS, budget);
  return {
    /** A workspace's Piriod token, re-read when Piriod rejects it. */
    apiToken: (location: SecretLocation): SecretSource =>
      secretSource(location, { read, minRefreshMs: TOKEN_REFRESH_INTERVAL_MS }),
    /** A workspace's webhook signing secret, re-read after a mismatch at most once a minute. */
    webhookSecret: (location: SecretLocation): SecretSource =>
      secretSource(location, { read, minRefreshMs: WEBHOOK_SECRET_REFRESH_INTERVAL_MS }),
  };
}
