import type { SdkBudget } from '../aws/sdk-budgets.js';
import {
  SECRET_MAX_AGE_SECONDS,
  type SecretSource,
  secretSource,
  secretsManagerReader,
} from '../aws/secret-value.js';

type Env = Record<string, string | undefined>;

/**
 * A 401 from Piriod forces a re-read of the token; concurrent rejections within this window
 * share one read.
 */
const TOKEN_REFRESH_INTERVAL_MS = 5_000;
/** A signature mismatch re-reads the webhook secret at most this often (anyone can send one). */
const WEBHOOK_SECRET_REFRESH_INTERVAL_MS = 60_000;

/**
 * The Piriod token of a function: `PIRIOD_API_TOKEN`, or the secret named by
 * `PIRIOD_API_TOKEN_SECRET_ARN`, cached for minutes and re-read when Piriod rejects it.
 */
export function apiTokenSource(env: Env, budget?: SdkBudget): SecretSource {
  return secretSource(env, {
    name: 'PIRIOD_API_TOKEN',
    arnVar: 'PIRIOD_API_TOKEN_SECRET_ARN',
    read: secretsManagerReader(env, SECRET_MAX_AGE_SECONDS, budget),
    minRefreshMs: TOKEN_REFRESH_INTERVAL_MS,
  });
}

/** The webhook's signing secret: `PIRIOD_WEBHOOK_SECRET` or `PIRIOD_WEBHOOK_SECRET_ARN`. */
export function webhookSecretSource(env: Env, budget?: SdkBudget): SecretSource {
  return secretSource(env, {
    name: 'PIRIOD_WEBHOOK_SECRET',
    arnVar: 'PIRIOD_WEBHOOK_SECRET_ARN',
    read: secretsManagerReader(env, SECRET_MAX_AGE_SECONDS, budget),
    minRefreshMs: WEBHOOK_SECRET_REFRESH_INTERVAL_MS,
  });
}
