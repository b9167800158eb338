import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { EventBridgeBus } from '../../lib/aws/event-bridge-bus.js';
import { fetchFromSecretsManager, secretResolver } from '../../lib/aws/secret-value.js';
import { requireVariable } from '../../lib/config.js';
import type { RefreshRequests } from '../../lib/refresh/ports.js';
import { createLogger } from '../../lib/runtime/observability.js';
import { once } from '../../lib/runtime/once.js';
import { receiveWebhook } from '../../lib/webhook/receive-webhook.js';

/** What the receiver needs; built from the environment in AWS, injected in tests. */
export interface ReceiveWebhookDeps {
  secret: () => Promise<string>;
  requests: RefreshRequests;
}

const logger = createLogger('receive-webhook');

/** The Piriod webhook receiver behind a Function URL (payload format 2.0). */
export function createReceiveWebhookHandler(deps: () => Promise<ReceiveWebhookDeps>) {
  return async (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const res = await receiveWebhook(
      {
        method: event.requestContext?.http?.method ?? 'GET',
        headers: event.headers ?? {},
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
      },
      await deps(),
    );
    const log =
      res.statusCode >= 500 ? logger.error : res.statusCode >= 400 ? logger.warn : logger.info;
    log.call(logger, 'webhook', {
      status: res.statusCode,
      outcome: res.outcome,
      event: res.event,
      customerId: res.customerId,
    });
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  };
}

const fromEnv = once(async (): Promise<ReceiveWebhookDeps> => {
  const env = process.env;
  return {
    secret: secretResolver(env, 'PIRIOD_WEBHOOK_SECRET', fetchFromSecretsManager),
    requests: new EventBridgeBus(new EventBridgeClient({}), requireVariable(env, 'EVENT_BUS_NAME')),
  };
});

export const handler = createReceiveWebhookHandler(fromEnv);
