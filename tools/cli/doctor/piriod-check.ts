import { piriodClient } from '../../../lib/compose/piriod.js';
import { loadPiriodConnection, loadTestMode } from '../../../lib/config.js';
import { PiriodCredentialsError } from '../../../lib/piriod/errors.js';
import { blockedBy, type DoctorContext } from './context.js';
import { type CheckResult, fail, pass, skip } from './result.js';

/**
 * `piriod`: Piriod accepts the token and the workspace — one `GET /customers/?page=1`, whose
 * first customer the canary then refreshes.
 */
export async function piriodCheck(ctx: DoctorContext): Promise<CheckResult> {
  const blocked = blockedBy(ctx, 'secrets');
  if (blocked) return skip('piriod', `needs the API token from ${blocked}`);
  if (!ctx.workspace) {
    return fail(
      'piriod',
      'no workspace to check',
      'pass --workspace acc_… (the workspace the stack was deployed with) or set PIRIOD_WORKSPACE',
    );
  }
  // One answer is the proof: no long retry series from a diagnostic.
  const settings = { ...loadPiriodConnection(ctx.env), maxAttempts: 2 };
  const workspace = { id: ctx.workspace, testMode: loadTestMode(ctx.env) };
  const client = piriodClient(settings, workspace, ctx.token as string);
  try {
    for await (const page of client.listCustomers({ pageSize: 1, prefetch: 1 })) {
      const first = page.results[0] as { id?: unknown } | undefined;
      ctx.firstCustomerId = typeof first?.id === 'string' ? first.id : null;
      const count = page.count === undefined ? '' : `, ${page.count} customers`;
      return pass(
        'piriod',
        `${settings.baseUrl} accepts the token for workspace ${ctx.workspace}${count}`,
      );
    }
    ctx.firstCustomerId = null;
    return pass('piriod', `${settings.baseUrl} accepts the token for workspace ${ctx.workspace}`);
  } catch (err) {
    if (err instanceof PiriodCredentialsError) {
      return fail(
        'piriod',
        `Piriod rejected the token or the workspace ${ctx.workspace}: ${err.message}`,
        ctx.deployment.stackName
          ? `generate a token in Piriod and store it: aws secretsmanager put-secret-value --secret-id ${ctx.deployment.apiTokenSecretArn} --secret-string file://secret.txt (written with read -rs: docs/deploy.md); check --workspace`
          : 'set PIRIOD_API_TOKEN to a current token and PIRIOD_WORKSPACE to its workspace',
      );
    }
    return fail(
      'piriod',
      `Piriod did not answer: ${(err as Error).message}`,
      'check PIRIOD_API_URL and the network, then run doctor again',
    );
  }
}
