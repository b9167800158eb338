/**
 * Piriod workspaces: the `x-simple-workspace` id every request is keyed to, and the list a
 * deployment mirrors (`acc_A,acc_B:test`). One parser for the stack's context
 * (`-c workspaces=…`) and the functions' environment (`PIRIOD_WORKSPACES`), so the two read
 * the same list the same way.
 */

/** A workspace id as Piriod issues them (`acc_…`): letters, digits, `_` and `-`. */
export const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The most workspaces one deployment mirrors (each adds a schedule, two secrets and an alarm).
 * Bound by Lambda's 4 KB of environment per function: full-mirror carries the list and a JSON
 * map of every workspace's token secret ARN, and with ids of the longest form (64 characters,
 * `:test`) in the longest partition and region ten take about 3.7 KB, eleven about 4 KB
 * (test/infra/deployability.test.ts measures it).
 */
export const MAX_WORKSPACES = 10;

/**
 * A Piriod workspace a deployment or command mirrors: its id, and whether its test-mode data
 * is read (the mode). Where its secrets are is configuration's `WorkspaceConfig`.
 */
export interface Workspace {
  id: string;
  testMode: boolean;
}

/** A workspace list that cannot be read; the message says what is wrong, not where it came from. */
export class WorkspaceListError extends Error {
  override readonly name = 'WorkspaceListError';
}

/** Whether `id` is a well-formed workspace id. */
export function isWorkspaceId(id: unknown): id is string {
  return typeof id === 'string' && WORKSPACE_ID.test(id);
}

/**
 * Reads `acc_A,acc_B:test,…`: each entry a workspace id, optionally `:test` for its
 * test-mode data (`:live` is the default, spelled out or not).
 *
 * @throws WorkspaceListError on an empty list or entry, a malformed id or mode, a duplicate,
 *   or more than {@link MAX_WORKSPACES}.
 */
export function parseWorkspaceList(text: string): Workspace[] {
  const raw = text.split(',').map((e) => e.trim());
  if (raw.every((e) => e === '')) throw new WorkspaceListError('is empty: list acc_A,acc_B,…');
  const out: Workspace[] = [];
  for (const [i, entry] of raw.entries()) {
    if (entry === '') throw new WorkspaceListError(`has an empty entry (position ${i + 1})`);
    const [id = '', mode, ...rest] = entry.split(':');
    if (!isWorkspaceId(id) || rest.length > 0) {
      throw new WorkspaceListError(
        `has ${JSON.stringify(entry)}, which is not a workspace id (acc_…, letters, digits, _ and -), optionally :test`,
      );
    }
    if (mode !== undefined && mode !== 'test' && mode !== 'live') {
      throw new WorkspaceListError(
        `has ${JSON.stringify(entry)}: the mode after ":" must be test or live`,
      );
    }
    if (out.some((w) => w.id === id)) {
      throw new WorkspaceListError(`names ${id} twice: each workspace once`);
    }
    out.push({ id, testMode: mode === 'test' });
  }
  if (out.length > MAX_WORKSPACES) {
    throw new WorkspaceListError(
      `names ${out.length} workspaces: at most ${MAX_WORKSPACES} per deployment`,
    );
  }
  return out;
}

/** The list back as text (`acc_A,acc_B:test`), as {@link parseWorkspaceList} reads it. */
export function formatWorkspaceList(list: readonly Workspace[]): string {
  return list.map((w) => (w.testMode ? `${w.id}:test` : w.id)).join(',');
}

/**
 * Which configured workspace a message, event or request is for: the named one when it is
 * configured; the only one when none is named and there is one; otherwise why not.
 */
export function resolveWorkspace(
  configured: readonly string[],
  named: string | undefined,
): { workspace: string } | { problem: 'unknown' | 'missing'; reason: string } {
  if (named === undefined || named === '') {
    const [only] = configured;
    if (configured.length === 1 && only) return { workspace: only };
    return {
      problem: 'missing',
      reason: `no workspace given, and this deployment mirrors ${configured.length}: name one of ${configured.join(', ')}`,
    };
  }
  if (configured.includes(named)) return { workspace: named };
  return { problem: 'unknown', reason: notMirrored(named, configured) };
}

/**
 * A workspace that the deployment does not mirror was asked for by a caller that should have
 * resolved it first ({@link resolveWorkspace}): the ports that serve workspaces by id throw it.
 */
export class UnknownWorkspaceError extends Error {
  override readonly name = 'UnknownWorkspaceError';

  constructor(named: string, configured: readonly string[]) {
    super(notMirrored(named, configured));
  }
}

/** The one wording of "workspace X is not one of this deployment's". */
function notMirrored(named: string, configured: readonly string[]): string {
  return `workspace ${JSON.stringify(named.slice(0, 80))} is not mirrored by this deployment (${configured.join(', ')})`;
}
