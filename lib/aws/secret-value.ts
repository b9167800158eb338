import { ConfigError } from '../config.js';

type Env = Record<string, string | undefined>;

/** Placeholder the stack stores in a new secret until an operator sets the real value. */
export const SECRET_PLACEHOLDER = 'SET-ME';

/**
 * Resolves a secret once per cold start and caches it across invocations: the plain
 * variable `name` when set (local runs, tests), else the Secrets Manager secret whose ARN is
 * in `${name}_SECRET_ARN` (AWS). The value is never logged or put in an error.
 */
export function secretResolver(
  env: Env,
  name: string,
  fetchSecret: (arn: string) => Promise<string | undefined>,
): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= resolve().catch((err) => {
      cached = undefined; // a transient Secrets Manager failure may succeed next time
      throw err;
    });
    return cached;
  };

  async function resolve(): Promise<string> {
    const plain = env[name]?.trim();
    if (plain) return plain;
    const arnVar = `${name}_SECRET_ARN`;
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

/** Reads a secret's string with the Secrets Manager SDK, loaded only when an ARN is used. */
export async function fetchFromSecretsManager(arn: string): Promise<string | undefined> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import(
    '@aws-sdk/client-secrets-manager'
  );
  const client = new SecretsManagerClient({});
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  return out.SecretString;
}
