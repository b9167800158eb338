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
  /** The body as a JSON object with its text, or why it is not one (rejected `unreadable`). */
  body: WebhookBody | { invalid: string };
  /** The `workspace` query parameter: Piriod's endpoint for W is `<url>?workspace=W`. */
  workspace?: string;
}

/**
 * What became of a request (each its metric):
 * - `refresh-requested`: put on the bus;
 * - `refresh-queued`: the bus refused, the same request went straight to the refresh queue;
 * - `ignored`: authentic, but nothing to refresh (`reason` says why);
 * - `rejected`: not authentic or unreadable;
 * - `unprocessed`: authentic or possibly so, but our side failed — the bus and the queue both
 *   refused, or the signing secret could not be read (nothing acted on);
 * - `not-configured`: the signing secret is not set yet (nothing acted on).
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
export type IgnoredReason = 'not-a-notification' | 'malformed-customer-id' | 'not-a-customer';

/**
 * Why a request was rejected, the sender's doing: `unknown-workspace` (`?workspace=` names
 * none this deployment mirrors), `workspace-missing` (none named while several are mirrored),
 * `unreadable` (the body is no JSON object), `unsigned` (no well-formed signature), `forged`
 * (a signature the secret does not make).
 */
export type Rejection =
  | 'unknown-workspace'
  | 'workspace-missing'
  | 'unreadable'
  | 'unsigned'
  | 'forged';

/**
 * Why the receiver could not act on a request: our failure, never the sender's
 * (`receiver-unavailable` is the handler's, when its dependencies cannot be built).
 */
export type UnprocessedReason =
  | 'secret-unreadable'
  | 'bus-and-queue-refused'
  | 'receiver-unavailable';

/** A customer notification's event and id. */
interface Notification {
  event: string;
  customerId: string;
}

/**
 * What happened to a request, for the answer, the log line and the metrics (never the
 * payload's secrets); `lib/lambda/webhook-answer.ts` turns it into the HTTP answer. The
 * workspace is a configured one, never an unknown caller-given value.
 */
export type WebhookResult =
  | ({ outcome: 'refresh-requested'; workspace: string } & Notification)
  | ({ outcome: 'refresh-queued'; workspace: string; busRefused: true } & Notification)
  | { outcome: 'ignored'; reason: IgnoredReason; workspace: string; event?: string }
  | { outcome: 'rejected'; rejection: Rejection; reason: string; workspace?: string }
  | ({
      outcome: 'unprocessed';
      reason: UnprocessedReason;
      workspace?: string;
      busRefused?: true;
    } & Partial<Notification>)
  | { outcome: 'not-configured'; reason: string; workspace: string };

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

/**
 * Piriod webhook receiver (docs/events.md, "The webhook receiver"): judges a request and says
 * what became of it. Piriod disables a webhook after 3 consecutive failures with the same
 * status and never retries, so only a request that is not authentic or cannot be read is
 * rejected (a 4xx; every other answer is a 2xx, made in `lib/lambda/webhook-answer.ts`). In
 * this order, after the HTTP reading's own rejections (a non-POST, a body over 64 KiB):
 * `?workspace=` naming no configured workspace, or none while several are → rejected; body not
 * a JSON object → rejected; missing or malformed `x-piriod-signature` → rejected (no secret
 * read); the signing secret not set yet → not-configured, or unreadable → unprocessed; wrong
 * signature → rejected (checked in constant time over the values as Python renders them).
 * Then an authentic customer notification (`object_id` a valid `cus_…` id) → "Customer
 * Refresh Requested" on the bus; the bus refusing → the same request on the refresh queue;
 * both refusing → unprocessed. Any other authentic notification → ignored with its reason.
 * No input makes it throw, and it ends well within Piriod's 6-second timeout.
 */
export async function receiveWebhook(
  req: WebhookRequest,
  deps: ReceiveWebhookPorts,
): Promise<WebhookResult> {
  const target = resolveWorkspace(deps.workspaces, req.workspace);
  if ('problem' in target) {
    return target.problem === 'unknown'
      ? rejected(
          'unknown-workspace',
          'unknown workspace: register <url>?workspace=acc_… with a workspace this deployment mirrors',
        )
      : rejected(
          'workspace-missing',
          `workspace missing: this deployment mirrors several workspaces; register <url>?workspace=acc_… in each`,
        );
  }
  const workspace = target.workspace;
  if ('invalid' in req.body) return rejected('unreadable', req.body.invalid, workspace);
  const body = req.body;
  const signature = req.signature;
  // The header's syntax is checked before the secret is read: garbage costs no secret read.
  if (!deps.signatures.wellFormed(signature)) {
    return rejected('unsigned', 'missing or malformed x-piriod-signature', workspace);
  }
  const verified = await verify(deps.secretOf(workspace), (secret) =>
    deps.signatures.verify(body, signature, secret),
  );
  if (verified === 'not-set') {
    // Before an operator sets the secret nothing can be verified: acknowledged so Piriod
    // keeps the webhook on, and nothing acted on (the full mirror catches up).
    const reason = 'the webhook signing secret is not set yet';
    return { outcome: 'not-configured', reason, workspace };
  }
  if (verified === 'unreadable') {
    return { outcome: 'unprocessed', reason: 'secret-unreadable', workspace };
  }
  if (!verified) return rejected('forged', 'missing or invalid x-piriod-signature', workspace);
  const { event, object_id: objectId } = body.fields;
  if (typeof event !== 'string' || typeof objectId !== 'string') {
    const named = typeof event === 'string' ? { event } : {};
    return { outcome: 'ignored', reason: 'not-a-notification', workspace, ...named };
  }
  // Customer event names are undocumented, so the id decides.
  if (!isPiriodCustomerId(objectId)) {
    const reason = objectId.startsWith('cus_') ? 'malformed-customer-id' : 'not-a-customer';
    return { outcome: 'ignored', reason, workspace, event };
  }
  return requestRefresh(deps, workspace, { event, customerId: objectId });
}

function rejected(rejection: Rejection, reason: string, workspace?: string): WebhookResult {
  return {
    outcome: 'rejected',
    rejection,
    reason,
    ...(workspace === undefined ? {} : { workspace }),
  };
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

/** The bus, else the refresh queue as the bus rule would deliver it, else nothing. */
async function requestRefresh(
  deps: ReceiveWebhookPorts,
  workspace: string,
  note: Notification,
): Promise<WebhookResult> {
  try {
    await deps.requests.request([note.customerId], 'webhook', workspace);
    return { outcome: 'refresh-requested', workspace, ...note };
  } catch {
    // Piriod never retries: a failure answer would lose the refresh and count toward
    // disabling the webhook. The queue is where the bus rule would have put it anyway.
  }
  try {
    await deps.queue.request([note.customerId], 'webhook', workspace);
    return { outcome: 'refresh-queued', workspace, busRefused: true, ...note };
  } catch {
    const reason = 'bus-and-queue-refused';
    return { outcome: 'unprocessed', reason, workspace, busRefused: true, ...note };
  }
}
