import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { EventBridgeBus, eventBridgeFromEnv } from '../../lib/aws/event-bridge-bus.js';
import { fetchFromSecretsManager, secretResolver } from '../../lib/aws/secret-value.js';
import { requireVariable } from '../../lib/env-variables.js';
import type { RefreshRequests } from '../../lib/refresh/ports.js';
import { JsonLog } from '../../lib/runtime/json-log.js';
import { once } from '../../lib/runtime/once.js';
import { receiveWebhook } from '../../lib/webhook/receive-webhook.js';

/** What the receiver needs; built from the environment in AWS, injected in tests. */
export interface ReceiveWebhookDeps {
  secret: () => Promise<string>;
  requests: RefreshRequests;
}

const logger = new JsonLog('receive-webhook', process.env);

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
    const log = res.statusCode >= 500 ? 'ERROR' : res.statusCode >= 400 ? 'WARN' : 'INFO';
    logger.log(log, 'webhook', {
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
    secret: secretResolver(env, 'PIRIOD_WEBHOOK_SECRET', 'PIRIOD_WEBHOOK_SECRET_ARN', (arn) =>
      fetchFromSecretsManager(arn, env),
    ),
    requests: new EventBridgeBus(eventBridgeFromEnv(env), requireVariable(env, 'EVENT_BUS_NAME')),
  };
});

export const handler = createReceiveWebhookHandler(fromEnv);
