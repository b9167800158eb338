import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { eventBus } from '../../lib/compose/bus.js';
import { secretsOf } from '../../lib/compose/secrets.js';
import { loadReceiverConfig, type ReceiverConfig } from '../../lib/config.js';
import { addWebhookMetric, createLogger, createMetrics } from '../../lib/lambda/observability.js';
import { once } from '../../lib/lambda/once.js';
import { reporting } from '../../lib/lambda/reporting.js';
import { readWebhookRequest } from '../../lib/lambda/webhook-request.js';
import { piriodWebhookSignatures } from '../../lib/piriod/signature.js';
import { SDK_BUDGETS } from '../../lib/sdk/sdk-budgets.js';
import { type ReceiveWebhookPorts, receiveWebhook } from '../../lib/use-cases/receive-webhook.js';

/**
 * What the receiver needs; built from its configuration in AWS, injected in tests. Piriod's
 * signature rule is code, not configuration: the handler adds it.
 */
export type ReceiveWebhookDeps = Omit<ReceiveWebhookPorts, 'signatures'>;

const logger = createLogger('receive-webhook');
const metrics = createMetrics('receive-webhook');

/** The Piriod webhook receiver behind a Function URL (payload format 2.0). */
export function createReceiveWebhookHandler(deps: () => Promise<ReceiveWebhookDeps>) {
  return reporting(
    { logger, metrics },
    async (
      event: LambdaFunctionURLEvent,
      _context?: Context,
    ): Promise<APIGatewayProxyStructuredResultV2> => {
      const ports = await deps();
      const read = readWebhookRequest({
        method: event.requestContext?.http?.method ?? 'GET',
        headers: event.headers ?? {},
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        workspace: event.queryStringParameters?.workspace,
      });
      const res =
        'answer' in read
          ? read.answer
          : await receiveWebhook(read.request, { ...ports, signatures: piriodWebhookSignatures });
      const fields = {
        status: res.statusCode,
        outcome: res.outcome,
        event: res.event,
        customerId: res.customerId,
        reason: res.reason,
        workspace: res.workspace,
      };
      // A 500 from a Function URL is no Lambda error: this metric is what raises the alarm.
      addWebhookMetric(metrics, res.outcome, res.statusCode);
      if (res.statusCode >= 500) logger.error('webhook', fields);
      else if (res.statusCode >= 400) logger.warn('webhook', fields);
      else logger.info('webhook', fields);
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
  );
}

/**
 * Real dependencies composed from the function's configuration (built once per cold start
 * below); AWS calls bounded by the function's SDK budget (tests pass shorter ones).
 */
export async function receiveWebhookDeps(
  config: ReceiverConfig,
  sdk = SDK_BUDGETS['receive-webhook'],
): Promise<ReceiveWebhookDeps> {
  const { workspaces } = config;
  const secrets = secretsOf(config.secrets, sdk);
  // One source per workspace, made once, so each keeps its cache and its refresh interval.
  const byWorkspace = new Map(
    workspaces.map((w) => [w.id, secrets.webhookSecret(w.webhookSecret)]),
  );
  return {
    workspaces: workspaces.map((w) => w.id),
    secretOf: (workspace) => {
      const source = byWorkspace.get(workspace);
      if (!source) throw new Error(`workspace ${workspace} is not configured`);
      return source;
    },
    requests: eventBus(config.bus, sdk),
  };
}

// The entry: the environment is read here, once, on the first invocation of a container.
export const handler = createReceiveWebhookHandler(
  once(async () => receiveWebhookDeps(loadReceiverConfig(process.env))),
);
