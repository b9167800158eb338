/** Which customers a mirror is responsible for. */
export interface MirrorScope {
  workspace: string;
  /**
   * Test-mode or live data (Piriod serves each only with or without `x-piriod-test-mode`).
   * Items without a `testMode` attribute belong to either.
   */
  testMode?: boolean;
}

/**
 * Whether a stored customer belongs to `scope` (every customer when there is none): its
 * workspace, and its mode unless either leaves the mode open. One rule for the table and for
 * the in-memory stores of tests, so a mirror never re-checks, and so never tombstones,
 * customers it cannot see.
 */
export function inMirrorScope(
  item: { workspace?: unknown; testMode?: unknown },
  scope: MirrorScope | undefined,
): boolean {
  if (!scope) return true;
  if (item.workspace !== scope.workspace) return false;
  const mode = item.testMode;
  return scope.testMode === undefined || mode === undefined || mode === scope.testMode;
}
