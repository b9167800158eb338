import { loadWorkspaceList } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { deliverWebhook } from '../../sandbox/webhook-sender.js';
import { parse } from '../args.js';
import { checkCustomerIds } from '../customer-id-args.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { WORKSPACE_OPTION, workspaceEnv } from '../workspace-flag.js';

const SEND_WEBHOOK_HELP = `Usage: piriod-mirror send-webhook ID [--url URL] [--secret S] [--event NAME]
                                    [--workspace W]

Signs and sends a webhook notification exactly as Piriod does — POST {"event", "object_id"}
with x-piriod-signature (HMAC-SHA256 of the values) — and prints the receiver's status.
Exit 0 on a 2xx answer, 1 on any other, 2 when the id, the URL or the secret is missing or
wrong, or the receiver cannot be reached.

  --url URL      the receiver; default WEBHOOK_URL (printed by \`npm run dev\`), or the
                 stack's WebhookUrl output for a deployment
  --secret S     the signing secret; default PIRIOD_WEBHOOK_SECRET (printed by
                 \`npm run dev\`; for a deployment, the secret named by WebhookSecretArn)
  --event NAME   the notification's event (default customer.updated)
  --workspace W  as Piriod's webhook of workspace W: to the URL with ?workspace=W (the
                 endpoint registered for W), signed with W's secret when
                 PIRIOD_WEBHOOK_SECRETS (printed by \`npm run dev -- --workspaces N\`) names it;
                 with several PIRIOD_WORKSPACES and no --workspace, PIRIOD_WORKSPACE's endpoint

Environment: WEBHOOK_URL, PIRIOD_WEBHOOK_SECRET, PIRIOD_WEBHOOK_SECRETS, PIRIOD_WORKSPACE,
PIRIOD_WORKSPACES.
`;

/** How long a receiver may take to answer; a Function URL answers in well under a second. */
const ANSWER_TIMEOUT_MS = 15_000;

/** `send-webhook ID [--url URL] [--secret S] [--event NAME]`. */
export async function sendWebhookCommand(argv: string[], given: Env, io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      url: { type: 'string' },
      secret: { type: 'string' },
      event: { type: 'string' },
      ...WORKSPACE_OPTION,
    },
    'send-webhook',
  );
  if (values.help) {
    io.out(SEND_WEBHOOK_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      'send-webhook: expected exactly one customer id (see `piriod-mirror send-webhook --help`)',
    );
  }
  const env = workspaceEnv(values.workspace, given, 'send-webhook');
  const id = positionals[0] as string;
  checkCustomerIds('send-webhook', [id], { piriodPrefix: true, sends: true });
  const base = (values.url ?? env.WEBHOOK_URL)?.trim();
  if (!base) {
    throw new UsageError(
      "send-webhook: no receiver: set WEBHOOK_URL (printed by `npm run dev`) or pass --url (the stack's WebhookUrl output)",
    );
  }
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) {
    throw new UsageError(
      `send-webhook: ${values.url ? '--url' : 'WEBHOOK_URL'} is not an http(s) URL: ${JSON.stringify(base)}`,
    );
  }
  // A several-workspace receiver (PIRIOD_WORKSPACES set, as `npm run dev -- --workspaces N`
  // exports) answers 400 without ?workspace=: address PIRIOD_WORKSPACE's endpoint then too.
  const several = (loadWorkspaceList(env)?.length ?? 0) > 1;
  const url =
    values.workspace === undefined && !several ? base : withWorkspace(base, env.PIRIOD_WORKSPACE);
  const secret = (values.secret ?? env.PIRIOD_WEBHOOK_SECRET)?.trim();
  if (!secret) {
    throw new UsageError(
      'send-webhook: no signing secret: set PIRIOD_WEBHOOK_SECRET (printed by `npm run dev`; in AWS, the secret named by the WebhookSecretArn output) or pass --secret',
    );
  }
  const event = values.event?.trim() || 'customer.updated';

  let answer: Awaited<ReturnType<typeof deliverWebhook>>;
  try {
    answer = await deliverWebhook(
      url,
      secret,
      { event, object_id: id },
      AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    );
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') {
      io.err(`piriod-mirror: ${url} did not answer within ${ANSWER_TIMEOUT_MS / 1000} s\n`);
      return EXIT.failed;
    }
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is its cause.
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    const where = values.url ? '--url' : 'WEBHOOK_URL (is `npm run dev` running?)';
    io.err(`piriod-mirror: could not reach ${url} (${why}); check ${where}\n`);
    return EXIT.usage;
  }
  const ok = answer.status >= 200 && answer.status < 300;
  const said = answer.body.trim().slice(0, 300);
  io.out(`${event} ${id} → ${url}: ${answer.status}${said ? ` ${said}` : ''}\n`);
  if (answer.status === 401)
    io.err('piriod-mirror: the receiver rejected the signature: is the secret the one it uses?\n');
  return ok ? EXIT.ok : EXIT.failed;
}

/** The endpoint Piriod calls for one workspace: the receiver's URL with `?workspace=W`. */
function withWorkspace(url: string, workspace: string | undefined): string {
  const u = new URL(url);
  if (workspace) u.searchParams.set('workspace', workspace);
  return u.toString();
}
