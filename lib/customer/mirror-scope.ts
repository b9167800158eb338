/** Which customers a mirror is responsible for: one workspace, in one mode. */
export interface MirrorScope {
  workspace: string;
  /**
   * Test-mode or live data (Piriod serves each only with or without `x-piriod-test-mode`).
   * Absent means live, as an item without a `testMode` attribute is live.
   */
  testMode?: boolean;
}

/** Whose a stored customer is, as far as the table says (either may be missing). */
export interface ScopeMarks {
  workspace?: unknown;
  testMode?: unknown;
}

/**
 * Whether a stored customer belongs to `scope` (every customer when there is none): the same
 * workspace and the same mode, an item without `testMode` being live. One rule for the table
 * and for the in-memory stores of tests, so a mirror never re-checks, and so never
 * tombstones, customers it cannot see (Piriod answers 404 for the other mode's customers).
 */
export function inMirrorScope(item: ScopeMarks, scope: MirrorScope | undefined): boolean {
  if (!scope) return true;
  return item.workspace === scope.workspace && modeOf(item) === modeOf(scope);
}

/**
 * Why a write or tombstone of `scope` must not land on the stored customer `id`, or
 * `undefined` when it may: the item is another workspace's, or the other mode's. The key is
 * Piriod's globally unique id, so a clash means a request reached the wrong mirror (a test
 * webhook sent to a live endpoint, a refresh for the wrong workspace), and overwriting or
 * tombstoning would destroy the other scope's data. An item without a workspace (written
 * before workspaces were stored) is any workspace's to write, no workspace's to tombstone.
 *
 * @example
 * scopeClash('cus_1', { workspace: 'acc_X', testMode: true }, { workspace: 'acc_X' }, 'write');
 * // 'customer cus_1 is mirrored for workspace acc_X in test mode; this write is for workspace acc_X live, …'
 */
export function scopeClash(
  id: string,
  stored: ScopeMarks,
  scope: MirrorScope,
  action: 'write' | 'tombstone',
): string | undefined {
  // Only a write may take over an item from before workspaces were stored; a 404 of one
  // workspace says nothing about an item of unknown workspace.
  const anyWorkspace = stored.workspace === undefined && action === 'write';
  const otherWorkspace = !anyWorkspace && stored.workspace !== scope.workspace;
  if (!otherWorkspace && modeOf(stored) === modeOf(scope)) return undefined;
  const consequence =
    action === 'write' ? 'it is left as it is' : "Piriod's 404 there does not delete it";
  return `customer ${id} is mirrored for ${describeScope(stored)}; this ${action} is for ${describeScope(scope)}, so ${consequence}`;
}

/** `workspace acc_X in test mode` / `workspace acc_X live`. */
function describeScope(s: ScopeMarks): string {
  const workspace = s.workspace === undefined ? 'no workspace' : `workspace ${String(s.workspace)}`;
  return `${workspace} ${modeOf(s) ? 'in test mode' : 'live'}`;
}

/** The mode of an item or scope: test only when `testMode` is true, live otherwise. */
function modeOf(s: ScopeMarks): boolean {
  return s.testMode === true;
}
