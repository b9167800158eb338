import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { eventBus } from '../../lib/compose/bus.js';
import { refreshEventsQueue } from '../../lib/compose/queues.js';
import { secretsOf } from '../../lib/compose/secrets.js';
import { once } from '../../lib/concurrency/once.js';
import { loadReceiverConfig, type ReceiverConfig } from '../../lib/config.js';
import { UnknownWorkspaceError } from '../../lib/customer/workspaces.js';
import { addWebhookMetrics, createLogger, createMetrics } from '../../lib/lambda/observability.js';
import { reporting } from '../../lib/lambda/reporting.js';
import { answerWebhook } from '../../lib/lambda/webhook-answer.js';
import { readWebhookRequest } from '../../lib/lambda/webhook-request.js';
import { piriodWebhookSignatures } from '../../lib/piriod/signature.js';
import { SDK_BUDGETS } from '../../lib/sdk/sdk-budgets.js';
import {
  type ReceiveWebhookPorts,
  receiveWebhook,
  type WebhookResult,
} from '../../lib/use-cases/receive-webhook.js';

/**
 * What the receiver needs; built from its configuration in AWS, injected in tests. Piriod's
 * signature rule is code, not configuration: the handler adds it.
 */
export type ReceiveWebhookDeps = Omit<ReceiveWebhookPorts, 'signatures'>;

const logger = createLogger('receive-webhook');
const metrics = createMetrics('receive-webhook');

/**
 * The Piriod webhook receiver behind a Function URL (payload format 2.0). It never throws and
 * never answers 5xx (Piriod disables a failing webhook): what cannot be processed on our side,
 * even dependencies that cannot be built, is a 202, logged and counted.
 */
export function createReceiveWebhookHandler(deps: () => Promise<ReceiveWebhookDeps>) {
  return reporting(
    { logger, metrics },
    async (
      event: LambdaFunctionURLEvent,
      _context?: Context,
    ): Promise<APIGatewayProxyStructuredResultV2> => {
      const read = readWebhookRequest({
        method: event.requestContext?.http?.method ?? 'GET',
        headers: event.headers ?? {},
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        workspace: event.queryStringParameters?.workspace,
      });
      const res = 'answer' in read ? read.answer : answerWebhook(await receive(read.request, deps));
      const fields = {
        status: res.statusCode,
        outcome: res.outcome,
        event: res.event,
        customerId: res.customerId,
        reason: res.reason,
        workspace: res.workspace,
      };
      // A 202 from a Function URL is no Lambda error: these metrics are what raise the alarms.
      addWebhookMetrics(metrics, res);
      if (res.outcome === 'unprocessed' || res.busRefused) logger.error('webhook', fields);
      else if (res.statusCode >= 400 || res.outcome === 'not-configured') {
        logger.warn('webhook', fields);
      } else logger.info('webhook', fields);
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
  );
}

/** Judges a readable request; a failure to build the dependencies is unprocessed, not a throw. */
async function receive(
  request: Parameters<typeof receiveWebhook>[0],
  deps: () => Promise<ReceiveWebhookDeps>,
): Promise<WebhookResult> {
  let ports: ReceiveWebhookDeps;
  try {
    ports = await deps();
  } catch (err) {
    // Configuration is read once per cold start; a broken one must not turn into 502s.
    logger.error('receiver dependencies unavailable', err as Error);
    return { outcome: 'unprocessed', reason: 'receiver-unavailable' };
  }
  return receiveWebhook(request, { ...ports, signatures: piriodWebhookSignatures });
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
      if (!source) throw new UnknownWorkspaceError(workspace, [...byWorkspace.keys()]);
      return source;
    },
    requests: eventBus(config.bus, sdk),
    queue: refreshEventsQueue(config.refreshQueue, sdk),
  };
}

// The entry: the environment is read here, once, on the first invocation of a container.
export const handler = createReceiveWebhookHandler(
  once(async () => receiveWebhookDeps(loadReceiverConfig(process.env))),
);
