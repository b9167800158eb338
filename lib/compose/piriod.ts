/** Composition: the Piriod client from settings or the environment (CLI and Lambda). */

import type { SdkBudget } from '../aws/sdk-budgets.js';
import { loadPiriodConfig, loadPiriodSettings, type PiriodSettings } from '../config.js';
import { type AttemptInfo, PiriodClient } from '../piriod/client.js';
import type { TokenSource } from '../ports.js';
import { apiTokenSource } from './secrets.js';

type Env = Record<string, string | undefined>;

/** The Piriod client for `settings`, with `token` (a string, or a re-readable secret). */
export function piriodClient(
  settings: PiriodSettings,
  token: string | TokenSource,
  onAttempt?: (a: AttemptInfo) => void,
): PiriodClient {
  return new PiriodClient({
    baseUrl: settings.baseUrl,
    token,
    workspace: settings.workspace,
    testMode: settings.testMode,
    timeoutMs: settings.timeoutMs,
    retry: { maxAttempts: settings.maxAttempts },
    pace: { requestsPerSecond: settings.requestsPerSecond, concurrency: settings.concurrency },
    onAttempt,
  });
}

/** Piriod from `PIRIOD_*` variables, the token included (the CLI, `npm start`). */
export function piriodFromEnv(env: Env): { settings: PiriodSettings; client: PiriodClient } {
  const { token, ...settings } = loadPiriodConfig(env);
  return { settings, client: piriodClient(settings, token) };
}

/**
 * Piriod for a Lambda: settings from the environment, the token from {@link apiTokenSource}
 * (Secrets Manager, cached, re-read on a 401). Reads the token once up front, so a missing
 * secret stops the cold start with the command that fixes it. `budget` bounds the secret reads.
 */
export async function piriodForLambda(
  env: Env,
  onAttempt?: (a: AttemptInfo) => void,
  budget?: SdkBudget,
) {
  const settings = loadPiriodSettings(env);
  const token = apiTokenSource(env, budget);
  await token.get();
  return { settings, client: piriodClient(settings, token, onAttempt) };
}
