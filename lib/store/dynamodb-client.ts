import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SdkBudget } from '../aws/sdk-budgets.js';
import { sdkClientConfig, sdkEndpointVariable } from '../aws/sdk-config.js';

/** Options for {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /**
   * Endpoint override, e.g. DynamoDB Local; otherwise the SDK's own variables
   * (`AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`), then AWS's endpoint.
   */
  endpoint?: string;
  /** Region; the SDK's region chain (`AWS_REGION`, the profile) otherwise. */
  region?: string;
  /** SDK attempts per call (throttling, 5xx, timeouts); the budget's otherwise. */
  maxAttempts?: number;
  /** Timeouts and attempts of the caller; the CLI's (6 attempts) by default. */
  budget?: SdkBudget;
}

/**
 * Builds the DynamoDB document client used everywhere: empty strings kept out by the
 * normalizer, `undefined` removed, numbers as JS numbers. Credentials and region come from
 * the SDK's own chains; only against a loopback endpoint with nothing configured does it use
 * dummy ones (see {@link sdkClientConfig}) — whether that endpoint is passed here or set in
 * `AWS_ENDPOINT_URL_DYNAMODB`.
 *
 * @example
 * ```ts
 * // AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000: DynamoDB Local, no region or keys needed
 * const queries = new CustomerQueries({ client: createDocumentClient(), tableName: 'piriod-customers' });
 * ```
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  // The SDK would read these variables itself, but only after the loopback fallback was
  // decided without them: read them here so a local endpoint needs no region or keys.
  const endpoint =
    options.endpoint ?? sdkEndpointVariable(process.env, 'AWS_ENDPOINT_URL_DYNAMODB');
  const config = sdkClientConfig(endpoint, options.region, options.budget);
  const client = new DynamoDBClient({
    ...config,
    maxAttempts: options.maxAttempts ?? config.maxAttempts,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
