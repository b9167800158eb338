import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { scheduleInput } from '../lib/messages/events.js';
import { VERSION_INDEX } from '../lib/store/table-definition.js';
import { MirrorFunction } from './mirror-function.js';
import { allow, type MirrorParts } from './mirror-parts.js';
import { workspaceConstructId } from './mirror-storage.js';
import { fullMirrorConcurrency } from './stack-config.js';
import { mirrorEventsStatement } from './staleness-alarm.js';

/** Lambda keeps an asynchronous event at most 6 hours. */
const MAX_EVENT_AGE_MINUTES = 360;

/**
 * The full mirror: its function, its grants, and one schedule per workspace.
 * (Its continuation rule on the bus is with the other bus rules, in the intake.)
 */
export function createFullMirror(scope: Construct, parts: MirrorParts) {
  const { props, table, refreshQueue, deadLetterQueue, secrets } = parts;
  const fullMirror = new MirrorFunction(scope, 'FullMirror', {
    name: 'full-mirror',
    bundlesDir: parts.bundlesDir,
    description: 'Scheduled full mirror of Piriod customers',
    timeout: Duration.minutes(15),
    memorySize: 1024,
    logRetentionDays: props.logRetentionDays,
    // Room for each workspace's cycle and a tick that finds it running (stack-config.ts);
    // the workspace's lease keeps one cycle at a time.
    reservedConcurrentExecutions: parts.reserve(fullMirrorConcurrency(props.workspaces.length)),
    environment: {
      ...parts.piriodEnv,
      REFRESH_QUEUE_URL: refreshQueue.queueUrl,
      // The cycle lease outlasts each invocation by one period (see the invoke config below).
      FULL_MIRROR_SCHEDULE_MINUTES: String(props.scheduleMinutes),
    },
  });
  // Asynchronous invokes (schedule ticks, continuations): a tick older than one period is
  // superseded by the next one, so it is dropped rather than queued for Lambda's default
  // 6 h; one retry; and a failed or expired invocation lands in the dead-letter queue (with
  // its alarm) instead of nowhere. Lambda sends it with the function's role (SendMessage, below).
  new lambda.EventInvokeConfig(scope, 'FullMirrorInvokeConfig', {
    function: fullMirror.fn,
    maxEventAge: Duration.minutes(Math.min(props.scheduleMinutes, MAX_EVENT_AGE_MINUTES)),
    retryAttempts: 1,
    onFailure: { bind: () => ({ destination: deadLetterQueue.queueArn }) },
  });

  const role = fullMirror.role;
  // A Query on an index is authorized on the index's ARN; the table's ARN does not cover it.
  role.addToPolicy(allow(['dynamodb:Query'], [`${table.tableArn}/index/${VERSION_INDEX.name}`]));
  // GetItem: the store re-reads an item when a conditional write fails without returning it
  // (the item was deleted meanwhile). UpdateItem: items written before the version index.
  role.addToPolicy(
    allow(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'], [table.tableArn]),
  );
  role.addToPolicy(
    allow(
      ['secretsmanager:GetSecretValue'],
      secrets.map((s) => s.apiToken.secretArn),
    ),
  );
  // The refresh queue for hand-offs; the dead-letter queue for Lambda's failure records of
  // its asynchronous invocations (the invoke config above).
  role.addToPolicy(allow(['sqs:SendMessage'], [refreshQueue.queueArn, deadLetterQueue.queueArn]));
  // Its continuations, and "Mirror Completed" / "Mirror Failed".
  role.addToPolicy(mirrorEventsStatement(parts.bus.eventBusArn));

  // One schedule per workspace, naming it in a constant input: each workspace's cycle runs
  // on its own, so one failing (a revoked token) never stops another's.
  const schedules = props.workspaces.map(
    (w, i) =>
      new events.Rule(scope, workspaceConstructId('ScheduleRule', i, w.id), {
        description: `Full mirror of Piriod customers of workspace ${w.id}`,
        schedule: events.Schedule.rate(Duration.minutes(props.scheduleMinutes)),
        targets: [
          new targets.LambdaFunction(fullMirror.fn, {
            deadLetterQueue,
            retryAttempts: 2,
            event: events.RuleTargetInput.fromObject(scheduleInput(w.id)),
          }),
        ],
      }),
  );
  return { fullMirror, schedules };
}
