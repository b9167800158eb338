import { SECRET_PLACEHOLDER } from '../../../lib/aws/secret-value.js';
import { blockedBy, type DoctorContext } from './context.js';
import { secretArnsOf } from './deployment.js';
import { type CheckResult, fail, pass, skip } from './result.js';

/**
 * `secrets`: the API token and the webhook secret are set and not the stack's placeholder —
 * read by ARN from Secrets Manager with `--stack`, from the variables locally. Their values
 * are kept for the next checks and never printed.
 */
export async function secretsCheck(ctx: DoctorContext): Promise<CheckResult> {
  const { deployment: d, env } = ctx;
  if (!d.stackName) {
    ctx.token = usable(env.PIRIOD_API_TOKEN);
    ctx.webhookSecret = usable(env.PIRIOD_WEBHOOK_SECRET);
    const missing = [
      ...(ctx.token ? [] : ['PIRIOD_API_TOKEN']),
      ...(ctx.webhookSecret ? [] : ['PIRIOD_WEBHOOK_SECRET']),
    ];
    return missing.length === 0
      ? pass('secrets', 'PIRIOD_API_TOKEN and PIRIOD_WEBHOOK_SECRET are set')
      : fail(
          'secrets',
          `${missing.join(' and ')} not set (or still ${SECRET_PLACEHOLDER})`,
          'export the lines `npm run dev` prints, or your Piriod token and webhook secret',
        );
  }
  const blocked = blockedBy(ctx, 'outputs');
  if (blocked) return skip('secrets', `needs the secrets' ARNs from ${blocked}`);
  const arns = secretArnsOf(d, ctx.workspace);
  if ('unknown' in arns) {
    return fail(
      'secrets',
      `${d.source} does not mirror workspace ${ctx.workspace} (it mirrors ${arns.unknown.join(', ')})`,
      `pass --workspace with one of ${arns.unknown.join(', ')}`,
    );
  }
  const problems: string[] = [];
  const fixes: string[] = [];
  const read = async (arn: string, what: string) => {
    let value: string | undefined;
    try {
      value = usable(await ctx.clients.secret(arn));
    } catch (err) {
      problems.push(`${what} could not be read (${(err as Error).name})`);
      fixes.push(`allow secretsmanager:GetSecretValue on ${arn} to whoever runs doctor`);
      return undefined;
    }
    if (!value) {
      problems.push(`${what} is not set (still ${SECRET_PLACEHOLDER})`);
      fixes.push(
        `aws secretsmanager put-secret-value --secret-id ${arn} --secret-string file://secret.txt (written with read -rs: docs/deploy.md)`,
      );
    }
    return value;
  };
  ctx.token = await read(arns.apiToken as string, 'the API token');
  ctx.webhookSecret = await read(arns.webhook as string, 'the webhook secret');
  const of = d.apiTokenSecretArns ? ` of ${ctx.workspace}` : '';
  return problems.length === 0
    ? pass('secrets', `the API token and the webhook secret${of} are set`)
    : fail('secrets', problems.join('; '), fixes.join('; '));
}

function usable(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && v !== SECRET_PLACEHOLDER ? v : undefined;
}
