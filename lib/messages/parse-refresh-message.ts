import { isValidCustomerId } from '../customer/ids.js';
import { refreshDetailSchema, refreshEventSchema, WEBHOOK_RESOURCE } from './events.js';

/** A refresh queue message, understood. */
export interface RefreshMessage {
  /** Ids to refresh, in order, without duplicates. */
  ids: string[];
  /** Ids that can never be Piriod ids (empty, `../`, 10 KB): rejected, never requested. */
  invalidIds: string[];
  origin: 'event' | 'webhook' | 'schedule';
  /** The Piriod workspace named by the message; absent means "the only one". */
  workspace?: string;
  /** The `canary` nonce of a `doctor` request: recorded once the message is handled. */
  canary?: string;
}

/** The message is not a refresh request at all; `reason` says why. */
export interface BadMessage {
  reason: string;
}

/**
 * Reads a refresh queue message body: the EventBridge "Customer Refresh Requested" event as
 * the rule delivers it, or the bare detail (`{customerId}` / `{customerIds}`) sent straight
 * to the queue, either with an optional `canary` nonce. Anything else is a bad message with
 * its reason.
 */
export function parseRefreshMessage(
  body: string,
  attributes: { syncSource?: string } = {},
): RefreshMessage | BadMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { reason: 'message body is not JSON' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { reason: 'message body is not a JSON object' };
  }
  let detail: unknown = json;
  let origin: RefreshMessage['origin'] =
    attributes.syncSource === 'schedule' ? 'schedule' : 'event';
  if ('detail-type' in json || 'source' in json) {
    const event = refreshEventSchema.safeParse(json);
    if (!event.success) {
      return {
        reason: `not a "Customer Refresh Requested" event from piriod.mirror (${describe(event.error.issues)})`,
      };
    }
    detail = event.data.detail;
    if (event.data.resources?.includes(WEBHOOK_RESOURCE)) origin = 'webhook';
  }
  const parsed = refreshDetailSchema.safeParse(detail);
  if (!parsed.success) {
    return {
      reason: `expected {"customerId": "cus_…"} or {"customerIds": ["cus_…", …]} (1-100 ids), optionally with "workspace": "acc_…": ${describe(parsed.error.issues)}`,
    };
  }
  const all = 'customerId' in parsed.data ? [parsed.data.customerId] : parsed.data.customerIds;
  const ids: string[] = [];
  const invalidIds: string[] = [];
  for (const id of new Set(all)) (isValidCustomerId(id) ? ids : invalidIds).push(id);
  const { canary, workspace } = parsed.data;
  return {
    ids,
    invalidIds,
    origin,
    ...(workspace === undefined ? {} : { workspace }),
    ...(canary === undefined ? {} : { canary }),
  };
}

/** True when {@link parseRefreshMessage} rejected the message. */
export function isBadMessage(m: RefreshMessage | BadMessage): m is BadMessage {
  return 'reason' in m;
}

function describe(
  issues: readonly { path: PropertyKey[]; message: string; code: string }[],
): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.code.replace(/_/g, ' ')}`)
    .join('; ');
}
