import type { CustomerRecord, SyncSource } from '../customer/record.js';
import type { StoredVersion } from './write-rule.js';

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
 * What the table holds for the customers of one scope, read once per full mirror from the
 * narrow version index (eventually consistent; the conditional writes guard against a stale
 * entry). Tombstones are in it (a customer that comes back must revive its tombstone).
 */
export interface VersionSnapshot {
  /** The stored version of `id`, or `undefined` when the snapshot does not hold it. */
  get(id: string): StoredVersion | undefined;
  /** Ids of the customers in scope that are not tombstones. */
  liveIds(): string[];
  readonly size: number;
}

/** Result of writing one customer by the write rule. */
export type UpsertResult = 'created' | 'updated' | 'unchanged' | 'stale';

/** Result of recording that Piriod no longer has a customer. */
export type TombstoneResult = 'deleted' | 'unchanged' | 'absent' | 'stale';

/**
 * The port the sync use cases write through. The DynamoDB adapter is the real one; tests may
 * use an in-memory one.
 */
export interface CustomerStore {
  /** Reads the write-rule fields of many customers at once; absent ids are missing from the map. */
  readVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>>;
  /**
   * Writes each record whose decision (against `known`, the versions read before) is a
   * write, conditionally, so a concurrent newer write is never overwritten.
   */
  upsertMany(
    records: readonly CustomerRecord[],
    known: Map<string, StoredVersion>,
  ): Promise<Map<string, UpsertResult | Error>>;
  /** Marks a customer deleted (keeping its last data) unless it was fetched after `observedAt`. */
  tombstone(id: string, observedAt: string, source: SyncSource): Promise<TombstoneResult>;
  /**
   * Pages through the ids of customers that are not tombstones — within `scope` when given
   * (a workspace, and test or live mode), so a mirror never re-checks, and so never
   * tombstones, customers it cannot see.
   */
  liveIds(scope?: MirrorScope): AsyncIterable<string[]>;
  /** Reads the versions of every customer in `scope` at once (see {@link VersionSnapshot}). */
  versionSnapshot(scope: MirrorScope): Promise<VersionSnapshot>;
}
