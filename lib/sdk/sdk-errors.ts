/**
 * What the AWS SDK says when nothing is configured, turned into what to set. The SDK's own
 * words ("Region is missing", "Could not load credentials from any providers") name neither
 * the variable nor where it looked, so a newcomer cannot tell a missing setting from a
 * rejected one.
 */

/** Where the SDK's default credential chain looks, in its order (`@aws-sdk/credential-provider-node`). */
const CREDENTIAL_SOURCES =
  'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the AWS_PROFILE (or default) profile in ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE: keys, SSO, credential_process, web identity), then the container and instance roles';

/**
 * The one line that says what to set when `err` is the SDK finding no region or no
 * credentials at all; `undefined` for any other error.
 *
 * @param err an error thrown by an AWS SDK v3 client call
 * @param localHint what to set instead to use a local stand-in (e.g. DynamoDB Local), if any
 */
export function awsSetupProblem(err: unknown, localHint?: string): string | undefined {
  const e = err as { name?: unknown; message?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  const local = localHint ? `; ${localHint}` : '';
  if (/^Region is missing/.test(message)) {
    return `no AWS region is configured: set AWS_REGION (e.g. AWS_REGION=eu-west-1) or a region in your AWS profile${local}`;
  }
  if (name !== 'CredentialsProviderError') return undefined;
  if (/Could not load credentials from any providers/i.test(message)) {
    return `no AWS credentials were found: the SDK looked in ${CREDENTIAL_SOURCES}; run \`aws configure\` (or \`aws sso login\`) or set AWS_PROFILE${local}`;
  }
  // A source was found but could not give credentials (an expired SSO session, a bad profile).
  return `the AWS credentials could not be loaded (${message.split('\n')[0]}): check AWS_PROFILE and ~/.aws/config`;
}
