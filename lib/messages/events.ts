import * as z from 'zod/mini';
import { EVENT_SOURCE, REFRESH_REQUESTED } from './event-names.js';

export {
  CUSTOMER_CHANGED,
  EVENT_SOURCE,
  MIRROR_CONTINUED,
  REFRESH_REQUESTED,
  WEBHOOK_RESOURCE,
} from './event-names.js';

/** Refresh ids per message: generous, but bounded so one message cannot carry an account. */
export const MAX_IDS_PER_MESSAGE = 100;

/**
 * A canary nonce (`doctor`): letters, digits and `-`, so the reserved item id it names
 * (`canary#<nonce>`) stays short and printable.
 */
export const canaryNonceSchema = z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/));

/**
 * The detail of "Customer Refresh Requested": one id or a list (a contract), and optionally
 * a `canary` nonce that the worker records once it has handled the message.
 */
export const refreshDetailSchema = z.union([
  z.object({ customerId: z.string(), canary: z.optional(canaryNonceSchema) }),
  z.object({
    customerIds: z.array(z.string()).check(z.minLength(1), z.maxLength(MAX_IDS_PER_MESSAGE)),
    canary: z.optional(canaryNonceSchema),
  }),
]);

/** The `detail` of a "Customer Refresh Requested" event (docs/events.md). */
export type RefreshRequestedDetail = z.infer<typeof refreshDetailSchema>;

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
  // The cycle lease's token; absent in continuations put before leases existed.
  lease: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
