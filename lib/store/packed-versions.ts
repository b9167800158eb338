import type { StoredVersion } from '../customer/write-rule.js';
import type { MirrorScope, VersionSnapshot } from '../ports.js';
import { type IndexedVersion, versionShardOf } from './version-shard.js';

const SEP = '\t';

/**
 * A {@link VersionSnapshot} that keeps each version as one packed string, so 50,000 of them
 * hold a few megabytes rather than tens (one small object per customer costs far more).
 */
export class PackedVersions implements VersionSnapshot {
  private readonly packed = new Map<string, string>();

  /**
   * @param scope the workspace whose index shards the versions were read from, and the mode
   *   they were kept for: every entry is of that scope, so it is stored once, not per entry.
   */
  constructor(private readonly scope: MirrorScope) {}

  add(v: StoredVersion): void {
    const fields = [v.updated ?? '', v.contentHash ?? '', v.fetchedAt ?? '', v.deletedAt ?? ''];
    this.packed.set(v.id, `${v.deleted ? '1' : '0'}${fields.join(SEP)}`);
  }

  get(id: string): IndexedVersion | undefined {
    const p = this.packed.get(id);
    if (p === undefined) return undefined;
    const [updated, contentHash, fetchedAt, deletedAt] = p.slice(1).split(SEP);
    const v: IndexedVersion = { id };
    if (updated) v.updated = updated;
    if (contentHash) v.contentHash = contentHash;
    if (fetchedAt) v.fetchedAt = fetchedAt;
    if (p[0] === '1') v.deleted = true;
    if (deletedAt) v.deletedAt = deletedAt;
    // Entries come from the version index, so the item is in it, under its derived key.
    v.versionShard = versionShardOf(this.scope.workspace, id);
    v.workspace = this.scope.workspace;
    v.testMode = this.scope.testMode === true;
    return v;
  }

  liveIds(): string[] {
    const ids: string[] = [];
    for (const [id, p] of this.packed) if (p[0] !== '1') ids.push(id);
    return ids;
  }

  get size(): number {
    return this.packed.size;
  }
}
