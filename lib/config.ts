/**
 * Configuration from the environment, read once at each entry point. Every loader validates
 * what it needs and throws a {@link ConfigError} naming the variable and what to set it to.
 * Loaders take the environment as an argument: only the entry points (each function's
 * handler module, the CLI's commands, `npm start`, `npm run dev`, the package's
 * `createDocumentClient`) hand them `process.env`, and everything below them — composition,
 * adapters, use cases — takes the typed values these return, never an environment.
 *
 * The pieces (`lib/config/`: Piriod, workspaces, the AWS side) are shared; each function and
 * CLI run has one loader here that reads exactly what it needs, in the order its failures
 * should be reported. The vocabulary (`Workspace`, `WorkspaceConfig`, `PiriodConnection`,
 * `PiriodConfig`, `PiriodWorkspacesConfig`) is in docs/architecture.md.
 */

import {
  type BusConfig,
  loadBusConfig,
  loadQueueConfig,
  loadSecretsConfig,
  loadStoreConfig,
  type QueueConfig,
  type SecretsConfig,
  type StoreConfig,
} from './config/aws.js';
import {
  loadPiriodConfig,
  loadPiriodConnection,
  type PiriodConfig,
  type PiriodConnection,
} from './config/piriod.js';
import { CHECKS, readVariables, wholeNumber } from './config/variables.js';
import { loadWorkspaces, type WorkspaceConfig } from './config/workspaces.js';
import { DEFAULT_SCHEDULE_MINUTES } from './customer/mirror-status.js';
import type { Env } from './env-variables.js';

export {
  type AwsEndpoints,
  type BusConfig,
  loadAwsEndpoints,
  loadBusConfig,
  loadStoreConfig,
  type QueueConfig,
  type SecretsConfig,
  type StoreConfig,
} from './config/aws.js';
export {
  checkPiriodVariables,
  loadPiriodConfig,
  loadPiriodConnection,
  loadTestMode,
  type PiriodConfig,
  type PiriodConnection,
} from './config/piriod.js';
export { loadWorkspaceList, loadWorkspaces, type WorkspaceConfig } from './config/workspaces.js';
export { ConfigError, type Env } from './env-variables.js';

/**
 * What a function's `PiriodWorkspaces` port (`lib/ports.ts`) is built from: how Piriod is reached, every
 * workspace the function serves, and where their secrets are read.
 */
export interface PiriodWorkspacesConfig {
  connection: PiriodConnection;
  workspaces: WorkspaceConfig[];
  secrets: SecretsConfig;
}

/** Reads a function's Piriod. @throws ConfigError as {@link loadWorkspaces} does. */
function loadPiriodWorkspacesConfig(env: Env): PiriodWorkspacesConfig {
  return {
    connection: loadPiriodConnection(env),
    workspaces: loadWorkspaces(env),
    secrets: loadSecretsConfig(env),
  };
}

/** How `full-mirror` is scheduled. */
export interface FullMirrorSchedule {
  /** The schedule's period (`FULL_MIRROR_SCHEDULE_MINUTES`, set by the stack; default 15). */
  periodMinutes: number;
}

/** Reads the full-mirror schedule. @throws ConfigError on a malformed value. */
function loadFullMirrorSchedule(env: Env): FullMirrorSchedule {
  const e = readVariables(env, { FULL_MIRROR_SCHEDULE_MINUTES: CHECKS.wholeNumber });
  const minutes = wholeNumber(e.FULL_MIRROR_SCHEDULE_MINUTES, DEFAULT_SCHEDULE_MINUTES);
  return { periodMinutes: Math.max(1, minutes) };
}

/** What `full-mirror` is configured with. */
export interface FullMirrorConfig {
  piriod: PiriodWorkspacesConfig;
  store: StoreConfig;
  refreshQueue: QueueConfig;
  bus: BusConfig;
  schedule: FullMirrorSchedule;
}

/** Reads `full-mirror`'s configuration. @throws ConfigError naming the first variable wrong. */
export function loadFullMirrorConfig(env: Env): FullMirrorConfig {
  return {
    piriod: loadPiriodWorkspacesConfig(env),
    store: loadStoreConfig(env),
    refreshQueue: loadQueueConfig(env, 'REFRESH_QUEUE_URL'),
    bus: loadBusConfig(env),
    schedule: loadFullMirrorSchedule(env),
  };
}

/** What `refresh-customers` (the refresh worker) is configured with. */
export interface RefreshWorkerConfig {
  piriod: PiriodWorkspacesConfig;
  store: StoreConfig;
  deadLetterQueue: QueueConfig;
}

/** Reads `refresh-customers`'s configuration. @throws ConfigError naming the first variable wrong. */
export function loadRefreshWorkerConfig(env: Env): RefreshWorkerConfig {
  return {
    piriod: loadPiriodWorkspacesConfig(env),
    store: loadStoreConfig(env),
    deadLetterQueue: loadQueueConfig(env, 'DEAD_LETTER_QUEUE_URL'),
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
    refreshQueue: loadQueueConfig(env, 'REFRESH_QUEUE_URL'),
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
  /** Piriod for the single workspace this run works on, with its token. */
  piriod: PiriodConfig;
  store: StoreConfig;
}

/** Reads a CLI mirroring run's configuration. @throws ConfigError naming the first variable wrong. */
export function loadCliMirrorConfig(env: Env): CliMirrorConfig {
  return { piriod: loadPiriodConfig(env), store: loadStoreConfig(env) };
}
