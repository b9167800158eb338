import type { SyncSource } from '../customer/record.js';
import type { Clock, CustomerStore, PiriodReader } from '../ports.js';
import type { CustomerOutcome, Progress } from './outcome.js';

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
  /**
   * Epoch ms by which refreshes by id must be over (an invocation's time limit, less a margin
   * for the writes): no customer is started after it, and each Piriod request caps its
   * attempts and waits by the time left. A customer not started has no outcome.
   */
  deadline?: number;
  /** Piriod requests by id in flight at once (the client also paces). Default 8. */
  concurrency?: number;
  onProgress?: (progress: Progress) => void;
  /** Called once per customer with its final outcome (logging, metrics). */
  onOutcome?: (outcome: CustomerOutcome) => void;
  /** Called for customers mirrored with content warnings (kept as given). */
  onWarnings?: (id: string, warnings: readonly { path: string; message: string }[]) => void;
}
