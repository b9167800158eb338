import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Options for {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /** Endpoint override, e.g. DynamoDB Local; the SDK default (and `AWS_ENDPOINT_URL_DYNAMODB`) otherwise. */
  endpoint?: string;
  region?: string;
  /** SDK attempts per call (throttling, 5xx); default 6. */
  maxAttempts?: number;
}

/**
 * Builds the DynamoDB document client used everywhere: empty strings kept out by the
 * normalizer, `undefined` removed, numbers as JS numbers. Against a loopback endpoint with
 * no AWS credentials configured it uses dummy ones, as DynamoDB Local accepts any.
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = {
    region: options.region ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 6,
  };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    if (isLoopback(options.endpoint)) {
      config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    }
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}
