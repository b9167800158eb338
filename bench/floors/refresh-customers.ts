// SDK floor of refresh-customers: constructs the same AWS SDK and Powertools clients, nothing else.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new SQSClient({}),
  new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
  new Logger({ serviceName: 'floor' }),
  new Metrics({ namespace: 'floor', serviceName: 'floor' }),
];
export const handler = async () => clients.length;
