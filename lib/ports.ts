/**
 * The ports: every interface through which the use cases reach the outside world — Piriod,
 * the customers table, the bus, the queues, secrets and the clock. Adapters (`lib/piriod`,
 * `lib/store`, `lib/aws`) implement them; tests use in-memory ones (`test/support`). What a
 * use case decides on is part of the port too: a not-found result, and the kind of a failure
 * ({@link PortError}), which the adapters' errors extend. Nothing here has behaviour but
 * {@link systemClock} and the failures.
 */
import type { MirrorScope } from './customer/mirror-scope.js';
import type {
  CycleCounts,
  MirrorCompletedDetail,
  MirrorFailedDetail,
  MirrorFailure,
  MirrorStatus,
} from './customer/mirror-status.js';
import type { SyncedCustomer, SyncSource } from './customer/record.js';
import type { StoredVersion } from './customer/write-rule.js';

export type { MirrorScope } from './customer/mirror-scope.js';

// Failures: FailureKind, PortError and isFailure live with the product's base error.
export { type FailureKind, isFailure, PortError } from './errors.js';

// Time

/** The time source; injected so tests control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// Piriod

/** One page of `GET /customers/`. Entries are raw wire objects, not yet validated. */
export interface CustomerPage {
  page: number;
  /** Total customers Piriod reported for the listing. */
  count: number | undefined;
  results: unknown[];
  /** Page number of the next page, or `undefined` on the last one. */
  nextPage: number | undefined;
  /** Piriod's `next` link, as given (on Piriod's origin). */
  nextUrl?: URL;
  /**
   * When the request that read this page was sent (ISO): its entries are at least this fresh
   * and never fresher, however long the page then waited to be used (pages are read ahead).
   */
  requestedAt: string;
}

/** The subset of the Piriod API the mirror reads. */
export interface PiriodReader {
  /**
   * `GET /customers/{id}/`: the raw wire customer (an object, not yet validated), or
   * `undefined` when Piriod has no such customer (a 404: deleted, or of another workspace).
   *
   * @throws PortError — `deadline` when no attempt could finish in `options.timeLeftMs`,
   *   `credentials-rejected`, or another kind.
   */
  getCustomer(id: string, options?: RequestOptions): Promise<object | undefined>;
  /** `GET /customers/?page=…`, page after page until `next` is null. */
  listCustomers(options?: ListOptions): AsyncIterable<CustomerPage>;
}

/** One workspace's Piriod: the reader keyed to it and the scope of its data. */
export interface WorkspacePiriod {
  piriod: PiriodReader;
  workspace: string;
  testMode: boolean;
}

/**
 * The Piriod workspaces a deployment mirrors. Each workspace has its own token, so one that
 * cannot be read (a missing secret) fails only that workspace's work.
 */
export interface PiriodWorkspaces {
  /** The configured workspace ids, in order. */
  readonly ids: readonly string[];
  /** The reader of a configured workspace; rejects when its token cannot be read. */
  open(id: string): Promise<WorkspacePiriod>;
}

/** Limits of one request by id. */
export interface RequestOptions {
  /**
   * Ms from the call by which the request must be over (what is left of an invocation's
   * time): an attempt that could not finish by then is not started, and no retry wait passes
   * it. Relative, so the caller's clock and the client's need not be the same one.
   */
  timeLeftMs?: number;
}

export interface ListOptions {
  /** First page to read (1-based); lets a cut-short run resume. Default 1. */
  startPage?: number;
  /** Page size, at most 100 (Piriod's maximum). Default 100. */
  pageSize?: number;
  /** Pages fetched ahead of the consumer, at most. Default: the pace's concurrency. */
  prefetch?: number;
  /** The clock that stamps each page's `requestedAt` (the caller's, so stamps compare). */
  clock?: Clock;
}

/**
 * Where a rotating token comes from (a Secrets Manager secret in AWS). Piriod invalidates
 * the old token the moment a new one is generated, so a 401 may only mean "re-read me".
 */
export interface TokenSource {
  /** The current token (may be cached for a bounded time). */
  get(): Promise<string>;
  /** Re-reads the token, bypassing any cache. */
  refresh(): Promise<string>;
}

/** A webhook notification's body: its raw text and the JSON object it parses to. */
export interface WebhookBody {
  text: string;
  fields: Record<string, unknown>;
}

/** How a webhook notification is signed (Piriod's rule: `lib/piriod/signature.ts`). */
export interface WebhookSignatures {
  /** Whether a header has a signature's syntax: checked before any secret is read. */
  wellFormed(signature: string | undefined): signature is string;
  /** Whether `signature` signs `body` with `secret`; constant time, and never throws. */
  verify(body: WebhookBody, signature: string, secret: string): boolean;
}

/**
 * A secret that can be re-read after a rotation (a Secrets Manager secret in AWS), e.g. the
 * webhook's signing secret.
 */
export type RefreshableSecret = TokenSource;

// The customers table

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
 * The port the full mirror and the refreshes write through. The DynamoDB adapter is the real one; tests may
 * use an in-memory one. A failure that means no write can succeed (the table unreachable) is
 * a {@link PortError} of kind `unavailable`.
 */
export interface CustomerStore {
  /** Reads the write-rule fields of many customers at once; absent ids are missing from the map. */
  readVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>>;
  /**
   * Writes each record whose decision (against `known`, the versions read before) is a
   * write, conditionally, so a concurrent newer write is never overwritten. A record whose
   * item is another workspace's or the other mode's (the record's `workspace` and
   * `testMode`) gets a permanent error saying so, never `unchanged` or `stale`.
   */
  upsertMany(
    records: readonly SyncedCustomer[],
    known: Map<string, StoredVersion>,
  ): Promise<Map<string, UpsertResult | Error>>;
  /**
   * Marks a customer of `scope` deleted (keeping its last data) unless it was fetched after
   * `observedAt`.
   *
   * @throws PortError — a permanent one when the item is another workspace's or the other
   *   mode's (that scope's 404 says nothing about it), with the clash as its message.
   */
  tombstone(
    id: string,
    observedAt: string,
    source: SyncSource,
    scope: MirrorScope,
  ): Promise<TombstoneResult>;
  /**
   * Pages through the ids of customers that are not tombstones — within `scope` when given
   * (a workspace, and test or live mode), so a mirror never re-checks, and so never
   * tombstones, customers it cannot see.
   */
  liveIds(scope?: MirrorScope): AsyncIterable<string[]>;
  /** Reads the versions of every customer in `scope` at once (see {@link VersionSnapshot}). */
  versionSnapshot(scope: MirrorScope): Promise<VersionSnapshot>;
}

// The bus and the queues

/** The "Customer Changed" event's detail: ids and facts, never personal data. */
export interface CustomerChange {
  id: string;
  /** The Piriod workspace the customer was mirrored from (absent only on items older than it). */
  workspace?: string;
  /** Whether the customer is test-mode data (the deployment's or command's mode). */
  testMode: boolean;
  change: 'created' | 'updated' | 'deleted';
  updated?: string;
  contentHash?: string;
  /** Set on events `replay-changes` re-publishes from the table, not derived from the stream. */
  replayed?: true;
}

/** A time window over `syncedAt` (ISO instants): `since` inclusive, `until` exclusive. */
export interface SyncWindow {
  since: string;
  until: string;
}

/** What a "Customer Changed" replay needs of one stored item: ids and facts, no personal data. */
export interface SyncedItemFacts {
  id: string;
  workspace?: string;
  testMode?: boolean;
  updated?: string;
  contentHash?: string;
  deleted?: boolean;
}

/** Reads the customers whose last write (`syncedAt`) falls in a window, page by page. */
export interface SyncedItems {
  syncedIn(window: SyncWindow): AsyncIterable<SyncedItemFacts[]>;
}

/**
 * Where "Customer Changed" events go (EventBridge in AWS). They are derived from the table's
 * stream by the `publish-changes` function, so every write is announced, whichever path made it.
 */
export interface ChangePublisher {
  /**
   * Publishes every change, or throws. An error with `unpublished` (indexes into `changes`)
   * says which may not have gone out; without it, none may have.
   */
  publish(changes: readonly CustomerChange[]): Promise<void>;
}

/** Sends refresh requests straight to the refresh queue (full-mirror's hand-off). */
export interface RefreshQueue {
  /**
   * One message per id of `workspace` (`{"customerId": …, "workspace": …}`), in batches of
   * 10, failed entries retried.
   */
  sendRefreshes(ids: readonly string[], source: SyncSource, workspace: string): Promise<void>;
}

/** Why a message went to the dead-letter queue, as message attributes. */
export interface DeadLetterReason {
  reason: string;
  customerId?: string;
}

/** The dead-letter queue, for permanent failures with their reason. */
export interface DeadLetters {
  /** Sends the original message body with `reason` (and `customerId`) attributes. */
  send(body: string, why: DeadLetterReason): Promise<void>;
}

/** Puts "Customer Refresh Requested" events on the stack's bus. */
export interface RefreshRequests {
  /**
   * @param workspace - the Piriod workspace of the ids, put in the events' `detail.workspace`
   *   (required by a stack that mirrors several; absent, the only one).
   */
  request(ids: readonly string[], origin: 'webhook' | 'event', workspace?: string): Promise<void>;
}

/** Continues a full mirror that ran out of time in a later invocation. */
export interface MirrorContinuation {
  continueFrom(state: ContinuationState): Promise<void>;
}

/** Announces the end of full-mirror cycles on the bus ("Mirror Completed", "Mirror Failed"). */
export interface MirrorAnnouncements {
  mirrorCompleted(detail: MirrorCompletedDetail): Promise<void>;
  mirrorFailed(detail: MirrorFailedDetail): Promise<void>;
}

/** What full-mirror puts on the bus: its continuations and its cycles' announcements. */
export type MirrorBus = MirrorContinuation & MirrorAnnouncements;

/** Where a cut-short full mirror resumes. */
export interface ContinuationState {
  /** The workspace whose cycle this is. */
  workspace: string;
  startPage: number;
  /** When this mirror cycle began (ISO), for logs and the sweep. */
  cycleStartedAt: string;
  /** How many invocations this cycle has used so far. */
  invocation: number;
  /**
   * The token of the cycle's lease ({@link CycleLease}): a continuation renews the lease only
   * while it still holds this token.
   */
  lease: string;
  /**
   * Set when the cycle's listing is complete and only its sweep is left: the next invocation
   * lists the ids again from `startPage` (1), writing nothing, then sweeps.
   */
  sweep?: true;
  /**
   * What the cycle's earlier invocations did, so its status and events count the whole cycle.
   * Absent in continuations put before it existed (counted from zero).
   */
  counts?: CycleCounts;
}

// The full-mirror cycle lease

/** One cycle's claim on the lease; instants are ISO-8601 UTC strings. */
export interface LeaseClaim {
  /** Unique per cycle; carried by its continuations. */
  token: string;
  cycleStartedAt: string;
  /**
   * Which invocation of the cycle claims (1 for the tick). A renewal must follow the
   * invocation the lease last recorded, so a continuation EventBridge or Lambda delivers twice
   * runs once; a retry of a failed invocation (its lease released) may claim its number again.
   */
  invocation: number;
  now: string;
  /** Until when the claim holds unless renewed or released. */
  expiresAt: string;
}

/** Who holds a lease that a claim could not take or renew. */
export interface LeaseHolder {
  cycleStartedAt?: string;
  /** The invocation of that cycle that last took or renewed the lease. */
  invocation?: number;
  expiresAt?: string;
  /** Set when that cycle completed (its lease was released). */
  completedAt?: string;
}

/** The answer to a claim. */
export type LeaseOutcome =
  | {
      held: true;
      /** The cycle whose expired lease this claim took over (it crashed or was lost). */
      tookOverFrom?: LeaseHolder;
    }
  | { held: false; holder?: LeaseHolder };

/**
 * One full-mirror cycle at a time per workspace and mode: a conditional item in the customers
 * table. A scheduled tick takes the lease only when it is free or expired; a continuation
 * renews it only while it still holds its token; a cycle that ends releases it.
 */
export interface CycleLease {
  /** Takes the lease for a new cycle unless another cycle holds it unexpired. */
  acquire(claim: LeaseClaim): Promise<LeaseOutcome>;
  /** Extends the lease of a running cycle; fails when another cycle took it over. */
  renew(claim: LeaseClaim): Promise<LeaseOutcome>;
  /**
   * Ends the claim at `now` so the next tick may start: `completed` after a whole cycle (its
   * stray continuations then cannot renew), otherwise after a failed invocation (a retry of
   * that invocation may still renew, until another cycle takes the lease).
   */
  release(token: string, now: string, completed: boolean): Promise<void>;
}

// The full mirror's status

/**
 * The full mirror's status of one workspace and mode (a reserved item of the customers
 * table): when a cycle last started, completed (with its counts) and failed.
 */
export interface MirrorStatusLog {
  /** A cycle started at `at`; `schedulePeriodMinutes`: the deployment's schedule, when it has one. */
  started(at: string, schedulePeriodMinutes?: number): Promise<void>;
  /** A whole cycle completed at `at` with `counts`. */
  completed(at: string, counts: CycleCounts): Promise<void>;
  /** A cycle stopped on a failure (or ended partial). */
  failed(failure: MirrorFailure): Promise<void>;
  /** The status as stored, or `undefined` when no cycle has started. */
  read(): Promise<MirrorStatus | undefined>;
}

// The doctor's canary
export type { CanaryLog, CanaryRecord } from './customer/canary.js';
