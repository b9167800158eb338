/**
 * The one way configuration checks a variable's value: a {@link Check} per variable, read
 * through {@link readVariables}, which reports every malformed variable in one
 * {@link ConfigError}. Plain functions rather than a schema library, so the functions that
 * read only their workspaces and queues (the receiver, publish-changes) bundle no validator.
 */
import { isWorkspaceId } from '../customer/workspaces.js';
import { ConfigError, type Env, FLAG_SPELLINGS, flagValue } from '../env-variables.js';
import { isSecureOrLoopbackUrl } from '../loopback.js';

/** What is wrong with a set value (`must be …`), or `undefined` when it is fine. */
export type Check = (value: string) => string | undefined;

const FLAG_LIST = Object.keys(FLAG_SPELLINGS)
  .map((v) => JSON.stringify(v))
  .join(', ');

/** The checks the loaders use, each with the message that says what to set instead. */
export const CHECKS = {
  /** A yes/no setting; empty is the default. */
  flag: (v) => (v === '' || flagValue(v) !== undefined ? undefined : `must be one of ${FLAG_LIST}`),
  wholeNumber: (v) => (/^\d+$/.test(v) ? undefined : 'must be a whole number'),
  /** Where a secret is sent: `https://`, or plain `http://` on loopback only. */
  secureUrl: (v) =>
    isSecureOrLoopbackUrl(v)
      ? undefined
      : 'must be an https:// URL (plain http:// only on loopback: the token would travel in clear)',
  url: (v) => (URL.canParse(v) ? undefined : 'must be a URL such as http://127.0.0.1:8000'),
  tableName: (v) =>
    /^[A-Za-z0-9_.-]{3,255}$/.test(v) ? undefined : 'must be 3-255 of A-Z a-z 0-9 _ . -',
  workspaceId: (v) =>
    isWorkspaceId(v) ? undefined : 'is not a workspace id (acc_…, letters, digits, _ and -)',
} satisfies Record<string, Check>;

/**
 * The variables `checks` names, as set (unset ones `undefined`).
 *
 * @throws ConfigError naming every variable whose value fails its check, with the value
 *   (shortened); the checked variables hold settings, never secrets.
 */
export function readVariables<K extends string>(
  env: Env,
  checks: Record<K, Check>,
): Record<K, string | undefined> {
  const values = {} as Record<K, string | undefined>;
  const problems: string[] = [];
  for (const name of Object.keys(checks) as K[]) {
    const value = env[name];
    values[name] = value;
    if (value === undefined) continue;
    const problem = checks[name](value);
    if (problem) problems.push(`${name} ${problem} (got ${JSON.stringify(value.slice(0, 80))})`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return values;
}

/** A whole-number setting that passed {@link CHECKS}.wholeNumber, or `fallback` when unset. */
export function wholeNumber(value: string | undefined, fallback: number): number {
  return value === undefined || value === '' ? fallback : Number(value);
}
