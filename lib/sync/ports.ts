import type { SyncSource } from '../customer/record.js';
import type { PiriodReader } from '../piriod/client.js';
import type { CustomerStore } from '../store/customer-store.js';
import type { CustomerOutcome, Progress } from './outcome.js';

/** The time source; injected so tests control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The "Customer Changed" event's detail: ids and facts, never personal data. */
export interface CustomerChange {
  id: string;
  change: 'created' | 'updated' | 'deleted';
  updated?: string;
  contentHash?: string;
}

/**
 * Where "Customer Changed" events go (EventBridge in AWS). They are derived from the table's
 * stream by the `publish-changes` function, so every write is announced, whichever path made it.
 */
export interface ChangePublisher {
  publish(changes: readonly CustomerChange[]): Promise<void>;
}

/** The ports every entry point builds: where customers come from and go, and for whom. */
export type SyncPorts = Pick<SyncDeps, 'piriod' | 'store' | 'clock' | 'workspace' | 'testMode'>;

/** Everything a sync use case needs, passed in; nothing here reads the environment. */
export interface SyncDeps {
  piriod: PiriodReader;
  store: CustomerStore;
  clock: Clock;
  /** Piriod workspace the data comes from, stored on every item. */
  workspace: string;
  /** Whether Piriod is read in test mode; scopes the sweep to that mode's customers. */
  testMode?: boolean;
  /** Which path of the product is syncing (stored as `syncSource`). */
  source: SyncSource;
  /** Piriod requests by id in flight at once (the client also paces). Default 8. */
  concurrency?: number;
  onProgress?: (progress: Progress) => void;
  /** Called once per customer with its final outcome (logging, metrics). */
  onOutcome?: (outcome: CustomerOutcome) => void;
  /** Called for customers mirrored with content warnings (kept as given). */
  onWarnings?: (id: string, warnings: readonly { path: string; message: string }[]) => void;
}
