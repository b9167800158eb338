import { PortError } from '../ports.js';
import { awsSetupProblem } from '../sdk/sdk-errors.js';

/**
 * Failures of the customers table, separated by what the caller should do: port failures
 * (`retryable` when trying again later may work: throttling, a transient network error).
 *
 * @example
 * try {
 *   await queries.get('cus_01H8XYZ123ABC');
 * } catch (err) {
 *   if (err instanceof StoreError && err.retryable) return retryLater();
 *   throw err;
 * }
 */
export class StoreError extends PortError {
  override readonly name: string = 'StoreError';

  constructor(message: string, retryable: boolean, cause?: unknown) {
    super(message, { retryable, cause });
  }
}

/**
 * A write or tombstone aimed at a customer the table holds for another workspace or the
 * other mode (the message says which, from `scopeClash`). Permanent: the same request
 * clashes again, so the CLI reports it and the worker dead-letters it with the reason.
 */
export class ScopeClashError extends StoreError {
  override readonly name = 'ScopeClashError';
  constructor(reason: string) {
    super(reason, false);
  }
}

/**
 * DynamoDB cannot be reached or refuses our credentials: no customer can be written, so a
 * run stops instead of reporting thousands of identical failures (kind `unavailable`).
 *
 * @example
 * if (err instanceof StoreUnavailableError) console.error(err.message); // says what to fix
 */
export class StoreUnavailableError extends StoreError {
  override readonly name = 'StoreUnavailableError';
  override readonly kind = 'unavailable';
  /**
   * @param retryable false when nothing is configured (no region, no credentials): no retry
   *   can fix that. An unreachable endpoint or a rejection (IAM changes propagate) may pass.
   */
  constructor(message: string, cause?: unknown, retryable = true) {
    super(message, retryable, cause);
  }
}

/**
 * The table does not exist; `create-table` fixes it.
 *
 * @example
 * if (err instanceof TableNotFoundError) console.error('run: npx piriod-mirror create-table');
 */
export class TableNotFoundError extends StoreError {
  override readonly name = 'TableNotFoundError';
  constructor(tableName: string) {
    super(
      `table ${tableName} does not exist: run \`npm run --silent mirror -- create-table\` or set CUSTOMERS_TABLE`,
      false,
    );
  }
}

/**
 * The alternative to AWS settings for a local run. No fixed port: `npm start` and
 * `npm run dev` start DynamoDB Local on a free one, and `npm run dev` prints its URL.
 */
export const DYNAMODB_LOCAL_HINT =
  'or, for DynamoDB Local, the export lines `npm run --silent dev` prints (AWS_ENDPOINT_URL_DYNAMODB and AWS_REGION)';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
]);
const CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'ExpiredTokenException',
]);

/** Maps an AWS SDK error to a StoreError that says what happened and what to do. */
export function toStoreError(err: unknown, tableName: string, action: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const name = e.name ?? 'Error';
  if (name === 'ResourceNotFoundException') return new TableNotFoundError(tableName);
  // Nothing configured is not a rejection: say what to set, and where the SDK looked.
  const setup = awsSetupProblem(err, DYNAMODB_LOCAL_HINT);
  if (setup) return new StoreUnavailableError(setup, err, false);
  if (UNREACHABLE.has(code) || /ECONNREFUSED|ENOTFOUND|connect/i.test(e.message ?? '')) {
    return new StoreUnavailableError(
      `cannot reach DynamoDB to ${action} (${code || e.message}): check AWS_ENDPOINT_URL_DYNAMODB and AWS_REGION`,
      err,
    );
  }
  if (CREDENTIALS.has(name)) {
    return new StoreUnavailableError(
      `DynamoDB rejected the AWS credentials (${name}): check AWS_PROFILE / AWS_ACCESS_KEY_ID`,
      err,
    );
  }
  if (THROTTLED.has(name)) {
    return new StoreError(`DynamoDB throttled the ${action} (${name}) after retries`, true, err);
  }
  return new StoreError(
    `DynamoDB ${action} on ${tableName} failed: ${name}: ${e.message}`,
    false,
    err,
  );
}
