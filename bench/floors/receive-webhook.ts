// SDK floor of receive-webhook: constructs the same AWS SDK and Powertools clients, nothing else.
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

export const clients = [
  new EventBridgeClient({}),
  // The refresh queue, for a refused bus.
  new SQSClient({}),
  new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
  new Logger({ serviceName: 'floor' }),
];
export const handler = async () => clients.length;
