import { DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { customerTable } from '../../../lib/compose/table.js';
import { loadStoreConfig } from '../../../lib/config.js';
import {
  fullMirrorLeaseId,
  readFullMirrorStatus,
} from '../../../lib/store/dynamodb-cycle-lease.js';
import { ago, blockedBy, type DoctorContext } from './context.js';
import { type CheckResult, fail, pass, skip } from './result.js';

/** The stack's default schedule period, in minutes (`-c scheduleMinutes`). */
const DEFAULT_SCHEDULE_MINUTES = 15;

/**
 * `dead-letters`: the dead-letter queue is empty; else its depth and the oldest reason, read
 * with a `ReceiveMessage` peek (visibility timeout 0: the messages stay visible, and nothing
 * is ever deleted).
 */
export async function deadLettersCheck(ctx: DoctorContext): Promise<CheckResult> {
  const blocked = blockedBy(ctx, 'outputs');
  if (blocked) return skip('dead-letters', `needs the queue's URL from ${blocked}`);
  const queueUrl = ctx.deployment.deadLetterQueueUrl as string;
  const sqs = ctx.clients.sqs();
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const count =
    Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (count === 0) return pass('dead-letters', 'the dead-letter queue is empty');
  const peek = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['SentTimestamp'],
    }),
  );
  const sent = (m: { Attributes?: Record<string, string> }) =>
    Number(m.Attributes?.SentTimestamp ?? Number.POSITIVE_INFINITY);
  const oldest = [...(peek.Messages ?? [])].sort((a, b) => sent(a) - sent(b))[0];
  const reason =
    oldest?.MessageAttributes?.reason?.StringValue ?? '(no reason: moved by SQS redrive)';
  const customer = oldest?.MessageAttributes?.customerId?.StringValue;
  const when =
    oldest && Number.isFinite(sent(oldest))
      ? `, sent ${ago(new Date(sent(oldest)).toISOString(), ctx.now())} ago`
      : '';
  return fail(
    'dead-letters',
    `${count} message${count === 1 ? '' : 's'} waiting; the oldest${customer ? ` (${customer})` : ''}${when}: ${reason}`,
    `fix the cause the reason names; read and delete Lambda failure records first (docs/operations.md#redrive), then move the rest to the refresh queue: aws sqs start-message-move-task --source-arn ${ctx.deployment.deadLetterQueueArn ?? '<DeadLetterQueueArn>'} --destination-arn ${ctx.deployment.refreshQueueArn ?? '<RefreshQueueArn>'}`,
  );
}

/** `alarms`: the alarm topic has at least one confirmed subscription (locally there is none). */
export async function alarmsCheck(ctx: DoctorContext): Promise<CheckResult> {
  if (!ctx.deployment.stackName) return skip('alarms', 'no alarm topic locally');
  const blocked = blockedBy(ctx, 'outputs');
  if (blocked) return skip('alarms', `needs the AlarmTopicArn from ${blocked}`);
  const topic = ctx.deployment.alarmTopicArn as string;
  let confirmed = 0;
  let pending = 0;
  let next: string | undefined;
  do {
    const out = await ctx.clients
      .sns()
      .send(new ListSubscriptionsByTopicCommand({ TopicArn: topic, NextToken: next }));
    for (const s of out.Subscriptions ?? []) {
      if (s.SubscriptionArn === 'PendingConfirmation') pending++;
      else if (s.SubscriptionArn?.startsWith('arn:')) confirmed++;
    }
    next = out.NextToken;
  } while (next);
  if (confirmed > 0)
    return pass(
      'alarms',
      `${confirmed} confirmed subscription${confirmed === 1 ? '' : 's'} to ${topic}`,
    );
  return fail(
    'alarms',
    `no confirmed subscription to ${topic}${pending ? ` (${pending} pending confirmation)` : ''}: alarms reach no one`,
    pending
      ? 'confirm the subscription (the link in the e-mail AWS sent)'
      : `aws sns subscribe --topic-arn ${topic} --protocol email --notification-endpoint ops@example.com, then confirm it`,
  );
}

/**
 * `full-mirror`: the last full mirror completed within two schedule periods and no cycle
 * failed since, read from the workspace's status item (the last completed cycle with its
 * counts, the last failure) and its cycle lease (a cycle running now). The period comes from the schedule
 * rule with `--stack`, else `FULL_MIRROR_INTERVAL_SECONDS` (the dev runtime's), else
 * `--schedule-minutes` or the stack's default.
 */
export async function fullMirrorCheck(ctx: DoctorContext): Promise<CheckResult> {
  const blocked = blockedBy(ctx, 'outputs');
  if (blocked) return skip('full-mirror', `needs the table from ${blocked}`);
  if (!ctx.workspace) return skip('full-mirror', 'no workspace (--workspace or PIRIOD_WORKSPACE)');
  const d = ctx.deployment;
  const periodMinutes = await schedulePeriodMinutes(ctx);
  const table = customerTable({ ...loadStoreConfig(ctx.env), tableName: d.tableName as string });
  const scope = { workspace: ctx.workspace, testMode: ctx.testMode };
  const lease = await readFullMirrorStatus(
    table.client,
    table.config.tableName,
    fullMirrorLeaseId(scope),
  );
  const status = await table.queries.mirrorStatus(scope.workspace, { testMode: scope.testMode });
  // A lease from before the status item existed still says when a cycle last completed.
  const lastCompletedAt = status?.lastCompletedAt ?? lease.lastCompletedAt;
  const now = ctx.now();
  const running = lease.runningSince ? `; a cycle is running since ${lease.runningSince}` : '';
  const runNow = d.stackName
    ? `run one now: aws lambda invoke --function-name ${d.fullMirrorFunctionName} --invocation-type Event --cli-binary-format raw-in-base64-out --payload '{"detail-type":"Scheduled Event"}' /dev/null`
    : 'the dev runtime runs one when it starts and then on its schedule: restart `npm run dev`';
  const failure = status?.lastFailure;
  if (failure && (!lastCompletedAt || failure.at > lastCompletedAt)) {
    return fail(
      'full-mirror',
      `the last full mirror of ${ctx.workspace} failed ${ago(failure.at, now)} ago (${failure.at}): ${failure.reason}${running}`,
      `fix what the reason names; ${runNow}`,
    );
  }
  if (!lastCompletedAt && lease.runningSince) {
    const since = Date.parse(lease.runningSince);
    // A first cycle still inside its expected time is not a failure: nothing to check yet.
    if (now.getTime() - since <= 2 * periodMinutes * 60_000) {
      return skip(
        'full-mirror',
        `the first full mirror of ${ctx.workspace} is running since ${lease.runningSince}: run doctor again once it completes`,
      );
    }
  }
  if (!lastCompletedAt) {
    return fail(
      'full-mirror',
      `no full mirror of ${ctx.workspace} has completed yet${running}`,
      runNow,
    );
  }
  const age = now.getTime() - Date.parse(lastCompletedAt);
  const limit = 2 * periodMinutes * 60_000;
  const c = status?.lastCycle;
  const counts = c
    ? ` (listed ${c.listed}, created ${c.created}, updated ${c.updated}, deleted ${c.deleted}, failed ${c.failed})`
    : '';
  const said = `last completed ${ago(lastCompletedAt, now)} ago (${lastCompletedAt})${counts}, schedule every ${periodMinutes} min`;
  const failedBefore = failure ? `; last failure ${failure.at}: ${failure.reason}` : '';
  if (age <= limit) return pass('full-mirror', said + running + failedBefore);
  return fail(
    'full-mirror',
    `${said}: more than two periods${running}${failedBefore}`,
    `look at the full-mirror function's errors and logs (and the FullMirror alarms); ${runNow}`,
  );
}

/** The schedule period in minutes: the rule's `rate(…)`, the dev runtime's interval, a flag, or 15. */
async function schedulePeriodMinutes(ctx: DoctorContext): Promise<number> {
  const rule = ctx.deployment.scheduleRuleName;
  if (ctx.deployment.stackName && rule) {
    const out = await ctx.clients.eventBridge().send(new DescribeRuleCommand({ Name: rule }));
    const minutes = rateMinutes(out.ScheduleExpression);
    if (minutes !== undefined) return minutes;
  }
  const seconds = Number(ctx.env.FULL_MIRROR_INTERVAL_SECONDS);
  if (!ctx.deployment.stackName && Number.isFinite(seconds) && seconds > 0) return seconds / 60;
  return ctx.scheduleMinutes ?? DEFAULT_SCHEDULE_MINUTES;
}

/** Minutes of an EventBridge `rate(N minute[s]|hour[s]|day[s])`; undefined for a cron. */
export function rateMinutes(expression: string | undefined): number | undefined {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression?.trim() ?? '');
  if (!m) return undefined;
  const unit = { minute: 1, hour: 60, day: 1440 }[m[2] as 'minute' | 'hour' | 'day'];
  return Number(m[1]) * unit;
}
