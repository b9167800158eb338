import { inMirrorScope, scopeClash } from '../../lib/customer/mirror-scope.js';
import type { CycleCounts, MirrorFailure, MirrorStatus } from '../../lib/customer/mirror-status.js';
import type { SyncedCustomer, SyncSource } from '../../lib/customer/record.js';
import { decideWrite, type StoredVersion } from '../../lib/customer/write-rule.js';
import type {
  Clock,
  CustomerPage,
  CustomerStore,
  CycleLease,
  LeaseClaim,
  LeaseHolder,
  LeaseOutcome,
  ListOptions,
  MirrorScope,
  MirrorStatusLog,
  PiriodReader,
  TombstoneResult,
  UpsertResult,
  VersionSnapshot,
} from '../../lib/ports.js';
import { systemClock } from '../../lib/ports.js';
import { ScopeClashError } from '../../lib/store/errors.js';

/** The stored versions of a scope, as the store's port hands them over. */
class MapSnapshot implements VersionSnapshot {
  private readonly versions = new Map<string, StoredVersion>();
  add(v: StoredVersion): void {
    this.versions.set(v.id, v);
  }
  get(id: string): StoredVersion | undefined {
    return this.versions.get(id);
  }
  liveIds(): string[] {
    return [...this.versions.values()].filter((v) => !v.deleted).map((v) => v.id);
  }
  get size(): number {
    return this.versions.size;
  }
}

/**
 * An in-memory CustomerStore applying the domain's write rule and scope rule, for fast unit
 * tests of use cases.
 */
export class MemoryStore implements CustomerStore {
  readonly items = new Map<string, SyncedCustomer>();
  writes = 0;

  async readVersions(ids: readonly string[]) {
    const out = new Map<string, StoredVersion>();
    for (const id of ids) {
      const item = this.items.get(id);
      if (item) out.set(id, item as StoredVersion);
    }
    return out;
  }

  async upsertMany(records: readonly SyncedCustomer[], known: Map<string, StoredVersion>) {
    const results = new Map<string, UpsertResult | Error>();
    for (const r of records) {
      // Whose the stored item is decides first, as the table's conditional write does.
      const held = this.items.get(r.id);
      const scope = { workspace: r.workspace, testMode: r.testMode };
      const clash = held && scopeClash(r.id, held, scope, 'write');
      if (clash) {
        results.set(r.id, new ScopeClashError(clash));
        continue;
      }
      const d = decideWrite(known.get(r.id), r);
      if (d === 'create' || d === 'update') {
        this.items.set(r.id, { ...r });
        this.writes++;
        results.set(r.id, d === 'create' ? 'created' : 'updated');
      } else results.set(r.id, d);
    }
    return results;
  }

  async tombstone(
    id: string,
    observedAt: string,
    source: SyncSource,
    scope: MirrorScope,
  ): Promise<TombstoneResult> {
    const item = this.items.get(id);
    if (!item) return 'absent';
    const clash = scopeClash(id, item, scope, 'tombstone');
    if (clash) throw new ScopeClashError(clash);
    if (item.deleted) return 'unchanged';
    this.items.set(id, {
      ...item,
      deleted: true,
      deletedAt: observedAt,
      syncedAt: observedAt,
      syncSource: source,
    });
    this.writes++;
    return 'deleted';
  }

  async *liveIds(scope?: MirrorScope): AsyncGenerator<string[]> {
    const ids = [...this.items.values()]
      .filter((i) => !i.deleted && inMirrorScope(i, scope))
      .map((i) => i.id);
    if (ids.length) yield ids;
  }

  async versionSnapshot(scope: MirrorScope): Promise<VersionSnapshot> {
    const snapshot = new MapSnapshot();
    for (const item of this.items.values()) {
      if (inMirrorScope(item, scope)) snapshot.add(versionOf(item));
    }
    return snapshot;
  }
}

/** The write-rule fields of an item (a snapshot keeps no customer data). */
function versionOf(item: SyncedCustomer): StoredVersion {
  const { id, updated, contentHash, fetchedAt, deleted, deletedAt, workspace, testMode } = item;
  return { id, updated, contentHash, fetchedAt, deleted, deletedAt, workspace, testMode };
}

/** An in-memory Piriod: pages of `pageSize` over `customers`, by-id lookups, a request log. */
export class MemoryPiriod implements PiriodReader {
  readonly requests: string[] = [];
  /** When set, every listing page fails with it (a revoked token, Piriod down). */
  failListing: Error | undefined;
  constructor(
    public customers: Record<string, unknown>[],
    private readonly pageSize = 2,
    private readonly onPage?: (page: number) => void,
  ) {}

  async getCustomer(id: string) {
    this.requests.push(`get ${id}`);
    const c = this.customers.find((x) => x.id === id);
    return c && structuredClone(c);
  }

  async *listCustomers(o: ListOptions = {}): AsyncGenerator<CustomerPage> {
    for (let page = o.startPage ?? 1; ; page++) {
      this.requests.push(`list ${page}`);
      if (this.failListing) throw this.failListing;
      const results = this.customers.slice((page - 1) * this.pageSize, page * this.pageSize);
      const last = page * this.pageSize >= this.customers.length;
      const requestedAt = (o.clock ?? systemClock).now().toISOString();
      yield {
        requestedAt,
        page,
        count: this.customers.length,
        results: structuredClone(results),
        nextPage: last ? undefined : page + 1,
      };
      this.onPage?.(page);
      if (last) return;
    }
  }
}

/**
 * A clock of the test's own: starts at `startIso` and moves `stepMs` forward on every
 * reading, so timestamps are distinct and predictable and no test shares time with another.
 */
export function steppingClock(startIso = '2026-01-01T00:00:00Z', stepMs = 1000): Clock {
  let now = Date.parse(startIso);
  return {
    now: () => {
      const at = new Date(now);
      now += stepMs;
      return at;
    },
  };
}

/**
 * An in-memory CycleLease with the DynamoDB adapter's rules: a claim takes a free or expired
 * lease, a renewal needs the same token, an unfinished cycle and the next invocation (or the
 * same one after a failure released it), a release ends it at `now`.
 */
export class MemoryCycleLease implements CycleLease {
  item: (LeaseHolder & { token?: string }) | undefined;
  /** Every claim, renewal and release, in order: what the lease cost in writes. */
  readonly calls: string[] = [];

  async acquire(claim: LeaseClaim): Promise<LeaseOutcome> {
    this.calls.push('acquire');
    const old = this.item;
    if (old?.token && !(old.expiresAt !== undefined && old.expiresAt <= claim.now)) {
      return { held: false, holder: holderOf(old) };
    }
    this.item = {
      token: claim.token,
      cycleStartedAt: claim.cycleStartedAt,
      invocation: claim.invocation,
      expiresAt: claim.expiresAt,
    };
    return old?.token && !old.completedAt
      ? { held: true, tookOverFrom: holderOf(old) }
      : { held: true };
  }

  async renew(claim: LeaseClaim): Promise<LeaseOutcome> {
    this.calls.push('renew');
    const old = this.item;
    const next = old?.invocation === claim.invocation - 1;
    const retried =
      old?.invocation === claim.invocation &&
      old.expiresAt !== undefined &&
      old.expiresAt <= claim.now;
    if (!old || old.token !== claim.token || old.completedAt || !(next || retried)) {
      return { held: false, holder: old && holderOf(old) };
    }
    old.invocation = claim.invocation;
    old.expiresAt = claim.expiresAt;
    return { held: true };
  }

  async release(token: string, now: string, completed: boolean): Promise<void> {
    this.calls.push(completed ? 'release (completed)' : 'release (failed)');
    if (this.item?.token !== token) return;
    this.item.expiresAt = now;
    if (completed) this.item.completedAt = now;
  }
}

function holderOf(item: LeaseHolder & { token?: string }): LeaseHolder {
  const { token: _token, ...holder } = item;
  return holder;
}

/** An in-memory status item of one scope, with the DynamoDB adapter's rules (each write sets only its own fields). */
export class MemoryMirrorStatus implements MirrorStatusLog {
  item: Omit<MirrorStatus, 'workspace' | 'testMode' | 'lastStartedAt'> & {
    lastStartedAt?: string;
  } = {};
  constructor(private readonly scope: MirrorScope = { workspace: 'acc_1' }) {}
  async started(at: string, schedulePeriodMinutes?: number): Promise<void> {
    this.item.lastStartedAt = at;
    if (schedulePeriodMinutes !== undefined)
      this.item.schedulePeriodMinutes = schedulePeriodMinutes;
  }
  async completed(at: string, counts: CycleCounts): Promise<void> {
    this.item.lastCompletedAt = at;
    this.item.lastCycle = { ...counts };
  }
  async failed(failure: MirrorFailure): Promise<void> {
    this.item.lastFailure = { ...failure };
  }
  async read(): Promise<MirrorStatus | undefined> {
    const { lastStartedAt, ...rest } = this.item;
    if (lastStartedAt === undefined) return undefined;
    return {
      workspace: this.scope.workspace,
      testMode: this.scope.testMode === true,
      lastStartedAt,
      ...rest,
    };
  }
}
