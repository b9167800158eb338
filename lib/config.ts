import * as z from 'zod/mini';
import type { SecretLocation } from './aws/secret-value.js';
import { isWorkspaceId, parseWorkspaceList, WorkspaceListError } from './customer/workspaces.js';
import { ConfigError, FLAG_SPELLINGS, flagValue } from './env-variables.js';
import { isSecureOrLoopbackUrl } from './loopback.js';
import { DEFAULT_TABLE_NAME } from './store/table-definition.js';

/**
 * Configuration from the environment. Every loader validates what it needs and throws a
 * {@link ConfigError} naming the variable and what to set it to. Loaders take the
 * environment as an argument: only the entry points (the CLI, `npm start`, each function's
 * start-up) hand them `process.env`; the use cases never see it.
 */

export { ConfigError, optionalVariable, requireVariable } from './env-variables.js';

type Env = Record<string, string | undefined>;

const boolFlag = z.optional(z.enum([...Object.keys(FLAG_SPELLINGS), '']));
const positiveInt = z.optional(z.string().check(z.regex(/^\d+$/, 'must be a whole number')));

const piriodEnv = z.object({
  PIRIOD_API_URL: z.optional(
    z
      .string()
      .check(
        z.refine(
          isSecureOrLoopbackUrl,
          'must be an https:// URL (plain http:// only on loopback: the token would travel in clear)',
        ),
      ),
  ),
  PIRIOD_API_TOKEN: z.optional(z.string()),
  PIRIOD_WORKSPACE: z.optional(z.string()),
  PIRIOD_TEST_MODE: boolFlag,
  PIRIOD_TIMEOUT_MS: positiveInt,
  PIRIOD_MAX_ATTEMPTS: positiveInt,
  PIRIOD_REQUESTS_PER_SECOND: positiveInt,
  PIRIOD_CONCURRENCY: positiveInt,
});

/** Where and how to reach Piriod. The token is kept out of `toString`/JSON by the caller. */
export interface PiriodConfig {
  baseUrl: string;
  token: string;
  workspace: string;
  testMode: boolean;
  timeoutMs: number;
  maxAttempts: number;
  requestsPerSecond: number;
  concurrency: number;
}

/** Settings of Piriod access that do not include credentials (for Lambda, where secrets come later). */
export type PiriodSettings = Omit<PiriodConfig, 'token'>;

/** How Piriod is reached, whichever workspace: the settings every workspace shares. */
export type PiriodConnection = Omit<PiriodSettings, 'workspace' | 'testMode'>;

/**
 * Reads the settings of Piriod access that every workspace shares.
 *
 * @throws ConfigError when a variable is malformed.
 */
export function loadPiriodConnection(env: Env): PiriodConnection {
  const e = parse(piriodEnv, env);
  return {
    baseUrl: e.PIRIOD_API_URL ?? 'https://api.piriod.com',
    timeoutMs: int(e.PIRIOD_TIMEOUT_MS, 10_000),
    maxAttempts: Math.max(1, int(e.PIRIOD_MAX_ATTEMPTS, 5)),
    requestsPerSecond: int(e.PIRIOD_REQUESTS_PER_SECOND, 20),
    concurrency: Math.max(1, int(e.PIRIOD_CONCURRENCY, 8)),
  };
}

/**
 * Reads Piriod settings for the one workspace of `PIRIOD_WORKSPACE`, without the token (the
 * CLI's commands work on one workspace at a time).
 *
 * @throws ConfigError when a variable is malformed or the workspace is missing.
 */
export function loadPiriodSettings(env: Env): PiriodSettings {
  const connection = loadPiriodConnection(env);
  const e = parse(piriodEnv, env);
  const workspace = e.PIRIOD_WORKSPACE?.trim();
  if (!workspace) {
    throw new ConfigError(
      'PIRIOD_WORKSPACE is not set: set it to your Piriod workspace id (acc_…), the x-simple-workspace value',
    );
  }
  return { ...connection, workspace, testMode: flagValue(e.PIRIOD_TEST_MODE) ?? false };
}

/** One workspace a deployment mirrors, as its functions see it. */
export interface WorkspaceConfig {
  id: string;
  testMode: boolean;
  /** The workspace's Piriod API token. */
  apiToken: SecretLocation;
  /** The signing secret of the workspace's webhook endpoint. */
  webhookSecret: SecretLocation;
}

/**
 * The workspaces a function serves: `PIRIOD_WORKSPACES` (`acc_A,acc_B:test`, set by the
 * stack) with their secrets in the JSON maps `PIRIOD_API_TOKEN_SECRET_ARNS` and
 * `PIRIOD_WEBHOOK_SECRET_ARNS` (or, locally, `PIRIOD_API_TOKENS` and `PIRIOD_WEBHOOK_SECRETS`);
 * without a list, the one workspace of `PIRIOD_WORKSPACE` and `PIRIOD_TEST_MODE`. The single
 * variables (`PIRIOD_API_TOKEN`, `…_SECRET_ARN`, `PIRIOD_WEBHOOK_SECRET`) apply when there is
 * one workspace.
 *
 * @throws ConfigError on a malformed list or map, or a map naming a workspace not listed.
 */
export function loadWorkspaces(env: Env): WorkspaceConfig[] {
  const listed = env.PIRIOD_WORKSPACES?.trim();
  let entries: { id: string; testMode: boolean }[];
  if (listed) {
    try {
      entries = parseWorkspaceList(listed);
    } catch (err) {
      if (err instanceof WorkspaceListError)
        throw new ConfigError(`PIRIOD_WORKSPACES ${err.message}`);
      throw err;
    }
  } else {
    const { workspace, testMode } = loadPiriodSettings(env);
    if (!isWorkspaceId(workspace)) {
      throw new ConfigError(
        `PIRIOD_WORKSPACE is not a workspace id (acc_…: letters, digits, _ and -), got ${JSON.stringify(String(workspace).slice(0, 80))}`,
      );
    }
    entries = [{ id: workspace, testMode }];
  }
  const ids = entries.map((w) => w.id);
  const maps = {
    tokens: secretMap(env, 'PIRIOD_API_TOKENS', ids),
    tokenArns: secretMap(env, 'PIRIOD_API_TOKEN_SECRET_ARNS', ids),
    webhook: secretMap(env, 'PIRIOD_WEBHOOK_SECRETS', ids),
    webhookArns: secretMap(env, 'PIRIOD_WEBHOOK_SECRET_ARNS', ids),
  };
  const single = entries.length === 1;
  const one = (name: string) => (single ? env[name]?.trim() || undefined : undefined);
  return entries.map(({ id, testMode }) => ({
    id,
    testMode,
    apiToken: {
      plain: maps.tokens[id] ?? one('PIRIOD_API_TOKEN'),
      arn: maps.tokenArns[id] ?? one('PIRIOD_API_TOKEN_SECRET_ARN'),
      names: single
        ? { plain: 'PIRIOD_API_TOKEN', arn: 'PIRIOD_API_TOKEN_SECRET_ARN' }
        : { plain: `PIRIOD_API_TOKENS.${id}`, arn: `PIRIOD_API_TOKEN_SECRET_ARNS.${id}` },
    },
    webhookSecret: {
      plain: maps.webhook[id] ?? one('PIRIOD_WEBHOOK_SECRET'),
      arn: maps.webhookArns[id] ?? one('PIRIOD_WEBHOOK_SECRET_ARN'),
      names: single
        ? { plain: 'PIRIOD_WEBHOOK_SECRET', arn: 'PIRIOD_WEBHOOK_SECRET_ARN' }
        : { plain: `PIRIOD_WEBHOOK_SECRETS.${id}`, arn: `PIRIOD_WEBHOOK_SECRET_ARNS.${id}` },
    },
  }));
}

/** A JSON object of workspace → string; every key a listed workspace (a typo is an error). */
function secretMap(env: Env, name: string, ids: readonly string[]): Record<string, string> {
  const raw = env[name]?.trim();
  if (!raw) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} is not JSON: set it to {"acc_A": "…", …}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(`${name} must be a JSON object of workspace → value`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (!ids.includes(key)) {
      throw new ConfigError(
        `${name} names ${JSON.stringify(key.slice(0, 80))}, which is not a configured workspace (${ids.join(', ')})`,
      );
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigError(`${name}.${key} must be a non-empty string`);
    }
    out[key] = value.trim();
  }
  return out;
}

/**
 * Reads everything needed to call Piriod from the plain environment (CLI, local runs).
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
  return { ...loadPiriodSettings(env), token };
}

const storeEnv = z.object({
  CUSTOMERS_TABLE: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be 3-255 of A-Z a-z 0-9 _ . -')),
  ),
  AWS_ENDPOINT_URL_DYNAMODB: z.optional(
    z
      .string()
      .check(z.refine((v) => URL.canParse(v), 'must be a URL such as http://127.0.0.1:8000')),
  ),
  AWS_REGION: z.optional(z.string()),
});

/** Where the customers table lives. */
export interface StoreConfig {
  tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); the SDK default otherwise. */
  endpoint: string | undefined;
  /** `AWS_REGION`; unset lets the SDK's region chain decide (profile, `AWS_DEFAULT_REGION`…). */
  region: string | undefined;
}

/** Reads the table settings. @throws ConfigError on a malformed value. */
export function loadStoreConfig(env: Env): StoreConfig {
  const e = parse(storeEnv, env);
  return {
    tableName: e.CUSTOMERS_TABLE ?? DEFAULT_TABLE_NAME,
    endpoint: e.AWS_ENDPOINT_URL_DYNAMODB,
    region: e.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined,
  };
}

const fullMirrorEnv = z.object({ FULL_MIRROR_SCHEDULE_MINUTES: positiveInt });

/** How `full-mirror` is scheduled. */
export interface FullMirrorSchedule {
  /** The schedule's period (`FULL_MIRROR_SCHEDULE_MINUTES`, set by the stack; default 15 min). */
  periodMs: number;
}

/** Reads the full-mirror schedule. @throws ConfigError on a malformed value. */
export function loadFullMirrorSchedule(env: Env): FullMirrorSchedule {
  const e = parse(fullMirrorEnv, env);
  return { periodMs: Math.max(1, int(e.FULL_MIRROR_SCHEDULE_MINUTES, 15)) * 60_000 };
}

function parse<T extends z.ZodMiniType>(schema: T, env: Env): z.infer<T> {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const name = String(i.path[0]);
    const reason =
      i.code === 'invalid_value'
        ? `must be one of ${i.values
            .filter((v) => v !== '')
            .map((v) => JSON.stringify(v))
            .join(', ')}`
        : i.message;
    return `${name} ${reason === 'Invalid input' ? 'is invalid' : reason} (got ${JSON.stringify(env[name])})`;
  });
  throw new ConfigError(problems.join('; '));
}

function int(value: string | undefined, fallback: number): number {
  return value === undefined || value === '' ? fallback : Number(value);
}
