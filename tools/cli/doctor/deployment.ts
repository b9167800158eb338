import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Env } from '../../../lib/env-variables.js';
import type { DoctorClients } from '../compose/doctor-clients.js';
import { type CheckResult, fail, pass } from './result.js';

/** Where the deployment under check is: the stack's outputs, or their local stand-ins. */
export interface Deployment {
  /** `stack NAME` or `environment`, for messages. */
  source: string;
  stackName?: string;
  tableName?: string;
  eventBusName?: string;
  webhookUrl?: string;
  refreshQueueUrl?: string;
  deadLetterQueueUrl?: string;
  refreshQueueArn?: string;
  deadLetterQueueArn?: string;
  alarmTopicArn?: string;
  apiTokenSecretArn?: string;
  webhookSecretArn?: string;
  /** With several workspaces: workspace → API token secret ARN (`ApiTokenSecretArns`). */
  apiTokenSecretArns?: Record<string, string>;
  /** With several workspaces: workspace → webhook secret ARN (`WebhookSecretArns`). */
  webhookSecretArns?: Record<string, string>;
  fullMirrorFunctionName?: string;
  scheduleRuleName?: string;
}

/** Output name → field, for what `doctor` uses of the stack's outputs. */
const OUTPUTS = {
  TableName: 'tableName',
  EventBusName: 'eventBusName',
  WebhookUrl: 'webhookUrl',
  RefreshQueueUrl: 'refreshQueueUrl',
  DeadLetterQueueUrl: 'deadLetterQueueUrl',
  RefreshQueueArn: 'refreshQueueArn',
  DeadLetterQueueArn: 'deadLetterQueueArn',
  AlarmTopicArn: 'alarmTopicArn',
  ApiTokenSecretArn: 'apiTokenSecretArn',
  WebhookSecretArn: 'webhookSecretArn',
  FullMirrorFunctionName: 'fullMirrorFunctionName',
  ScheduleRuleName: 'scheduleRuleName',
} as const satisfies Record<string, keyof Deployment>;

/** The variables `npm run dev` prints that stand in for the outputs locally. */
const VARIABLES = {
  CUSTOMERS_TABLE: 'tableName',
  EVENT_BUS_NAME: 'eventBusName',
  WEBHOOK_URL: 'webhookUrl',
  REFRESH_QUEUE_URL: 'refreshQueueUrl',
  DEAD_LETTER_QUEUE_URL: 'deadLetterQueueUrl',
} as const satisfies Record<string, keyof Deployment>;

/** Whether the environment names any local stand-in at all (else there is nothing to check). */
export function hasLocalOutputs(env: Env): boolean {
  return Object.keys(VARIABLES).some((v) => env[v]?.trim());
}

/**
 * The `outputs` check: the stack's outputs from CloudFormation (`DescribeStacks`), or the
 * variables locally. Every output `doctor` needs must be there.
 */
export async function resolveDeployment(
  stackName: string | undefined,
  env: Env,
  clients: DoctorClients,
): Promise<{ deployment: Deployment; result: CheckResult }> {
  if (!stackName) {
    const deployment: Deployment = { source: 'environment' };
    for (const [variable, field] of Object.entries(VARIABLES)) {
      const value = env[variable]?.trim();
      if (value) deployment[field] = value;
    }
    const missing = Object.entries(VARIABLES)
      .filter(([, field]) => !deployment[field])
      .map(([v]) => v);
    const result =
      missing.length === 0
        ? pass(
            'outputs',
            `from the environment: table ${deployment.tableName}, bus ${deployment.eventBusName}, webhook ${deployment.webhookUrl}`,
          )
        : fail(
            'outputs',
            `not set: ${missing.join(', ')}`,
            'export the lines `npm run dev` prints, or pass --stack NAME for a deployed stack',
          );
    return { deployment, result };
  }
  const deployment: Deployment = { source: `stack ${stackName}`, stackName };
  let outputs: { OutputKey?: string; OutputValue?: string }[];
  try {
    const out = await clients
      .cloudFormation()
      .send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = out.Stacks?.[0]?.Outputs ?? [];
  } catch (err) {
    const e = err as Error;
    if (/does not exist/i.test(e.message)) {
      return {
        deployment,
        result: fail(
          'outputs',
          `stack ${stackName} does not exist in this account and region`,
          'deploy it (docs/deploy.md), or set --stack and AWS_REGION to where it is',
        ),
      };
    }
    throw err;
  }
  for (const o of outputs) {
    const field = OUTPUTS[o.OutputKey as keyof typeof OUTPUTS];
    if (field && o.OutputValue) deployment[field] = o.OutputValue;
    // Only a stack that mirrors several workspaces has these; a one-workspace stack lacks them.
    if (o.OutputKey === 'ApiTokenSecretArns') deployment.apiTokenSecretArns = arnMap(o.OutputValue);
    if (o.OutputKey === 'WebhookSecretArns') deployment.webhookSecretArns = arnMap(o.OutputValue);
  }
  const missing = Object.entries(OUTPUTS)
    .filter(([, field]) => !deployment[field])
    .map(([name]) => name);
  return {
    deployment,
    result:
      missing.length === 0
        ? pass(
            'outputs',
            `stack ${stackName}: ${Object.keys(OUTPUTS).length} outputs, table ${deployment.tableName}`,
          )
        : fail(
            'outputs',
            `stack ${stackName} lacks ${missing.join(', ')}`,
            'deploy this version of the stack (`npm run deploy` with the same context)',
          ),
  };
}

/** A `workspace → ARN` output read as an object; anything else as absent. */
function arnMap(text: string | undefined): Record<string, string> | undefined {
  try {
    const map = JSON.parse(text ?? '');
    if (!map || typeof map !== 'object' || Array.isArray(map)) return undefined;
    return Object.fromEntries(
      Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return undefined;
  }
}

/**
 * The secret ARNs of `workspace` in a deployment: from the per-workspace maps when the stack
 * has them, else the one-workspace outputs. `unknown` when the maps do not name it.
 */
export function secretArnsOf(
  d: Deployment,
  workspace: string | undefined,
): { apiToken?: string; webhook?: string } | { unknown: string[] } {
  const tokens = d.apiTokenSecretArns;
  const hooks = d.webhookSecretArns;
  if (!tokens && !hooks) return { apiToken: d.apiTokenSecretArn, webhook: d.webhookSecretArn };
  const known = [...new Set([...Object.keys(tokens ?? {}), ...Object.keys(hooks ?? {})])];
  if (!workspace || !known.includes(workspace)) return { unknown: known };
  return {
    apiToken: tokens?.[workspace] ?? d.apiTokenSecretArn,
    webhook: hooks?.[workspace] ?? d.webhookSecretArn,
  };
}
