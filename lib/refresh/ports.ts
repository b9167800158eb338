import type { SyncSource } from '../customer/record.js';

/** Sends refresh requests straight to the refresh queue (plan-sync's hand-off). */
export interface RefreshQueue {
  /** One message per id (`{"customerId": …}`), in batches of 10, failed entries retried. */
  sendRefreshes(ids: readonly string[], source: SyncSource): Promise<void>;
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
  request(ids: readonly string[], origin: 'webhook' | 'event'): Promise<void>;
}

/** Continues a full mirror that ran out of time in a later invocation. */
export interface MirrorContinuation {
  continueFrom(state: ContinuationState): Promise<void>;
}

/** Where a cut-short full mirror resumes. */
export interface ContinuationState {
  startPage: number;
  /** When this mirror cycle began (ISO), for logs and the sweep. */
  cycleStartedAt: string;
  /** How many invocations this cycle has used so far. */
  invocation: number;
}
