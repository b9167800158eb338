import { isPiriodCustomerId } from '../customer/errors.js';
import { resolveWorkspace } from '../customer/workspaces.js';
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

/** The answer, plus what happened for logs and metrics (never the payload's secrets). */
export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  outcome: 'refresh-requested' | 'ignored' | 'rejected' | 'publish-failed';
  /** Why a request was rejected, for the log line (never the payload or the secret). */
  reason?: string;
  /** The customer id of a customer notification. */
  customerId?: string;
  /** The event name of a signed notification. */
  event?: string;
  /** The configured workspace the request was for (never an unknown caller-given value). */
  workspace?: string;
}

/**
 * The receiver's ports: each workspace's signing secret (re-readable after a rotation), how
 * notifications are signed, and the bus.
 */
export interface ReceiveWebhookPorts {
  /** The configured workspaces, in order. */
  workspaces: readonly string[];
  /** The signing secret of a configured workspace's webhook endpoint. */
  secretOf(workspace: string): RefreshableSecret;
  signatures: WebhookSignatures;
  requests: RefreshRequests;
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
 * Piriod webhook receiver, checking in this order (docs/events.md, "The webhook receiver"),
 * after the handler's 405 (non-POST) and 413 (body over 64 KiB): `?workspace=` naming no
 * configured workspace → 404, or missing while several are → 400; body not a JSON object →
 * 400; missing or wrong `x-piriod-signature` → 401 (checked over the parsed payload's
 * values, in constant time); signed but not `{event, object_id}` strings → 400; a customer
 * notification (`object_id` a valid `cus_…` id) → a "Customer Refresh Requested" event, then
 * 200; a customer-looking one with a malformed id → 400; any other signed event → 200,
 * ignored. No input makes it throw. It only verifies and publishes, so it answers well
 * within Piriod's 6-second timeout.
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
  const fields = body.fields;
  const signature = req.signature;
  // The header's syntax is checked before the secret is read: garbage costs no secret read.
  if (!deps.signatures.wellFormed(signature)) {
    return at(401, { error: 'missing or malformed x-piriod-signature' }, 'rejected');
  }
  // Each workspace's endpoint has its own secret: another workspace's signature is a 401.
  const secrets = deps.secretOf(workspace);
  const secret = await secrets.get();
  let valid = deps.signatures.verify(body, signature, secret);
  if (!valid) {
    // The secret may have been rotated; refresh() re-reads it at most once a minute.
    const fresh = await secrets.refresh();
    if (fresh !== secret) valid = deps.signatures.verify(body, signature, fresh);
  }
  if (!valid) return at(401, { error: 'missing or invalid x-piriod-signature' }, 'rejected');
  const { event, object_id: objectId } = fields;
  if (typeof event !== 'string' || typeof objectId !== 'string') {
    return at(400, { error: 'expected {"event": string, "object_id": string}' }, 'rejected');
  }
  // Customer event names are undocumented, so the id decides; a customer-looking name or
  // `cus_` prefix with a malformed id is a malformed notification.
  if (!isPiriodCustomerId(objectId)) {
    if (objectId.startsWith('cus_') || /^customers?[._]/i.test(event)) {
      return at(400, { error: 'object_id is not a valid customer id' }, 'rejected', { event });
    }
    return at(200, { status: 'ignored', event }, 'ignored', { event });
  }
  try {
    await deps.requests.request([objectId], 'webhook', workspace);
  } catch {
    // Visible to Piriod (and retried by it); the receiver never claims success it did not have.
    return at(500, { error: 'could not queue the refresh; retry later' }, 'publish-failed', {
      event,
      customerId: objectId,
    });
  }
  return at(200, { status: 'accepted', customerId: objectId }, 'refresh-requested', {
    event,
    customerId: objectId,
  });
}
