import * as z from 'zod/mini';
import { WORKSPACE_ID } from '../customer/workspaces.js';
import { EVENT_SOURCE, MIRROR_CONTINUED, REFRESH_REQUESTED } from './event-names.js';
import { MAX_IDS_PER_MESSAGE } from './refresh-details.js';

export {
  EVENT_SOURCE,
  MIRROR_CONTINUED,
  WEBHOOK_RESOURCE,
} from './event-names.js';

/**
 * A canary nonce (`doctor`): letters, digits and `-`, so the reserved item id it names
 * (`canary#<nonce>`) stays short and printable.
 */
const canaryNonceSchema = z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/));

/** A workspace id in an event or message (`acc_…`). */
const workspaceIdSchema = z.string().check(z.regex(WORKSPACE_ID));

/**
 * The detail of "Customer Refresh Requested": one id or a list (a contract), the Piriod
 * `workspace` they belong to (required when the deployment mirrors several), and optionally
 * a `canary` nonce that the worker records once it has handled the message.
 */
export const refreshDetailSchema = z.union([
  z.object({
    customerId: z.string(),
    workspace: z.optional(workspaceIdSchema),
    canary: z.optional(canaryNonceSchema),
  }),
  z.object({
    customerIds: z.array(z.string()).check(z.minLength(1), z.maxLength(MAX_IDS_PER_MESSAGE)),
    workspace: z.optional(workspaceIdSchema),
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

/**
 * What a schedule rule hands `full-mirror`: EventBridge's "Scheduled Event" (detail `{}`,
 * the only workspace), or the rule's constant input naming the workspace to mirror.
 */
export const scheduledEventSchema = z.object({
  'detail-type': z.literal('Scheduled Event'),
  detail: z.optional(z.object({ workspace: z.optional(workspaceIdSchema) })),
});

/**
 * The constant input of workspace `workspace`'s schedule rule, which replaces the whole
 * Scheduled Event: the stack sets it, the dev runtime sends it, full-mirror reads it
 * ({@link scheduledEventSchema}).
 */
export function scheduleInput(workspace: string): {
  'detail-type': 'Scheduled Event';
  detail: { workspace: string };
} {
  return { 'detail-type': 'Scheduled Event', detail: { workspace } };
}

const count = z.number().check(z.int(), z.gte(0));

/** The continuation event's detail. */
const continuationDetailSchema = z.object({
  // The workspace of the cycle.
  workspace: workspaceIdSchema,
  startPage: z.number().check(z.int(), z.gte(1)),
  cycleStartedAt: z.string(),
  invocation: z.number().check(z.int(), z.gte(1)),
  // The cycle lease's token: the continuation renews the lease its cycle holds.
  lease: z.string().check(z.minLength(1), z.maxLength(64)),
  // Set when the listing is complete and only the sweep is left.
  sweep: z.optional(z.literal(true)),
  // What the cycle's earlier invocations did; absent in continuations put before it existed.
  counts: z.optional(
    z.object({
      listed: count,
      created: count,
      updated: count,
      unchanged: count,
      stale: count,
      deleted: count,
      failed: count,
      handedOff: count,
    }),
  ),
});

/** The "Full Mirror Continued" event as the bus rule delivers it to `full-mirror`. */
export const continuationEventSchema = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal(MIRROR_CONTINUED),
  detail: continuationDetailSchema,
});
