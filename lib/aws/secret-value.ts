import { ConfigError } from '../env-variables.js';
import { once } from '../runtime/once.js';
import { awsJsonClientFromEnv } from './aws-json-client.js';

type Env = Record<string, string | undefined>;

/** Placeholder the stack stores in a new secret until an operator sets the real value. */
export const SECRET_PLACEHOLDER = 'SET-ME';

/**
 * Resolves a secret once per cold start and caches it across invocations: the plain
 * variable `name` when set (local runs, tests), else the Secrets Manager secret whose ARN is
 * in `arnVar` (AWS: `PIRIOD_API_TOKEN_SECRET_ARN`, `PIRIOD_WEBHOOK_SECRET_ARN`). The value
 * is never logged or put in an error.
 */
export function secretResolver(
  env: Env,
  name: string,
  arnVar: string,
  fetchSecret: (arn: string) => Promise<string | undefined>,
): () => Promise<string> {
  // once(): a transient Secrets Manager failure is not cached; the next call tries again.
  return once(resolve);

  async function resolve(): Promise<string> {
    const plain = env[name]?.trim();
    if (plain) return plain;
    const arn = env[arnVar]?.trim();
    if (!arn) throw new ConfigError(`neither ${name} nor ${arnVar} is set`);
    const value = (await fetchSecret(arn))?.trim();
    if (!value || value === SECRET_PLACEHOLDER) {
      throw new ConfigError(
        `the secret ${arn} (${arnVar}) has no value yet: set it with \`aws secretsmanager put-secret-value --secret-id ${arn} --secret-string …\``,
      );
    }
    return value;
  }
}

/**
 * Reads a secret's string from Secrets Manager (`GetSecretValue`) with the small signed
 * JSON client, in the region of the secret's ARN. Called once per cold start.
 */
export async function fetchFromSecretsManager(arn: string, env: Env): Promise<string | undefined> {
  const client = awsJsonClientFromEnv(env, {
    name: 'secretsmanager',
    endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    contentType: 'application/x-amz-json-1.1',
    // A secret lives in the region of its ARN.
    region: arn.split(':')[3] || undefined,
  });
  const out = await client.call<{ SecretString?: string }>('secretsmanager.GetSecretValue', {
    SecretId: arn,
  });
  return out.SecretString;
}
