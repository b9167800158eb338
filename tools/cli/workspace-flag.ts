/**
 * `--workspace W`: the Piriod workspace a command works on, instead of `PIRIOD_WORKSPACE`.
 * Accepted by the commands that call Piriod or act for one workspace (`full-mirror`,
 * `refresh`, `sync`, `verify`, `doctor`, `request-refresh`, `send-webhook`), before or after the command name.
 */
import { loadWorkspaceList } from '../../lib/config.js';
import { WORKSPACE_ID } from '../../lib/customer/workspaces.js';
import { type Env, flagValue } from '../../lib/env-variables.js';
import { UsageError } from './errors.js';

/** The parseArgs option of the flag, for the commands that take it. */
export const WORKSPACE_OPTION = { workspace: { type: 'string' } } as const;

/** The flag's line in a command's `--help`. */
export const WORKSPACE_HELP =
  '  --workspace W  the Piriod workspace (acc_…) to work on; default PIRIOD_WORKSPACE';

/**
 * Moves a `--workspace W` (or `--workspace=W`) given before the command name after it, so the
 * flag is global (`piriod-mirror --workspace acc_B full-mirror`) while each command's strict parser
 * decides whether it takes one.
 */
export function hoistWorkspaceFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  const moved: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--workspace' && i + 1 < argv.length) {
      moved.push(token, argv[++i] as string);
    } else if (token.startsWith('--workspace=')) {
      moved.push(token);
    } else {
      break;
    }
  }
  const [name, ...rest] = argv.slice(i);
  if (name === undefined) return [...argv];
  out.push(name, ...moved, ...rest);
  return out;
}

/**
 * The environment a command runs with when `--workspace` names `flag`: `PIRIOD_WORKSPACE` set
 * to it and, when the maps of a local several-workspace run are set (`npm run dev --
 * --workspaces 2` exports them), that workspace's `PIRIOD_API_TOKEN`, `PIRIOD_WEBHOOK_SECRET`
 * and test mode from `PIRIOD_API_TOKENS`, `PIRIOD_WEBHOOK_SECRETS` and `PIRIOD_WORKSPACES`.
 * Without the flag, `env` as it is.
 *
 * @throws UsageError (exit 2) when the flag is not a workspace id, the workspace is not in
 *   `PIRIOD_WORKSPACES`, or a map is not a JSON object (its value never shown: it holds secrets).
 */
export function workspaceEnv(flag: string | undefined, env: Env, command: string): Env {
  if (flag === undefined) return env;
  const workspace = flag.trim();
  if (!WORKSPACE_ID.test(workspace)) {
    const shown = workspace.length > 40 ? `${workspace.slice(0, 40)}…` : workspace;
    throw new UsageError(
      `${command}: --workspace must be a Piriod workspace id (acc_…: letters, digits, _ and -), got ${JSON.stringify(shown)}`,
    );
  }
  const out: Env = { ...env, PIRIOD_WORKSPACE: workspace };
  const list = loadWorkspaceList(env);
  if (list) {
    const entry = list.find((w) => w.id === workspace);
    if (!entry) {
      throw new UsageError(
        `${command}: --workspace ${workspace} is not in PIRIOD_WORKSPACES (${list.map((w) => w.id).join(', ')})`,
      );
    }
    out.PIRIOD_TEST_MODE = String(entry.testMode);
  }
  const token = fromMap(env, 'PIRIOD_API_TOKENS', workspace);
  if (token) out.PIRIOD_API_TOKEN = token;
  const secret = fromMap(env, 'PIRIOD_WEBHOOK_SECRETS', workspace);
  if (secret) out.PIRIOD_WEBHOOK_SECRET = secret;
  return out;
}

/** `workspace`'s value in the JSON object of `name`, when the variable is set. */
function fromMap(env: Env, name: string, workspace: string): string | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch {
    map = undefined;
  }
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw new UsageError(`${name} must be a JSON object from workspace id to value`);
  }
  const value = (map as Record<string, unknown>)[workspace];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** `PIRIOD_TEST_MODE` as a mode (unset: live). @throws UsageError on a value that is no flag. */
export function testModeOf(env: Env): boolean {
  const value = env.PIRIOD_TEST_MODE?.trim();
  if (!value) return false;
  const mode = flagValue(value);
  if (mode === undefined)
    throw new UsageError(`PIRIOD_TEST_MODE must be true or false, got ${JSON.stringify(value)}`);
  return mode;
}
