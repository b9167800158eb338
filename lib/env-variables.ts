/**
 * The small, dependency-free part of configuration: the `Env` type, the error type and plain
 * variable reads. The loaders in `config.ts` build on this; the package's entry
 * (`library.ts`) uses only this, so its import closure stays small.
 */

/**
 * The environment as a record of variables: what the entry points hand the loaders of
 * `config.ts` (`process.env` in production, a built record in tests and the dev runtime).
 * The one declaration of the type; nothing below the entry points takes one.
 */
export type Env = Record<string, string | undefined>;

/** A configuration value is missing or invalid; the message says which and how to fix it. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

/**
 * A secret the stack created still holds no value an operator set (it is empty, or the
 * stack's placeholder): a configuration step not yet done, not a failure to read it.
 */
export class SecretNotSetError extends ConfigError {
  override readonly name = 'SecretNotSetError';
  /** The ARN of the secret to set, when it is read from Secrets Manager. */
  readonly secretArn: string | undefined;

  constructor(message: string, options?: ErrorOptions & { secretArn?: string }) {
    super(message, options);
    this.secretArn = options?.secretArn;
  }
}

/** Reads a required variable set by the CDK stack for a function. */
export function requireVariable(env: Env, name: string): string {
  const v = env[name]?.trim();
  if (!v)
    throw new ConfigError(
      `${name} is not set: the stack sets it; set it by hand when running locally`,
    );
  return v;
}

/** The spellings a yes/no setting accepts (environment variables and CDK context alike). */
export const FLAG_SPELLINGS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
};

/** A yes/no setting's value: a boolean, or one of {@link FLAG_SPELLINGS}; `undefined` otherwise. */
export function flagValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' && Object.hasOwn(FLAG_SPELLINGS, value)
    ? FLAG_SPELLINGS[value]
    : undefined;
}

/**
 * The endpoint override the AWS SDK would use for a service: its own variable (e.g.
 * `AWS_ENDPOINT_URL_SQS`), else `AWS_ENDPOINT_URL`; `undefined` when neither is set.
 */
export function awsEndpoint(env: Env, serviceVariable: string): string | undefined {
  return env[serviceVariable]?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
}

/**
 * The table's name when `CUSTOMERS_TABLE` is not set (local runs).
 *
 * @example
 * const table = process.env.CUSTOMERS_TABLE ?? DEFAULT_TABLE_NAME;
 */
export const DEFAULT_TABLE_NAME = 'piriod-customers';

/**
 * Where a secret comes from: a plain value (local runs, tests) or a Secrets Manager ARN (AWS);
 * `names` say which settings hold them, for the error that tells what to set.
 */
export interface SecretLocation {
  plain?: string;
  arn?: string;
  names: { plain: string; arn: string };
}
