/** Composition: the document client for code outside this project (the typed query library's front door). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { endpointFromEnv } from '../aws/sdk-config.js';
import {
  type DocumentClientOptions,
  createDocumentClient as documentClientFor,
} from '../store/dynamodb-client.js';

/**
 * The project's DynamoDB document client, with the endpoint the AWS SDK would take from the
 * environment (`AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`) when none is passed.
 * Read here, the endpoint decides the loopback fallback too: against DynamoDB Local it needs
 * no region or keys, exactly as with an explicit endpoint. (The SDK reads the variable only
 * inside the client, after that decision was made without it.)
 *
 * @param env the environment to read; the process's by default
 * @example
 * ```ts
 * // AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 node app.js
 * const queries = new CustomerQueries({ client: createDocumentClient(), tableName: 'piriod-customers' });
 * ```
 */
export function createDocumentClient(
  options: DocumentClientOptions = {},
  env: Record<string, string | undefined> = process.env,
): DynamoDBDocumentClient {
  return documentClientFor({
    ...options,
    endpoint: options.endpoint ?? endpointFromEnv(env, 'AWS_ENDPOINT_URL_DYNAMODB'),
  });
}
