import type { Node } from 'constructs';
import { DEFAULT_SCHEDULE_MINUTES } from '../lib/customer/mirror-status.js';
import {
  isWorkspaceId,
  parseWorkspaceList,
  type Workspace,
  WorkspaceListError,
} from '../lib/customer/workspaces.js';
import { flagValue } from '../lib/env-variables.js';
import { isSecureOrLoopbackUrl } from '../lib/loopback.js';
import { MAX_BATCHING_WINDOW_SECONDS, REFRESH_QUEUE } from '../lib/messages/routing.js';

/** Deployment parameters of the stack, from CDK context (`-c key=value`) or props. */
export interface MirrorStackConfig {
  /**
   * The Piriod workspaces the deployment mirrors (`x-simple-workspace` ids, each with its
   * test mode), at least one. The first keeps the resources a one-workspace stack deployed
   * (its secrets and schedule rule), so a stack that grows keeps its secrets' values.
   */
  workspaces: Workspace[];
  /** Piriod API base URL. Default `https://api.piriod.com`. */
  apiUrl: string;
  /** Minutes between full mirrors. Default 15. */
  scheduleMinutes: number;
  /**
   * Concurrency of the refresh worker (bounds load on Piriod): its reserved concurrency and
   * the SQS mapping's maximum concurrency, which must not exceed it (SQS would otherwise
   * throttle its own pollers). At least 2, the mapping's minimum. Default 2.
   */
  workerConcurrency: number;
  /**
   * Reserved concurrency of the webhook receiver: its URL is public, so a flood must not
   * drain the account's concurrency pool. Default 10.
   */
  receiverConcurrency: number;
  /**
   * SQS batching window of the refresh worker, in seconds: how long a burst of refresh
   * requests for one customer is coalesced before the worker runs. Part of every webhook's
   * freshness budget. Default 1 (0–300).
   */
  batchingWindowSeconds: number;
  /**
   * Reserve concurrency for the functions (full-mirror two per workspace plus one, the worker
   * `workerConcurrency`, the receiver `receiverConcurrency`). Lambda keeps 100 of an account's
   * concurrency unreserved, so this needs an account concurrency of at least 100 + their sum
   * (115 for one workspace: {@link requiredAccountConcurrency}); new
   * accounts start with less. `false` reserves none: the SQS mapping's maximum concurrency
   * and the full-mirror lease still bound the work. Default true.
   */
  reservedConcurrency: boolean;
  /** Publish "Customer Changed" events (from the table's stream). Default false. */
  publishChanges: boolean;
  /** Enable a DynamoDB stream (new and old images) for downstream consumers. Default false. */
  tableStream: boolean;
  /** Log retention in days. Default 30. */
  logRetentionDays: number;
}

/**
 * The account concurrency a deployment with reserved concurrency needs: Lambda keeps 100
 * unreserved, and the stack reserves {@link fullMirrorConcurrency} + the worker's + the
 * receiver's.
 */
export function requiredAccountConcurrency(config: MirrorStackConfig): number {
  return (
    100 +
    fullMirrorConcurrency(config.workspaces.length) +
    config.workerConcurrency +
    config.receiverConcurrency
  );
}

/**
 * full-mirror's reserved concurrency: per workspace, its cycle's invocation and a schedule
 * tick that arrives meanwhile (it runs, sees the lease and ends at once, rather than being
 * throttled until it expires into the dead-letter queue), plus one for a continuation that
 * starts before its predecessor has returned. The lease, not the reservation, keeps one
 * cycle per workspace at a time.
 */
export function fullMirrorConcurrency(workspaces: number): number {
  return 2 * workspaces + 1;
}

/** Stands in for the workspace in a synth that will not be deployed (tests, `npm run synth`). */
export const PLACEHOLDER_WORKSPACE = 'acc_REPLACE_ME';

const DEFAULT_CONFIG: MirrorStackConfig = {
  workspaces: [{ id: PLACEHOLDER_WORKSPACE, testMode: false }],
  apiUrl: 'https://api.piriod.com',
  scheduleMinutes: DEFAULT_SCHEDULE_MINUTES,
  workerConcurrency: 2,
  receiverConcurrency: 10,
  batchingWindowSeconds: REFRESH_QUEUE.batchingWindowSeconds,
  reservedConcurrency: true,
  publishChanges: false,
  tableStream: false,
  logRetentionDays: 30,
};

/** A context value is missing or malformed; the message names the key and what to pass. */
export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

/** The stack's name when `-c stackName=…` gives none. */
const DEFAULT_STACK_NAME = 'PiriodMirror';

/**
 * The stack's name, `-c stackName=NAME` (default `PiriodMirror`): two stacks, staging and
 * production, side by side in one account and region.
 */
export function stackNameFromContext(node: Node): string {
  const name = node.tryGetContext('stackName') as unknown;
  if (name === undefined) return DEFAULT_STACK_NAME;
  // CloudFormation's rule for stack names.
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) {
    throw new StackConfigError(
      `context stackName must start with a letter and hold only letters, digits and -, at most 128 characters, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/**
 * Reads the config from CDK context, falling back to defaults; a malformed value stops the
 * synth with a message naming the context key.
 */
export function configFromContext(node: Node): MirrorStackConfig {
  const get = (key: string) => node.tryGetContext(key) as unknown;
  const bool = (key: string, fallback: boolean) => {
    const v = get(key);
    if (v === undefined) return fallback;
    const flag = flagValue(v);
    if (flag !== undefined) return flag;
    throw new StackConfigError(`context ${key} must be true or false, got ${JSON.stringify(v)}`);
  };
  const int = (key: string, fallback: number, min: number, max: number) => {
    const v = get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new StackConfigError(
        `context ${key} must be a whole number in [${min}, ${max}], got ${JSON.stringify(v)}`,
      );
    }
    return n;
  };
  const workspaces = workspacesFromContext(get, bool);
  const apiUrl = String(get('apiUrl') ?? DEFAULT_CONFIG.apiUrl);
  if (!isSecureOrLoopbackUrl(apiUrl)) {
    throw new StackConfigError(
      `context apiUrl must be an https:// URL, got ${JSON.stringify(apiUrl)}`,
    );
  }
  return {
    workspaces,
    apiUrl,
    // The stalled-mirror alarm looks back two periods; CloudWatch alarms look back ≤ 1 day.
    scheduleMinutes: int('scheduleMinutes', DEFAULT_CONFIG.scheduleMinutes, 1, 720),
    // The SQS mapping's maximum concurrency is at least 2 and must not exceed the worker's.
    workerConcurrency: int('workerConcurrency', DEFAULT_CONFIG.workerConcurrency, 2, 100),
    receiverConcurrency: int('receiverConcurrency', DEFAULT_CONFIG.receiverConcurrency, 1, 1000),
    batchingWindowSeconds: int(
      'batchingWindowSeconds',
      DEFAULT_CONFIG.batchingWindowSeconds,
      0,
      MAX_BATCHING_WINDOW_SECONDS,
    ),
    reservedConcurrency: bool('reservedConcurrency', DEFAULT_CONFIG.reservedConcurrency),
    publishChanges: bool('publishChanges', DEFAULT_CONFIG.publishChanges),
    tableStream: bool('tableStream', DEFAULT_CONFIG.tableStream),
    logRetentionDays: int('logRetentionDays', DEFAULT_CONFIG.logRetentionDays, 1, 3653),
  };
}

/**
 * The workspace list: `workspaces=acc_A,acc_B:test`, or the one-workspace `workspace=acc_A`
 * with `testMode`; neither is the placeholder, for a synth that will not be deployed.
 */
function workspacesFromContext(
  get: (key: string) => unknown,
  bool: (key: string, fallback: boolean) => boolean,
): Workspace[] {
  const list = get('workspaces');
  const one = get('workspace');
  if (list !== undefined && one !== undefined) {
    throw new StackConfigError(
      'context workspace and workspaces are both given: pass workspace=acc_… for one workspace or workspaces=acc_A,acc_B for several, not both',
    );
  }
  if (list !== undefined) {
    if (get('testMode') !== undefined) {
      // Silently ignoring it would mirror live data where test data was meant, or the reverse.
      throw new StackConfigError(
        'context testMode applies to workspace=…; with workspaces=… mark each test-mode workspace as acc_X:test',
      );
    }
    try {
      return parseWorkspaceList(String(list));
    } catch (err) {
      if (err instanceof WorkspaceListError)
        throw new StackConfigError(`context workspaces ${err.message}`, { cause: err });
      throw err;
    }
  }
  if (one === undefined && !bool('synthOnly', false)) {
    throw new StackConfigError(
      'context workspace is required: deploy with `npm run deploy -- -c workspace=acc_…` (your Piriod workspace id), or -c workspaces=acc_A,acc_B for several; `npm run synth` synthesizes with a placeholder',
    );
  }
  const id = String(one ?? PLACEHOLDER_WORKSPACE);
  if (!isWorkspaceId(id))
    throw new StackConfigError(
      String(id).includes(',')
        ? `context workspace names one workspace: for several, use -c workspaces=${id}`
        : `context workspace is not a workspace id: ${id}`,
    );
  return [{ id, testMode: bool('testMode', false) }];
}
