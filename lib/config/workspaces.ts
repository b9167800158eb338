/**
 * The workspaces a function serves, with where each one's two secrets are: the list the stack
 * sets (`PIRIOD_WORKSPACES`) and its JSON maps of secrets, or, locally, one workspace.
 */
import { parseWorkspaceList, type Workspace, WorkspaceListError } from '../customer/workspaces.js';
import { ConfigError, type Env, type SecretLocation } from '../env-variables.js';
import { loadTestMode, requireWorkspace } from './piriod.js';
import { CHECKS, readVariables } from './variables.js';

/** A workspace as a function is configured with it: its id, its mode, where its secrets are. */
export interface WorkspaceConfig extends Workspace {
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
export function loadWorkspaceList(env: Env): Workspace[] | undefined {
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
 * `PIRIOD_WEBHOOK_SECRET_ARNS` (or, locally, `PIRIOD_API_TOKENS` and `PIRIOD_WEBHOOK_SECRETS`).
 * Without a list (`npm run dev` with one workspace), the workspace of `PIRIOD_WORKSPACE` and
 * `PIRIOD_TEST_MODE`. When there is one workspace, the plain `PIRIOD_API_TOKEN` and
 * `PIRIOD_WEBHOOK_SECRET` apply to it as well.
 *
 * @throws ConfigError on a malformed list or map, or a map naming a workspace not listed.
 */
export function loadWorkspaces(env: Env): WorkspaceConfig[] {
  const workspaces = loadWorkspaceList(env) ?? [singleWorkspace(env)];
  const ids = workspaces.map((w) => w.id);
  const maps = {
    tokens: secretMap(env, 'PIRIOD_API_TOKENS', ids),
    tokenArns: secretMap(env, 'PIRIOD_API_TOKEN_SECRET_ARNS', ids),
    webhook: secretMap(env, 'PIRIOD_WEBHOOK_SECRETS', ids),
    webhookArns: secretMap(env, 'PIRIOD_WEBHOOK_SECRET_ARNS', ids),
  };
  const single = workspaces.length === 1;
  const plain = (name: string, map: Record<string, string>, id: string) =>
    map[id] ?? (single ? env[name]?.trim() || undefined : undefined);
  return workspaces.map(({ id, testMode }) => ({
    id,
    testMode,
    apiToken: {
      plain: plain('PIRIOD_API_TOKEN', maps.tokens, id),
      arn: maps.tokenArns[id],
      names: {
        plain: single ? 'PIRIOD_API_TOKEN' : `PIRIOD_API_TOKENS.${id}`,
        arn: `PIRIOD_API_TOKEN_SECRET_ARNS.${id}`,
      },
    },
    webhookSecret: {
      plain: plain('PIRIOD_WEBHOOK_SECRET', maps.webhook, id),
      arn: maps.webhookArns[id],
      names: {
        plain: single ? 'PIRIOD_WEBHOOK_SECRET' : `PIRIOD_WEBHOOK_SECRETS.${id}`,
        arn: `PIRIOD_WEBHOOK_SECRET_ARNS.${id}`,
      },
    },
  }));
}

/** The one workspace of `PIRIOD_WORKSPACE` and `PIRIOD_TEST_MODE`, when no list is set. */
function singleWorkspace(env: Env): Workspace {
  const id = requireWorkspace(env);
  const testMode = loadTestMode(env);
  readVariables({ PIRIOD_WORKSPACE: id }, { PIRIOD_WORKSPACE: CHECKS.workspaceId });
  return { id, testMode };
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
