import { type Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { parseWorkspaceList, WorkspaceListError } from '../lib/customer/workspaces.js';
import { isSecureOrLoopbackUrl } from '../lib/loopback.js';
import { MAX_BATCHING_WINDOW_SECONDS, REFRESH_QUEUE } from '../lib/messages/routing.js';
import type { MirrorStackConfig } from './stack-config.js';

/** A workspace the construct mirrors, spelled out. */
export interface WorkspaceProps {
  /** The workspace id (`x-simple-workspace`), `acc_…`. */
  readonly id: string;
  /** Mirror the workspace's test-mode data (`x-piriod-test-mode: true`). Default false. */
  readonly testMode?: boolean;
}

/** Props of the {@link PiriodMirror} construct. */
export interface PiriodMirrorProps {
  /**
   * The Piriod workspaces to mirror, at least one and at most 10: `'acc_A'`, `'acc_A:test'`
   * for its test-mode data, or `{ id: 'acc_A', testMode: true }`. Each gets its own schedule,
   * API token secret and webhook secret.
   */
  readonly workspaces: ReadonlyArray<string | WorkspaceProps>;
  /**
   * How often the full mirror of each workspace runs: whole minutes, 1 minute to 12 hours.
   * @default Duration.minutes(15)
   */
  readonly schedule?: Duration;
  /**
   * An existing event bus. The construct then creates none: it puts its rules on this bus,
   * and the functions put their events there.
   * @default - a bus of the construct's own
   */
  readonly eventBus?: events.IEventBus;
  /**
   * An existing SNS topic for the alarms. When the topic belongs to the same stack, the
   * construct adds to its policy that this account's CloudWatch alarms may publish (a
   * KMS-encrypted topic's key must also let `cloudwatch.amazonaws.com` use
   * `kms:Decrypt` and `kms:GenerateDataKey*`: the construct grants that when the key is in
   * the stack too). For an imported topic, grant both yourself (docs/deploy.md).
   * @default - a KMS-encrypted topic of the construct's own, with those grants
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * What happens to the data on stack deletion: the table, the secrets, the dead-letter
   * queue and the alarm topic's key. `DESTROY` also turns off the table's deletion
   * protection, or the delete would fail. Only RETAIN and DESTROY are accepted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Reserve concurrency for the functions (one full mirror per workspace, the worker's
   * `workerConcurrency`, the receiver's `receiverConcurrency`). Lambda keeps 100 of an
   * account's concurrency unreserved, so this needs an account concurrency of at least 100
   * + their sum (113 for one workspace); new accounts start with less: pass `false` there.
   * @default true
   */
  readonly reservedConcurrency?: boolean;
  /**
   * Publish "Customer Changed" on the bus for every write, from the table's stream.
   * @default false
   */
  readonly publishChanges?: boolean;
  /**
   * Enable the table's stream (new and old images) for your own consumers, even without
   * `publishChanges`.
   * @default false
   */
  readonly tableStream?: boolean;
  /**
   * Piriod API base URL: https, or http on loopback (tests).
   * @default 'https://api.piriod.com'
   */
  readonly apiUrl?: string;
  /**
   * Concurrency of the refresh worker (bounds the load on Piriod), 2 to 100: its reserved
   * concurrency and the SQS mapping's maximum concurrency.
   * @default 2
   */
  readonly workerConcurrency?: number;
  /**
   * Reserved concurrency of the webhook receiver, whose URL is public, 1 to 1000.
   * @default 10
   */
  readonly receiverConcurrency?: number;
  /**
   * How long the worker coalesces a burst of refresh requests: whole seconds, 0 to 300.
   * @default Duration.seconds(1)
   */
  readonly batchingWindow?: Duration;
  /**
   * Log retention of the functions, in days (rounded up to a value CloudWatch offers).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * A prop is malformed; the one-line message names the prop and what to pass.
 *
 * @example
 * try {
 *   new PiriodMirror(this, 'Mirror', { workspaces: [] });
 * } catch (err) {
 *   if (err instanceof PiriodMirrorPropsError) console.error(err.message);
 * }
 */
export class PiriodMirrorPropsError extends Error {
  override readonly name = 'PiriodMirrorPropsError';
}

/** The props with defaults applied, checked: what the construct builds from. */
export interface ResolvedProps extends MirrorStackConfig {
  eventBus: events.IEventBus | undefined;
  alarmTopic: sns.ITopic | undefined;
  removalPolicy: RemovalPolicy;
}

/**
 * Applies the defaults and checks every prop.
 *
 * @throws PiriodMirrorPropsError naming the first malformed prop.
 */
export function resolveProps(props: PiriodMirrorProps): ResolvedProps {
  const fail = (msg: string): never => {
    throw new PiriodMirrorPropsError(`PiriodMirror: ${msg}`);
  };
  const int = (
    name: string,
    value: number | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max)
      fail(`${name} must be a whole number in [${min}, ${max}], got ${JSON.stringify(value)}`);
    return value;
  };
  const duration = (name: string, d: Duration | undefined, unit: 'minutes' | 'seconds') => {
    if (d === undefined) return undefined;
    if (Token.isUnresolved(d.toSeconds())) fail(`${name} must be a concrete duration, not a token`);
    const n = unit === 'minutes' ? d.toSeconds() / 60 : d.toSeconds();
    if (!Number.isInteger(n)) fail(`${name} must be whole ${unit}, got ${d.toHumanString()}`);
    return n;
  };
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
  if (removalPolicy !== RemovalPolicy.RETAIN && removalPolicy !== RemovalPolicy.DESTROY)
    fail(`removalPolicy must be RETAIN or DESTROY, got ${removalPolicy}`);
  const apiUrl = props.apiUrl ?? 'https://api.piriod.com';
  if (!isSecureOrLoopbackUrl(apiUrl))
    fail(`apiUrl must be an https:// URL, got ${JSON.stringify(apiUrl)}`);
  return {
    workspaces: resolveWorkspaces(props.workspaces, fail),
    apiUrl,
    // The stalled-mirror alarm looks back two periods; CloudWatch alarms look back ≤ 1 day.
    scheduleMinutes: int(
      'schedule (minutes)',
      duration('schedule', props.schedule, 'minutes'),
      15,
      1,
      720,
    ),
    // The SQS mapping's maximum concurrency is at least 2 and must not exceed the worker's.
    workerConcurrency: int('workerConcurrency', props.workerConcurrency, 2, 2, 100),
    receiverConcurrency: int('receiverConcurrency', props.receiverConcurrency, 10, 1, 1000),
    batchingWindowSeconds: int(
      'batchingWindow (seconds)',
      duration('batchingWindow', props.batchingWindow, 'seconds'),
      REFRESH_QUEUE.batchingWindowSeconds,
      0,
      MAX_BATCHING_WINDOW_SECONDS,
    ),
    reservedConcurrency: props.reservedConcurrency ?? true,
    publishChanges: props.publishChanges ?? false,
    tableStream: props.tableStream ?? false,
    logRetentionDays: int('logRetentionDays', props.logRetentionDays, 30, 1, 3653),
    eventBus: props.eventBus,
    alarmTopic: props.alarmTopic,
    removalPolicy,
  };
}

/** The workspaces through the one parser the context and the functions' environment use. */
function resolveWorkspaces(
  list: PiriodMirrorProps['workspaces'] | undefined,
  fail: (msg: string) => never,
) {
  if (!Array.isArray(list) || list.length === 0)
    fail(
      "workspaces must list at least one workspace, e.g. ['acc_A'] or [{ id: 'acc_A', testMode: true }]",
    );
  const text = (list as PiriodMirrorProps['workspaces']).map((w) => {
    if (typeof w === 'string') return w;
    if (w && typeof w === 'object' && typeof w.id === 'string' && !/[,:]/.test(w.id))
      return w.testMode ? `${w.id}:test` : w.id;
    return fail(
      `workspaces has ${JSON.stringify(w)}: give 'acc_…', 'acc_…:test' or { id: 'acc_…', testMode }`,
    );
  });
  try {
    return parseWorkspaceList(text.join(','));
  } catch (err) {
    if (err instanceof WorkspaceListError) fail(`workspaces ${err.message}`);
    throw err;
  }
}
