import { isPiriodCustomerId } from '../customer/ids.js';
import { resolveWorkspace } from '../customer/workspaces.js';
import { SecretNotSetError } from '../env-variables.js';
import type {
  RefreshableSecret,
  RefreshRequests,
  WebhookBody,
  WebhookSignatures,
} from '../ports.js';

/**
 * A webhook request, read from HTTP by the receiver's handler (`lib/lambda/webhook-request.ts`,
 * which answers a wrong method and an oversized body itself).
 */
export interface WebhookRequest {
  /** The `x-piriod-signature` header. */
  signature: string | undefined;
  /** The body as a JSON object with its text, or why it is not one (a 400). */
  body: WebhookBody | { invalid: string };
  /** The `workspace` query parameter: Piriod's endpoint for W is `<url>?workspace=W`. */
  workspace?: string;
}

/**
 * What became of a request:
 * - `refresh-requested`: put on the bus (200);
 * - `refresh-queued`: the bus refused, the same request went straight to the refresh queue (200);
 * - `ignored`: authentic, but nothing to refresh (200, `reason` says why);
 * - `rejected`: not authentic or unreadable (4xx);
 * - `unprocessed`: authentic or possibly so, but our side failed — the bus and the queue both
 *   refused, or the signing secret could not be read (202, nothing acted on);
 * - `not-configured`: the signing secret is not set yet (202, nothing acted on).
 */
export type WebhookOutcome =
  | 'refresh-requested'
  | 'refresh-queued'
  | 'ignored'
  | 'rejected'
  | 'unprocessed'
  | 'not-configured';

/**
 * Why an authentic notification was ignored (a small fixed set, a metric dimension):
 * `not-a-notification` (no `event` and `object_id` strings), `malformed-customer-id` (a
 * `cus_` id that is not a valid one), `not-a-customer` (any other object: contacts, sources,
 * payments).
 */
type IgnoredReason = 'not-a-notification' | 'malformed-customer-id' | 'not-a-customer';

/**
 * Why the receiver could not act on a request: our failure, never the sender's (the handler
 * adds `receiver-unavailable`, when its dependencies cannot be built).
 */
type UnprocessedReason = 'secret-unreadable' | 'bus-and-queue-refused';

/** The answer, plus what happened for logs and metrics (never the payload's secrets). */
export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  outcome: WebhookOutcome;
  /** Why a request was rejected, ignored or not processed, for the log line and metrics. */
  reason?: string;
  /** Set when the bus refused the refresh request (whatever became of it then). */
  busRefused?: true;
  /** The customer id of a customer notification. */
  customerId?: string;
  /** The event name of a signed notification. */
  event?: string;
  /** The configured workspace the request was for (never an unknown caller-given value). */
  workspace?: string;
}

/**
 * The receiver's ports: each workspace's signing secret (re-readable after a rotation), how
 * notifications are signed, the bus, and the refresh queue the bus would deliver to.
 */
export interface ReceiveWebhookPorts {
  /** The configured workspaces, in order. */
  workspaces: readonly string[];
  /** The signing secret of a configured workspace's webhook endpoint. */
  secretOf(workspace: string): RefreshableSecret;
  signatures: WebhookSignatures;
  /** The bus: where refresh requests go. */
  requests: RefreshRequests;
  /** The refresh queue, sent the request as the bus rule would deliver it when the bus refuses. */
  queue: RefreshRequests;
}

/** A JSON answer of the receiver; an `error` in `body` is also the log line's reason. */
export function webhookReply(
  statusCode: number,
  body: { error?: string; [k: string]: unknown },
  outcome: WebhookResponse['outcome'],
  extra: Partial<WebhookResponse> = {},
): WebhookResponse {
  return {
    ...(body.error ? { reason: body.error } : {}),
    statusCode,
    headers: {
      'content-type': 'application/json',
      ...(statusCode === 405 ? { allow: 'POST' } : {}),
    },
    body: JSON.stringify(body),
    outcome,
    ...extra,
  };
}

/**
 * Piriod webhook receiver (docs/events.md, "The webhook receiver"). Piriod disables a webhook
 * after 3 consecutive failures with the same status and never retries, so every authentic
 * notification gets a 2xx, and a 4xx is only for requests that are not authentic or cannot
 * be read. In this order, after the handler's 405 (non-POST) and 413 (body over 64 KiB):
 * `?workspace=` naming no configured workspace → 404, or missing while several are → 400;
 * body not a JSON object → 400; missing or malformed `x-piriod-signature` → 401 (no secret
 * read); the signing secret not set yet → 202, or unreadable → 202; wrong signature → 401
 * (checked in constant time over the values as Python renders them). Then an authentic
 * customer notification (`object_id` a valid `cus_…` id) → "Customer Refresh Requested" on
 * the bus, 200; the bus refusing → the same request on the refresh queue, 200; both refusing
 * → 202. Any other authentic notification → 200, ignored with its reason. No input makes it
 * throw, and it answers well within Piriod's 6-second timeout.
 */
export async function receiveWebhook(
  req: WebhookRequest,
  deps: ReceiveWebhookPorts,
): Promise<WebhookResponse> {
  const reply = webhookReply;
  const target = resolveWorkspace(deps.workspaces, req.workspace);
  if ('problem' in target) {
    return target.problem === 'unknown'
      ? reply(
          404,
          {
            error:
              'unknown workspace: register <url>?workspace=acc_… with a workspace this deployment mirrors',
          },
          'rejected',
        )
      : reply(
          400,
          {
            error: `workspace missing: this deployment mirrors several workspaces; register <url>?workspace=acc_… in each`,
          },
          'rejected',
        );
  }
  const workspace = target.workspace;
  const at: typeof reply = (statusCode, body, outcome, extra = {}) =>
    reply(statusCode, body, outcome, { workspace, ...extra });
  if ('invalid' in req.body) return at(400, { error: req.body.invalid }, 'rejected');
  const body = req.body;
  const signature = req.signature;
  // The header's syntax is checked before the secret is read: garbage costs no secret read.
  if (!deps.signatures.wellFormed(signature)) {
    return at(401, { error: 'missing or malformed x-piriod-signature' }, 'rejected');
  }
  const verified = await verify(deps.secretOf(workspace), (secret) =>
    deps.signatures.verify(body, signature, secret),
  );
  if (verified === 'not-set') {
    // Before an operator sets the secret nothing can be verified: acknowledged so Piriod
    // keeps the webhook on, and nothing acted on (the full mirror catches up).
    return at(202, { status: 'not-configured' }, 'not-configured', {
      reason: 'the webhook signing secret is not set yet',
    });
  }
  if (verified === 'unreadable') {
    const reason: UnprocessedReason = 'secret-unreadable';
    return at(202, { status: 'not-processed' }, 'unprocessed', { reason });
  }
  if (!verified) return at(401, { error: 'missing or invalid x-piriod-signature' }, 'rejected');
  const { event, object_id: objectId } = body.fields;
  if (typeof event !== 'string' || typeof objectId !== 'string') {
    return ignored(at, 'not-a-notification', typeof event === 'string' ? event : undefined);
  }
  // Customer event names are undocumented, so the id decides.
  if (!isPiriodCustomerId(objectId)) {
    return ignored(
      at,
      objectId.startsWith('cus_') ? 'malformed-customer-id' : 'not-a-customer',
      event,
    );
  }
  return requestRefresh(deps, objectId, workspace, (statusCode, b, outcome, extra = {}) =>
    at(statusCode, b, outcome, { event, customerId: objectId, ...extra }),
  );
}

/**
 * Checks a signature with the workspace's secret, re-reading it once on a mismatch (it may
 * have been rotated; the source re-reads at most once a minute). `not-set` before an operator
 * set it; `unreadable` when Secrets Manager failed and no value was read before.
 */
async function verify(
  secrets: RefreshableSecret,
  check: (secret: string) => boolean,
): Promise<boolean | 'not-set' | 'unreadable'> {
  try {
    const secret = await secrets.get();
    if (check(secret)) return true;
    const fresh = await secrets.refresh();
    return fresh !== secret && check(fresh);
  } catch (err) {
    return err instanceof SecretNotSetError ? 'not-set' : 'unreadable';
  }
}

function ignored(
  at: typeof webhookReply,
  reason: IgnoredReason,
  event: string | undefined,
): WebhookResponse {
  return at(200, { status: 'ignored', ...(event === undefined ? {} : { event }) }, 'ignored', {
    reason,
    ...(event === undefined ? {} : { event }),
  });
}

/** The bus, else the refresh queue as the bus rule would deliver it, else 202 and nothing. */
async function requestRefresh(
  deps: ReceiveWebhookPorts,
  customerId: string,
  workspace: string,
  at: typeof webhookReply,
): Promise<WebhookResponse> {
  const accepted = { status: 'accepted', customerId };
  try {
    await deps.requests.request([customerId], 'webhook', workspace);
    return at(200, accepted, 'refresh-requested');
  } catch {
    // Piriod never retries: a failure answer would lose the refresh and count toward
    // disabling the webhook. The queue is where the bus rule would have put it anyway.
  }
  try {
    await deps.queue.request([customerId], 'webhook', workspace);
    return at(200, accepted, 'refresh-queued', { busRefused: true });
  } catch {
    const reason: UnprocessedReason = 'bus-and-queue-refused';
    return at(202, { status: 'not-processed' }, 'unprocessed', { reason, busRefused: true });
  }
}
