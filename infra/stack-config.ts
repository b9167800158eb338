import type { Node } from 'constructs';

/** Deployment parameters of the stack, from CDK context (`-c key=value`) or props. */
export interface MirrorStackConfig {
  /** Piriod workspace id (`acc_…`), the `x-simple-workspace` value. */
  workspace: string;
  /** Read Piriod test-mode data. Default false. */
  testMode: boolean;
  /** Piriod API base URL. Default `https://api.piriod.com`. */
  apiUrl: string;
  /** Minutes between full mirrors. Default 15. */
  scheduleMinutes: number;
  /** Reserved concurrency of the refresh worker (bounds load on Piriod). Default 2. */
  workerConcurrency: number;
  /** Publish "Customer Changed" events. Default false. */
  publishChanges: boolean;
  /** Enable a DynamoDB stream (new and old images) for downstream consumers. Default false. */
  tableStream: boolean;
  /** Log retention in days. Default 30. */
  logRetentionDays: number;
}

export const DEFAULT_CONFIG: MirrorStackConfig = {
  workspace: 'acc_REPLACE_ME',
  testMode: false,
  apiUrl: 'https://api.piriod.com',
  scheduleMinutes: 15,
  workerConcurrency: 2,
  publishChanges: false,
  tableStream: false,
  logRetentionDays: 30,
};

/**
 * Reads the config from CDK context, falling back to defaults; a malformed value stops the
 * synth with a message naming the context key.
 */
export function configFromContext(node: Node): MirrorStackConfig {
  const get = (key: string) => node.tryGetContext(key) as unknown;
  const bool = (key: string, fallback: boolean) => {
    const v = get(key);
    if (v === undefined) return fallback;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new Error(`context ${key} must be true or false, got ${JSON.stringify(v)}`);
  };
  const int = (key: string, fallback: number, min: number, max: number) => {
    const v = get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(
        `context ${key} must be a whole number in [${min}, ${max}], got ${JSON.stringify(v)}`,
      );
    }
    return n;
  };
  const workspace = String(get('workspace') ?? DEFAULT_CONFIG.workspace);
  if (!/^[A-Za-z0-9_-]+$/.test(workspace))
    throw new Error(`context workspace is not a workspace id: ${workspace}`);
  return {
    workspace,
    testMode: bool('testMode', DEFAULT_CONFIG.testMode),
    apiUrl: String(get('apiUrl') ?? DEFAULT_CONFIG.apiUrl),
    // The stalled-mirror alarm looks back two periods; CloudWatch alarms look back ≤ 1 day.
    scheduleMinutes: int('scheduleMinutes', DEFAULT_CONFIG.scheduleMinutes, 1, 720),
    workerConcurrency: int('workerConcurrency', DEFAULT_CONFIG.workerConcurrency, 1, 100),
    publishChanges: bool('publishChanges', DEFAULT_CONFIG.publishChanges),
    tableStream: bool('tableStream', DEFAULT_CONFIG.tableStream),
    logRetentionDays: int('logRetentionDays', DEFAULT_CONFIG.logRetentionDays, 1, 3653),
  };
}
