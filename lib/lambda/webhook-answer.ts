import type { Rejection, WebhookOutcome, WebhookResult } from '../use-cases/receive-webhook.js';

/**
 * The receiver's HTTP answer (a Function URL's status, headers and body), with what happened
 * for the log line and the metrics.
 */
export interface WebhookAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  outcome: WebhookOutcome;
  /** Why a request was rejected, ignored or not processed, for the log line and metrics. */
  reason?: string;
  /** Set when the bus refused the refresh request (whatever became of it then). */
  busRefused?: true;
  /** The customer id of a customer notification. */
  customerId?: string;
  /** The event name of a signed notification. */
  event?: string;
  /** The configured workspace the request was for (never an unknown caller-given value). */
  workspace?: string;
}

/** Why the HTTP reading rejects a request before the use case sees it. */
type ReadingRejection = 'method' | 'too-large';

/** The status of each rejection: 4xx only for what is not authentic or cannot be read. */
const REJECTED_STATUS: Record<Rejection | ReadingRejection, number> = {
  'unknown-workspace': 404,
  'workspace-missing': 400,
  unreadable: 400,
  unsigned: 401,
  forged: 401,
  method: 405,
  'too-large': 413,
};

/**
 * The HTTP answer to what became of a request: 200 for a refresh requested or queued (body
 * `{status: "accepted", customerId}`) and for an ignored notification (`{status: "ignored",
 * event}`); 202 when nothing was acted on (`{status: "not-processed"}` or
 * `{status: "not-configured"}`), so Piriod keeps the webhook on; a 4xx with `{error}` for a
 * rejection (405 with `Allow: POST`). Never a 5xx: Piriod disables a failing webhook.
 */
export function answerWebhook(result: WebhookResult): WebhookAnswer {
  const { statusCode, body } = httpOf(result);
  // The rejection is in the status; the rest is what the log line and metrics carry.
  const { rejection: _inStatus, ...fields } = result as WebhookResult & { rejection?: Rejection };
  return answer(statusCode, body, fields);
}

/** The HTTP reading's own rejection: a method other than POST, or a body over its limit. */
export function rejectReading(rejection: ReadingRejection, reason: string): WebhookAnswer {
  return answer(REJECTED_STATUS[rejection], { error: reason }, { outcome: 'rejected', reason });
}

function answer(
  statusCode: number,
  body: object,
  fields: Omit<WebhookAnswer, 'statusCode' | 'headers' | 'body'>,
): WebhookAnswer {
  return {
    ...fields,
    statusCode,
    headers: {
      'content-type': 'application/json',
      ...(statusCode === 405 ? { allow: 'POST' } : {}),
    },
    body: JSON.stringify(body),
  };
}

function httpOf(result: WebhookResult): { statusCode: number; body: object } {
  switch (result.outcome) {
    case 'refresh-requested':
    case 'refresh-queued':
      return { statusCode: 200, body: { status: 'accepted', customerId: result.customerId } };
    case 'ignored':
      return {
        statusCode: 200,
        body: { status: 'ignored', ...(result.event === undefined ? {} : { event: result.event }) },
      };
    case 'rejected':
      return { statusCode: REJECTED_STATUS[result.rejection], body: { error: result.reason } };
    case 'unprocessed':
      return { statusCode: 202, body: { status: 'not-processed' } };
    case 'not-configured':
      return { statusCode: 202, body: { status: 'not-configured' } };
  }
}
