import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SdkBudget } from '../sdk/sdk-budgets.js';
import { sdkClientConfig } from '../sdk/sdk-config.js';

/**
 * Options for {@link createDocumentClient}. Each may be given as `undefined` (e.g. straight
 * from `process.env`), which means the same as leaving it out, also for consumers compiling
 * with `exactOptionalPropertyTypes`.
 */
export interface DocumentClientOptions {
  /** Endpoint override, e.g. DynamoDB Local; the SDK default (and `AWS_ENDPOINT_URL_DYNAMODB`) otherwise. */
  endpoint?: string | undefined;
  /** Region; the SDK's region chain (`AWS_REGION`, the profile) otherwise. */
  region?: string | undefined;
  /** SDK attempts per call (throttling, 5xx, timeouts); the budget's otherwise. */
  maxAttempts?: number | undefined;
  /** Timeouts and attempts of the caller; the CLI's (6 attempts) by default. */
  budget?: SdkBudget | undefined;
}

/**
 * Builds the DynamoDB document client used everywhere: empty strings kept out by the
 * normalizer, `undefined` removed, numbers as JS numbers. Credentials and region come from
 * the SDK's own chains; only against a loopback endpoint with nothing configured does it use
 * dummy ones (see {@link sdkClientConfig}).
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const config = sdkClientConfig(options.endpoint, options.region, options.budget);
  const client = new DynamoDBClient({
    ...config,
    maxAttempts: options.maxAttempts ?? config.maxAttempts,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
