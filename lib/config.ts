import * as z from 'zod/mini';
import {
  isWorkspaceId,
  parseWorkspaceList,
  type WorkspaceEntry,
  WorkspaceListError,
} from './customer/workspaces.js';
import {
  awsEndpoint,
  ConfigError,
  DEFAULT_TABLE_NAME,
  type Env,
  FLAG_SPELLINGS,
  flagValue,
  requireVariable,
  type SecretLocation,
} from './env-variables.js';
import { isSecureOrLoopbackUrl } from './loopback.js';

/**
 * Configuration from the environment, read once at each entry point. Every loader validates
 * what it needs and throws a {@link ConfigError} naming the variable and what to set it to.
 * Loaders take the environment as an argument: only the entry points (each function's
 * handler module, the CLI's commands, `npm start`, `npm run dev`, the package's
 * `createDocumentClient`) hand them `process.env`, and everything below them — composition,
 * adapters, use cases — takes the typed values these return, never an environment.
 *
 * The pieces (Piriod, workspaces, store, bus, queues, AWS endpoints) are shared; each
 * function has one loader that reads exactly what it needs, in the order its failures
 * should be reported.
 */

export { ConfigError, type Env } from './env-variables.js';

// The schemas are built on first use, in functions rather than module constants: a function
// whose loaders never validate with zod (the receiver, publish-changes) then bundles none of it.
const boolFlag = () => z.optional(z.enum([...Object.keys(FLAG_SPELLINGS), '']));
const positiveInt = () => z.optional(z.string().check(z.regex(/^\d+$/, 'must be a whole number')));

let piriodSchema: ReturnType<typeof buildPiriodSchema> | undefined;
function piriodEnv() {
  piriodSchema ??= buildPiriodSchema();
  return piriodSchema;
}
function buildPiriodSchema() {
  return z.object({
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
    PIRIOD_TEST_MODE: boolFlag(),
    PIRIOD_TIMEOUT_MS: positiveInt(),
    PIRIOD_MAX_ATTEMPTS: positiveInt(),
    PIRIOD_REQUESTS_PER_SECOND: positiveInt(),
    PIRIOD_CONCURRENCY: positiveInt(),
  });
}

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
function loadPiriodConnection(env: Env): PiriodConnection {
  return connectionOf(parse(piriodEnv(), env));
}

/** The shared Piriod settings from the validated variables. */
function connectionOf(e: z.infer<ReturnType<typeof piriodEnv>>): PiriodConnection {
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
  const e = parse(piriodEnv(), env);
  return {
    ...connectionOf(e),
    workspace: requireWorkspace(env),
    testMode: flagValue(e.PIRIOD_TEST_MODE) ?? false,
  };
}

/**
 * Checks every Piriod variable that is set, for a run that reads none of them (the demo of
 * `npm start` reads its own sandbox): a malformed one is still reported, never passed over.
 *
 * @throws ConfigError naming the variable.
 */
export function checkPiriodVariables(env: Env): void {
  parse(piriodEnv(), env);
}

/** `PIRIOD_WORKSPACE`, trimmed. @throws ConfigError naming what to set when it is not set. */
function requireWorkspace(env: Env): string {
  const workspace = env.PIRIOD_WORKSPACE?.trim();
  if (!workspace) {
    throw new ConfigError(
      'PIRIOD_WORKSPACE is not set: set it to your Piriod workspace id (acc_…), the x-simple-workspace value',
    );
  }
  return workspace;
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
 * The list of `PIRIOD_WORKSPACES`, or `undefined` when it is not set (one workspace).
 *
 * @throws ConfigError naming the variable and what is wrong with the list.
 */
export function loadWorkspaceList(env: Env): WorkspaceEntry[] | undefined {
  const listed = env.PIRIOD_WORKSPACES?.trim();
  if (!listed) return undefined;
  try {
    return parseWorkspaceList(listed);
  } catch (err) {
    if (err instanceof WorkspaceListError)
      throw new ConfigError(`PIRIOD_WORKSPACES ${err.message}`);
    throw err;
  }
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
  let entries = loadWorkspaceList(env);
  if (!entries) {
    // Read here without the Piriod schema (the receiver reads only this): the same messages.
    const workspace = requireWorkspace(env);
    const mode = env.PIRIOD_TEST_MODE;
    const testMode = flagValue(mode);
    if (testMode === undefined && mode !== undefined && mode !== '') {
      throw new ConfigError(
        `PIRIOD_TEST_MODE must be one of ${Object.keys(FLAG_SPELLINGS)
          .map((v) => JSON.stringify(v))
          .join(', ')} (got ${JSON.stringify(mode)})`,
      );
    }
    if (!isWorkspaceId(workspace)) {
      throw new ConfigError(
        `PIRIOD_WORKSPACE is not a workspace id (acc_…: letters, digits, _ and -), got ${JSON.stringify(String(workspace).slice(0, 80))}`,
      );
    }
    entries = [{ id: workspace, testMode: testMode ?? false }];
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

function storeEnv() {
  return z.object({
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
}

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
  const e = parse(storeEnv(), env);
  return {
    tableName: e.CUSTOMERS_TABLE ?? DEFAULT_TABLE_NAME,
    endpoint: e.AWS_ENDPOINT_URL_DYNAMODB,
    region: e.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined,
  };
}

const fullMirrorEnv = () => z.object({ FULL_MIRROR_SCHEDULE_MINUTES: positiveInt() });

/** How `full-mirror` is scheduled. */
export interface FullMirrorSchedule {
  /** The schedule's period (`FULL_MIRROR_SCHEDULE_MINUTES`, set by the stack; default 15 min). */
  periodMs: number;
}

/** Reads the full-mirror schedule. @throws ConfigError on a malformed value. */
function loadFullMirrorSchedule(env: Env): FullMirrorSchedule {
  const e = parse(fullMirrorEnv(), env);
  return { periodMs: Math.max(1, int(e.FULL_MIRROR_SCHEDULE_MINUTES, 15)) * 60_000 };
}

/**
 * Endpoint overrides of the AWS services reached besides DynamoDB (`AWS_ENDPOINT_URL_<SERVICE>`,
 * else `AWS_ENDPOINT_URL`, as the SDK reads them): local stand-ins in tests and `npm run dev`.
 * `undefined` leaves the SDK to resolve AWS's endpoint.
 */
export interface AwsEndpoints {
  eventBridge: string | undefined;
  sqs: string | undefined;
  secretsManager: string | undefined;
  cloudFormation: string | undefined;
  sns: string | undefined;
}

/** Reads the AWS endpoint overrides. */
export function loadAwsEndpoints(env: Env): AwsEndpoints {
  return {
    eventBridge: awsEndpoint(env, 'AWS_ENDPOINT_URL_EVENTBRIDGE'),
    sqs: awsEndpoint(env, 'AWS_ENDPOINT_URL_SQS'),
    secretsManager: awsEndpoint(env, 'AWS_ENDPOINT_URL_SECRETS_MANAGER'),
    cloudFormation: awsEndpoint(env, 'AWS_ENDPOINT_URL_CLOUDFORMATION'),
    sns: awsEndpoint(env, 'AWS_ENDPOINT_URL_SNS'),
  };
}

/** The stack's event bus: refresh requests, changes, continuations. */
export interface BusConfig {
  /** `EVENT_BUS_NAME`. */
  name: string;
  /** EventBridge endpoint override; AWS's otherwise. */
  endpoint: string | undefined;
}

/**
 * Reads the bus. `for`: who is missing it — a function (the stack sets it) or the CLI (whose
 * user needs to hear where the value comes from: the stack's output or `npm run dev`).
 *
 * @throws ConfigError when `EVENT_BUS_NAME` is unset or blank.
 */
export function loadBusConfig(env: Env, reader: 'function' | 'cli' = 'function'): BusConfig {
  const name =
    reader === 'function' ? requireVariable(env, 'EVENT_BUS_NAME') : env.EVENT_BUS_NAME?.trim();
  if (!name) {
    throw new ConfigError(
      "EVENT_BUS_NAME is not set: set it to the stack's EventBusName output (`aws cloudformation describe-stacks --stack-name PiriodMirror --query \"Stacks[0].Outputs[?OutputKey=='EventBusName'].OutputValue\" --output text`), or to the bus `npm run dev` prints in its export block",
    );
  }
  return { name, endpoint: loadAwsEndpoints(env).eventBridge };
}

/** One of the stack's SQS queues. */
export interface QueueConfig {
  url: string;
  /** SQS endpoint override; AWS's otherwise. */
  endpoint: string | undefined;
}

/** Reads the refresh queue (`REFRESH_QUEUE_URL`). @throws ConfigError when unset. */
function loadRefreshQueueConfig(env: Env): QueueConfig {
  return { url: requireVariable(env, 'REFRESH_QUEUE_URL'), endpoint: loadAwsEndpoints(env).sqs };
}

/** Reads the dead-letter queue (`DEAD_LETTER_QUEUE_URL`). @throws ConfigError when unset. */
function loadDeadLetterQueueConfig(env: Env): QueueConfig {
  return {
    url: requireVariable(env, 'DEAD_LETTER_QUEUE_URL'),
    endpoint: loadAwsEndpoints(env).sqs,
  };
}

/** Where a function reads its secrets (Secrets Manager, by each secret's ARN). */
export interface SecretsConfig {
  /** Secrets Manager endpoint override; AWS's (in each ARN's region) otherwise. */
  endpoint: string | undefined;
}

/** Reads where secrets are read. */
function loadSecretsConfig(env: Env): SecretsConfig {
  return { endpoint: loadAwsEndpoints(env).secretsManager };
}

/** Piriod as a function reaches it: the shared settings, every workspace, their secrets. */
export interface FunctionPiriodConfig {
  connection: PiriodConnection;
  workspaces: WorkspaceConfig[];
  secrets: SecretsConfig;
}

/** Reads a function's Piriod. @throws ConfigError as {@link loadWorkspaces} does. */
function loadFunctionPiriodConfig(env: Env): FunctionPiriodConfig {
  return {
    connection: loadPiriodConnection(env),
    workspaces: loadWorkspaces(env),
    secrets: loadSecretsConfig(env),
  };
}

/** What `full-mirror` is configured with. */
export interface FullMirrorConfig {
  piriod: FunctionPiriodConfig;
  store: StoreConfig;
  refreshQueue: QueueConfig;
  bus: BusConfig;
  schedule: FullMirrorSchedule;
}

/** Reads `full-mirror`'s configuration. @throws ConfigError naming the first variable wrong. */
export function loadFullMirrorConfig(env: Env): FullMirrorConfig {
  return {
    piriod: loadFunctionPiriodConfig(env),
    store: loadStoreConfig(env),
    refreshQueue: loadRefreshQueueConfig(env),
    bus: loadBusConfig(env),
    schedule: loadFullMirrorSchedule(env),
  };
}

/** What `refresh-customers` (the refresh worker) is configured with. */
export interface RefreshWorkerConfig {
  piriod: FunctionPiriodConfig;
  store: StoreConfig;
  deadLetterQueue: QueueConfig;
}

/** Reads `refresh-customers`'s configuration. @throws ConfigError naming the first variable wrong. */
export function loadRefreshWorkerConfig(env: Env): RefreshWorkerConfig {
  return {
    piriod: loadFunctionPiriodConfig(env),
    store: loadStoreConfig(env),
    deadLetterQueue: loadDeadLetterQueueConfig(env),
  };
}

/** What `receive-webhook` is configured with: no Piriod access, only each workspace's secret. */
export interface ReceiverConfig {
  workspaces: WorkspaceConfig[];
  secrets: SecretsConfig;
  bus: BusConfig;
  /** Where refresh requests go when the bus refuses them (the bus rule's own target). */
  refreshQueue: QueueConfig;
}

/** Reads `receive-webhook`'s configuration. @throws ConfigError naming the first variable wrong. */
export function loadReceiverConfig(env: Env): ReceiverConfig {
  return {
    workspaces: loadWorkspaces(env),
    secrets: loadSecretsConfig(env),
    bus: loadBusConfig(env),
    refreshQueue: loadRefreshQueueConfig(env),
  };
}

/** What `publish-changes` (the change feed) is configured with. */
export interface ChangeFeedConfig {
  bus: BusConfig;
}

/** Reads `publish-changes`'s configuration. @throws ConfigError when `EVENT_BUS_NAME` is unset. */
export function loadChangeFeedConfig(env: Env): ChangeFeedConfig {
  return { bus: loadBusConfig(env) };
}

/** What a CLI run that mirrors (`full-mirror`, `refresh`, `verify`) is configured with. */
export interface CliMirrorConfig {
  /** Piriod for the one workspace of the run, with its token. */
  piriod: PiriodConfig;
  store: StoreConfig;
}

/** Reads a CLI mirroring run's configuration. @throws ConfigError naming the first variable wrong. */
export function loadCliMirrorConfig(env: Env): CliMirrorConfig {
  return { piriod: loadPiriodConfig(env), store: loadStoreConfig(env) };
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
