/** Composition: the Piriod client from its configuration (CLI and Lambda). */

import { once } from '../concurrency/once.js';
import type { PiriodConfig, PiriodConnection, PiriodWorkspacesConfig } from '../config.js';
import { UnknownWorkspaceError, type Workspace } from '../customer/workspaces.js';
import { type AttemptInfo, PiriodClient } from '../piriod/client.js';
import type { PiriodWorkspaces, TokenSource, WorkspacePiriod } from '../ports.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';
import { secretsOf } from './secrets.js';

/** The Piriod client of `workspace`, with `token` (a string, or a re-readable secret). */
export function piriodClient(
  connection: PiriodConnection,
  workspace: Workspace,
  token: string | TokenSource,
  onAttempt?: (a: AttemptInfo) => void,
): PiriodClient {
  return new PiriodClient({
    baseUrl: connection.baseUrl,
    token,
    workspace: workspace.id,
    testMode: workspace.testMode,
    timeoutMs: connection.timeoutMs,
    retry: { maxAttempts: connection.maxAttempts },
    pace: { requestsPerSecond: connection.requestsPerSecond, concurrency: connection.concurrency },
    onAttempt,
  });
}

/** Piriod for one workspace (the CLI, `npm start`): the client, and the settings without the token. */
export function piriodOf(config: PiriodConfig): {
  client: PiriodClient;
  connection: PiriodConnection;
  workspace: Workspace;
} {
  const { connection, workspace, token } = config;
  return { client: piriodClient(connection, workspace, token), connection, workspace };
}

/**
 * Piriod for a Lambda: every configured workspace (`piriod.workspaces`), each with its own
 * client and token (Secrets Manager, cached, re-read on a 401). A workspace's token is read
 * when the workspace is first opened, so a missing secret fails that workspace's work with
 * the command that fixes it, and never another's; a failed open is tried again next time.
 * `budget` bounds the secret reads.
 */
export function piriodWorkspacesForLambda(
  piriod: PiriodWorkspacesConfig,
  onAttempt?: (a: AttemptInfo, workspace: string) => void,
  budget?: SdkBudget,
): PiriodWorkspaces {
  const { connection, workspaces } = piriod;
  const ids = workspaces.map((w) => w.id);
  const secrets = secretsOf(piriod.secrets, budget);
  const opened = new Map(
    workspaces.map((workspace) => [
      workspace.id,
      once(async (): Promise<WorkspacePiriod> => {
        const token = secrets.apiToken(workspace.apiToken);
        await token.get();
        const report = onAttempt && ((a: AttemptInfo) => onAttempt(a, workspace.id));
        return {
          piriod: piriodClient(connection, workspace, token, report),
          workspace: workspace.id,
          testMode: workspace.testMode,
        };
      }),
    ]),
  );
  return {
    ids,
    open: (id) => opened.get(id)?.() ?? Promise.reject(new UnknownWorkspaceError(id, ids)),
  };
}
