/**
 * Piriod's settings: how it is reached ({@link PiriodConnection}, shared by every workspace)
 * and, for the CLI, the single workspace a run works on, with its token ({@link PiriodConfig}).
 */
import type { Workspace } from '../customer/workspaces.js';
import { ConfigError, type Env, flagValue } from '../env-variables.js';
import { CHECKS, readVariables, wholeNumber } from './variables.js';

/** How Piriod is reached, whichever workspace: the settings every workspace shares. */
export interface PiriodConnection {
  baseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  requestsPerSecond: number;
  concurrency: number;
}

/**
 * Piriod for one workspace with its token: a CLI run, `npm start`. The token is kept out of
 * `toString`/JSON by the caller.
 */
export interface PiriodConfig {
  connection: PiriodConnection;
  workspace: Workspace;
  token: string;
}

const CONNECTION_CHECKS = {
  PIRIOD_API_URL: CHECKS.secureUrl,
  PIRIOD_TIMEOUT_MS: CHECKS.wholeNumber,
  PIRIOD_MAX_ATTEMPTS: CHECKS.wholeNumber,
  PIRIOD_REQUESTS_PER_SECOND: CHECKS.wholeNumber,
  PIRIOD_CONCURRENCY: CHECKS.wholeNumber,
};

/**
 * Reads the settings of Piriod access that every workspace shares.
 *
 * @throws ConfigError naming every malformed variable.
 */
export function loadPiriodConnection(env: Env): PiriodConnection {
  return connectionOf(readVariables(env, CONNECTION_CHECKS));
}

/** The shared settings from their checked variables, defaults filled in. */
function connectionOf(
  e: Record<keyof typeof CONNECTION_CHECKS, string | undefined>,
): PiriodConnection {
  return {
    baseUrl: e.PIRIOD_API_URL ?? 'https://api.piriod.com',
    timeoutMs: wholeNumber(e.PIRIOD_TIMEOUT_MS, 10_000),
    maxAttempts: Math.max(1, wholeNumber(e.PIRIOD_MAX_ATTEMPTS, 5)),
    requestsPerSecond: wholeNumber(e.PIRIOD_REQUESTS_PER_SECOND, 20),
    concurrency: Math.max(1, wholeNumber(e.PIRIOD_CONCURRENCY, 8)),
  };
}

/**
 * Checks every Piriod variable that is set, for a run that reads none of them (the demo of
 * `npm start` reads its own sandbox): a malformed one is still reported, never passed over.
 *
 * @throws ConfigError naming every malformed variable.
 */
export function checkPiriodVariables(env: Env): void {
  readVariables(env, { ...CONNECTION_CHECKS, PIRIOD_TEST_MODE: CHECKS.flag });
}

/** `PIRIOD_TEST_MODE`: whether test-mode data is read. @throws ConfigError when malformed. */
export function loadTestMode(env: Env): boolean {
  const e = readVariables(env, { PIRIOD_TEST_MODE: CHECKS.flag });
  return flagValue(e.PIRIOD_TEST_MODE) ?? false;
}

/** `PIRIOD_WORKSPACE`, trimmed. @throws ConfigError naming what to set when it is not set. */
export function requireWorkspace(env: Env): string {
  const workspace = env.PIRIOD_WORKSPACE?.trim();
  if (!workspace) {
    throw new ConfigError(
      'PIRIOD_WORKSPACE is not set: set it to your Piriod workspace id (acc_…), the x-simple-workspace value',
    );
  }
  return workspace;
}

/**
 * Reads everything needed to call Piriod from the plain environment (CLI, local runs): the
 * connection, and the workspace of `PIRIOD_WORKSPACE` and `PIRIOD_TEST_MODE`, with its token.
 *
 * @throws ConfigError when the token or workspace is missing or a value is malformed.
 */
export function loadPiriodConfig(env: Env): PiriodConfig {
  const token = env.PIRIOD_API_TOKEN?.trim();
  if (!token) {
    throw new ConfigError(
      'PIRIOD_API_TOKEN is not set: set it to your Piriod API token (Dashboard → Developers), or unset both PIRIOD_API_TOKEN and PIRIOD_WORKSPACE and run `npm start` to use the sandbox',
    );
  }
  // Every malformed setting in one message, before the workspace's absence.
  const e = readVariables(env, { ...CONNECTION_CHECKS, PIRIOD_TEST_MODE: CHECKS.flag });
  return {
    connection: connectionOf(e),
    workspace: { id: requireWorkspace(env), testMode: flagValue(e.PIRIOD_TEST_MODE) ?? false },
    token,
  };
}
