/** Composition: the Piriod client from its configuration (CLI and Lambda). */

import type {
  FunctionPiriodConfig,
  PiriodConfig,
  PiriodSettings,
  WorkspaceConfig,
} from '../config.js';
import { type AttemptInfo, PiriodClient } from '../piriod/client.js';
import type { PiriodWorkspaces, TokenSource, WorkspacePiriod } from '../ports.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';
import { secretsOf } from './secrets.js';

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

/** Piriod for one workspace, the token included (the CLI, `npm start`). */
export function piriodOf(config: PiriodConfig): { settings: PiriodSettings; client: PiriodClient } {
  const { token, ...settings } = config;
  return { settings, client: piriodClient(settings, token) };
}

/** A function's Piriod workspaces, with the settings they were built from. */
export interface LambdaWorkspaces extends PiriodWorkspaces {
  /** The configured workspaces (ids, modes, where their secrets are). */
  readonly configs: readonly WorkspaceConfig[];
  /** Piriod requests by id in flight at once per workspace (`PIRIOD_CONCURRENCY`). */
  readonly concurrency: number;
}

/**
 * Piriod for a Lambda: every configured workspace (`piriod.workspaces`), each with its own
 * client and token (Secrets Manager, cached, re-read on a 401). A workspace's token is read
 * when the workspace is first opened, so a missing secret fails that workspace's work with
 * the command that fixes it, and never another's; a failed open is tried again next time.
 * `budget` bounds the secret reads.
 */
export function piriodWorkspacesForLambda(
  piriod: FunctionPiriodConfig,
  onAttempt?: (a: AttemptInfo, workspace: string) => void,
  budget?: SdkBudget,
): LambdaWorkspaces {
  const { connection, workspaces: configs } = piriod;
  const secrets = secretsOf(piriod.secrets, budget);
  const opened = new Map<string, Promise<WorkspacePiriod>>();
  const open = async (config: WorkspaceConfig): Promise<WorkspacePiriod> => {
    const token = secrets.apiToken(config.apiToken);
    await token.get();
    const settings = { ...connection, workspace: config.id, testMode: config.testMode };
    return {
      piriod: piriodClient(settings, token, onAttempt && ((a) => onAttempt(a, config.id))),
      workspace: config.id,
      testMode: config.testMode,
    };
  };
  return {
    configs,
    ids: configs.map((c) => c.id),
    concurrency: connection.concurrency,
    open: (id) => {
      const config = configs.find((c) => c.id === id);
      if (!config) return Promise.reject(new Error(`workspace ${id} is not configured`));
      let p = opened.get(id);
      if (!p) {
        p = open(config);
        opened.set(id, p);
        p.catch(() => opened.delete(id));
      }
      return p;
    },
  };
}
