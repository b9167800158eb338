import * as z from 'zod/mini';

/** EventBridge `source` of the product's own events (a contract). */
export const EVENT_SOURCE = 'piriod.mirror';
/** Input event asking for customers to be refreshed (a contract). */
export const REFRESH_REQUESTED = 'Customer Refresh Requested';
/** Output event after a customer was created, updated or tombstoned (a contract). */
export const CUSTOMER_CHANGED = 'Customer Changed';
/** Internal event that resumes a full mirror cut short by the time budget. */
export const MIRROR_CONTINUED = 'Full Mirror Continued';
/**
 * Marker in the event's `resources` for refreshes that came from a Piriod webhook, so the
 * worker can record `syncSource: "webhook"` without changing the contract's `detail`.
 */
export const WEBHOOK_RESOURCE = 'piriod-mirror:webhook';

/** Refresh ids per message: generous, but bounded so one message cannot carry an account. */
export const MAX_IDS_PER_MESSAGE = 100;

/** The detail of "Customer Refresh Requested": one id or a list (a contract). */
export const refreshDetailSchema = z.union([
  z.object({ customerId: z.string() }),
  z.object({
    customerIds: z.array(z.string()).check(z.minLength(1), z.maxLength(MAX_IDS_PER_MESSAGE)),
  }),
]);

/** The EventBridge envelope as an EventBridge → SQS rule delivers it. */
export const refreshEventSchema = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal(REFRESH_REQUESTED),
  detail: refreshDetailSchema,
  resources: z.optional(z.array(z.string())),
});

/** The continuation event's detail. */
export const continuationDetailSchema = z.object({
  startPage: z.number().check(z.int(), z.gte(1)),
  cycleStartedAt: z.string(),
  invocation: z.number().check(z.int(), z.gte(1)),
});
