// SDK floor of publish-changes: constructs the same AWS SDK and Powertools clients, nothing else.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

export const clients = [
  new EventBridgeClient({}),
  new Logger({ serviceName: 'floor' }),
  new Metrics({ namespace: 'floor', serviceName: 'floor' }),
];
export const handler = async () => clients.length;
