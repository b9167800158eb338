/**
 * The condition expressions of the customers table's writes: a write lands only on the
 * version it was decided against, and only on an item of its own scope (workspace and mode).
 */
import type { MirrorScope } from '../customer/mirror-scope.js';
import type { SyncedCustomer } from '../customer/record.js';
import type { StoredVersion } from '../customer/write-rule.js';

/** Fields a conditional write checks so it only lands on the version it decided against. */
const GUARDED = ['updated', 'contentHash', 'fetchedAt', 'deleted'] as const;

/** The workspace and mode a record is written for. */
export function scopeOf(record: SyncedCustomer): MirrorScope {
  return { workspace: record.workspace, testMode: record.testMode };
}

/**
 * The condition that an item belongs to `scope` (adding its names and values): its
 * workspace — for a write, items from before workspaces were stored count as any — and its
 * mode, an item without `testMode` being live. The same rule as `scopeClash`.
 */
export function scopeCondition(
  scope: MirrorScope,
  names: Record<string, string>,
  values: Record<string, unknown>,
  action: 'write' | 'tombstone',
): string {
  names['#workspace'] = 'workspace';
  names['#testMode'] = 'testMode';
  values[':workspace'] = scope.workspace;
  values[':testMode'] = scope.testMode === true;
  const workspace =
    action === 'write'
      ? '(attribute_not_exists(#workspace) OR #workspace = :workspace)'
      : '#workspace = :workspace';
  const mode = scope.testMode
    ? '#testMode = :testMode'
    : '(attribute_not_exists(#testMode) OR #testMode = :testMode)';
  return `${workspace} AND ${mode}`;
}

/**
 * Condition: the item is exactly the version the decision was made against, and belongs to
 * `scope` (see {@link scopeCondition}).
 */
export function guard(stored: StoredVersion | undefined, scope: MirrorScope) {
  if (!stored) {
    return {
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': 'id' },
    };
  }
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = GUARDED.map((f) => {
    names[`#${f}`] = f;
    const v = stored[f];
    if (v === undefined) return `attribute_not_exists(#${f})`;
    values[`:${f}`] = v;
    return `#${f} = :${f}`;
  });
  parts.push(scopeCondition(scope, names, values, 'write'));
  return {
    ConditionExpression: parts.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
