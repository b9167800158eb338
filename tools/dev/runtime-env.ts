import { formatWorkspaceList } from '../../lib/customer/workspaces.js';
import type { Env } from '../../lib/env-variables.js';
import { DEFAULT_TABLE_NAME } from '../../lib/env-variables.js';
import { LOCAL_REGION } from '../../lib/sdk/sdk-config.js';

/** One of several workspaces the runtime serves: its id, API token and webhook secret. */
export interface DevWorkspace {
  id: string;
  token: string;
  webhookSecret: string;
  testMode?: boolean;
}

/**
 * The functions' environment: the caller's (Piriod, the table), the webhook secret or the
 * workspaces' maps, and the local bus and queues at `awsUrl`, as the stack sets them.
 */
export function functionsEnv(o: {
  env: Env;
  webhookSecret: string;
  several: readonly DevWorkspace[] | undefined;
  aws: { url: string; busName: string; queueUrl(name: string): string };
  fullMirrorIntervalMs: number;
}): Env {
  const { several, aws } = o;
  return {
    ...o.env,
    PIRIOD_WEBHOOK_SECRET: several?.[0]?.webhookSecret ?? o.webhookSecret,
    ...(several ? workspacesEnv(several) : {}),
    AWS_ENDPOINT_URL_SQS: aws.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    EVENT_BUS_NAME: aws.busName,
    REFRESH_QUEUE_URL: aws.queueUrl('refresh-queue'),
    DEAD_LETTER_QUEUE_URL: aws.queueUrl('dead-letter-queue'),
    // The schedule's period, as the stack sets it: full-mirror records it in the status, from
    // which `piriod-mirror status` takes its default --max-age.
    ...(o.fullMirrorIntervalMs >= 60_000
      ? { FULL_MIRROR_SCHEDULE_MINUTES: String(Math.round(o.fullMirrorIntervalMs / 60_000)) }
      : {}),
  };
}

/** The variables the CLI reads, as the functions of this runtime see them. */
export function cliEnvOf(
  env: Env,
  webhookUrl: string,
  intervalMs: number,
  several: readonly DevWorkspace[] | undefined,
): Env {
  // Several workspaces: the single variables name the first (every command's default), the
  // maps the others (`--workspace W` takes W's token and secret from them).
  const first = several?.[0];
  const single: Env = first
    ? {
        PIRIOD_API_TOKEN: first.token,
        PIRIOD_WORKSPACE: first.id,
        ...(first.testMode ? { PIRIOD_TEST_MODE: 'true' } : {}),
      }
    : {};
  const pick = (name: string) => (env[name]?.trim() ? { [name]: env[name] as string } : {});
  return {
    ...pick('AWS_ENDPOINT_URL_DYNAMODB'),
    AWS_ENDPOINT_URL_EVENTBRIDGE: env.AWS_ENDPOINT_URL_EVENTBRIDGE,
    AWS_ENDPOINT_URL_SQS: env.AWS_ENDPOINT_URL_SQS,
    AWS_REGION: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || LOCAL_REGION,
    CUSTOMERS_TABLE: env.CUSTOMERS_TABLE?.trim() || DEFAULT_TABLE_NAME,
    EVENT_BUS_NAME: env.EVENT_BUS_NAME,
    REFRESH_QUEUE_URL: env.REFRESH_QUEUE_URL,
    DEAD_LETTER_QUEUE_URL: env.DEAD_LETTER_QUEUE_URL,
    WEBHOOK_URL: webhookUrl,
    PIRIOD_API_URL: env.PIRIOD_API_URL?.trim() || 'https://api.piriod.com',
    ...(first ? single : { ...pick('PIRIOD_API_TOKEN'), ...pick('PIRIOD_WORKSPACE') }),
    ...(first ? {} : pick('PIRIOD_TEST_MODE')),
    PIRIOD_WEBHOOK_SECRET: env.PIRIOD_WEBHOOK_SECRET,
    ...(several ? workspacesEnv(several) : {}),
    // What `doctor`'s full-mirror check measures against (a stack reads its schedule rule).
    ...(intervalMs > 0
      ? { FULL_MIRROR_INTERVAL_SECONDS: String(Math.ceil(intervalMs / 1000)) }
      : {}),
  };
}

/** `PIRIOD_WORKSPACES`, `PIRIOD_API_TOKENS` and `PIRIOD_WEBHOOK_SECRETS` of several workspaces. */
function workspacesEnv(workspaces: readonly DevWorkspace[]): Env {
  return {
    PIRIOD_WORKSPACES: formatWorkspaceList(
      workspaces.map((w) => ({ id: w.id, testMode: w.testMode ?? false })),
    ),
    PIRIOD_API_TOKENS: JSON.stringify(Object.fromEntries(workspaces.map((w) => [w.id, w.token]))),
    PIRIOD_WEBHOOK_SECRETS: JSON.stringify(
      Object.fromEntries(workspaces.map((w) => [w.id, w.webhookSecret])),
    ),
  };
}

/** The workspace a full-mirror event names (`detail.workspace`), if any. */
export function workspaceOf(event: unknown): string | undefined {
  const w = (event as { detail?: { workspace?: unknown } } | undefined)?.detail?.workspace;
  return typeof w === 'string' ? w : undefined;
}

/** The event an EventBridge schedule rule sends. */
export function scheduledEvent() {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: LOCAL_REGION,
    resources: ['arn:aws:events:us-east-1:000000000000:rule/local-schedule'],
    detail: {},
  };
}
