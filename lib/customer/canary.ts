/**
 * `doctor`'s canary: what the refresh worker records of a handled canary request, and the
 * port it records through (`lib/ports.ts` re-exports both; the table's adapter is
 * `lib/store/dynamodb-canary-log.ts`).
 */

/** What the worker records of a handled canary (`doctor`'s proof that the path works). */
export interface CanaryRecord {
  nonce: string;
  customerId: string;
  /** When the worker finished the message (ISO). */
  handledAt: string;
  /** The customer's outcome: a write-rule result, or `failed`. */
  result: string;
}

/** Where the worker records handled canaries (a small reserved item of the customers table). */
export interface CanaryLog {
  record(canary: CanaryRecord): Promise<void>;
}
