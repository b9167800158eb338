import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdkClientConfig } from '../aws/sdk-config.js';

/** Options for {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /** Endpoint override, e.g. DynamoDB Local; the SDK default (and `AWS_ENDPOINT_URL_DYNAMODB`) otherwise. */
  endpoint?: string;
  /** Region; the SDK's region chain (`AWS_REGION`, the profile) otherwise. */
  region?: string;
  /** SDK attempts per call (throttling, 5xx); default 6. */
  maxAttempts?: number;
}

/**
 * Builds the DynamoDB document client used everywhere: empty strings kept out by the
 * normalizer, `undefined` removed, numbers as JS numbers. Credentials and region come from
 * the SDK's own chains; only against a loopback endpoint with nothing configured does it use
 * dummy ones (see {@link sdkClientConfig}).
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...sdkClientConfig(options.endpoint, options.region),
    maxAttempts: options.maxAttempts ?? 6,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
