import { randomUUID } from 'node:crypto';
import { webhookSignature } from '../../../lib/piriod/signature.js';
import { blockedBy, type DoctorContext } from './context.js';
import { type CheckResult, fail, pass, skip } from './result.js';

/** The event name of the probe: a notification that is no customer's, so nothing is published. */
const PROBE_EVENT = 'piriod-mirror.doctor';

/** How long one probe may take: the receiver answers Piriod within 6 s. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * `webhook`: the webhook URL answers a signed probe (`{"event": "piriod-mirror.doctor",
 * "object_id": "doctor_<nonce>"}`, not a customer's: 200 "ignored", nothing published) and
 * refuses the same probe unsigned (401).
 */
export async function webhookCheck(ctx: DoctorContext): Promise<CheckResult> {
  const blocked = blockedBy(ctx, 'outputs', 'secrets');
  if (blocked) return skip('webhook', `needs the webhook URL and secret from ${blocked}`);
  // The endpoint Piriod calls for this workspace (a one-workspace receiver accepts its own).
  const url = workspaceUrl(ctx.deployment.webhookUrl as string, ctx.workspace);
  const payload = { event: PROBE_EVENT, object_id: `doctor_${randomUUID().replace(/-/g, '')}` };
  const secretFix = ctx.deployment.stackName
    ? `store the secret Piriod shows for this webhook: aws secretsmanager put-secret-value --secret-id ${ctx.deployment.webhookSecretArns?.[ctx.workspace ?? ''] ?? ctx.deployment.webhookSecretArn} --secret-string file://secret.txt (written with read -rs: docs/deploy.md)`
    : 'set PIRIOD_WEBHOOK_SECRET to the secret the receiver uses (the one `npm run dev` prints)';
  try {
    const signed = await post(url, payload, webhookSignature(payload, ctx.webhookSecret as string));
    if (signed.status === 401) {
      return fail(
        'webhook',
        `${url} rejected a probe signed with the webhook secret (401): the receiver holds another secret`,
        secretFix,
      );
    }
    if (signed.status !== 200 || !/"ignored"/.test(signed.body)) {
      return fail(
        'webhook',
        `${url} answered a signed probe with ${signed.status}, not 200 "ignored"`,
        'check the receive-webhook function (its logs and the WebhookRejected / publish-failure alarms)',
      );
    }
    const unsigned = await post(url, payload, undefined);
    if (unsigned.status !== 401) {
      return fail(
        'webhook',
        `${url} answered an unsigned probe with ${unsigned.status}, not 401: anyone can post to it`,
        'deploy this version of the stack: the receiver must check x-piriod-signature',
      );
    }
  } catch (err) {
    return fail(
      'webhook',
      `${url} did not answer: ${(err as Error).message}`,
      'check the WebhookUrl output (the Function URL) and that the stack is deployed',
    );
  }
  return pass(
    'webhook',
    `${url} accepts a signed probe (200, ignored) and rejects an unsigned one (401)`,
  );
}

async function post(url: string, payload: object, signature: string | undefined) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-piriod-signature': signature } : {}),
    },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  return { status: res.status, body: await res.text() };
}

/** `url` with `?workspace=W`: the webhook endpoint registered in Piriod for workspace W. */
function workspaceUrl(url: string, workspace: string | undefined): string {
  if (!workspace || !URL.canParse(url)) return url;
  const u = new URL(url);
  u.searchParams.set('workspace', workspace);
  return u.toString();
}
