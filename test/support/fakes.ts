import type { Context } from 'aws-lambda';
import type {
  MirrorCompletedDetail,
  MirrorFailedDetail,
} from '../../lib/customer/mirror-status.js';
import type { SyncSource } from '../../lib/customer/record.js';
import type {
  ChangePublisher,
  ContinuationState,
  CustomerChange,
  DeadLetterReason,
  DeadLetters,
  MirrorBus,
  RefreshQueue,
  RefreshRequests,
  WebhookSignatures,
} from '../../lib/ports.js';

/** In-memory dead-letter queue: keeps what was sent, with its reason. */
export class MemoryDeadLetters implements DeadLetters {
  readonly sent: ({ body: string } & DeadLetterReason)[] = [];
  async send(body: string, why: DeadLetterReason): Promise<void> {
    this.sent.push({ body, ...why });
  }
}

/** In-memory refresh queue: the bare-detail messages full-mirror sends, with their source. */
export class MemoryRefreshQueue implements RefreshQueue {
  readonly messages: { body: string; syncSource: SyncSource }[] = [];
  async sendRefreshes(
    ids: readonly string[],
    source: SyncSource,
    workspace: string,
  ): Promise<void> {
    for (const id of ids)
      this.messages.push({
        body: JSON.stringify({ customerId: id, workspace }),
        syncSource: source,
      });
  }
  /** Takes up to `n` messages off the queue. */
  take(n: number) {
    return this.messages.splice(0, n);
  }
}

/** In-memory bus for the ports the product puts events through. */
export class MemoryBus implements RefreshRequests, ChangePublisher, MirrorBus {
  readonly refreshes: { ids: string[]; origin: string; workspace?: string }[] = [];
  readonly changes: CustomerChange[] = [];
  readonly continuations: ContinuationState[] = [];
  readonly completed: MirrorCompletedDetail[] = [];
  readonly failed: MirrorFailedDetail[] = [];
  failRequests = false;
  failAnnouncements = false;
  async mirrorCompleted(detail: MirrorCompletedDetail): Promise<void> {
    if (this.failAnnouncements) throw new Error('bus unavailable');
    this.completed.push(detail);
  }
  async mirrorFailed(detail: MirrorFailedDetail): Promise<void> {
    if (this.failAnnouncements) throw new Error('bus unavailable');
    this.failed.push(detail);
  }
  async request(
    ids: readonly string[],
    origin: 'webhook' | 'event',
    workspace?: string,
  ): Promise<void> {
    if (this.failRequests) throw new Error('bus unavailable');
    this.refreshes.push({ ids: [...ids], origin, ...(workspace ? { workspace } : {}) });
  }
  async publish(changes: readonly CustomerChange[]): Promise<void> {
    this.changes.push(...changes);
  }
  async continueFrom(state: ContinuationState): Promise<void> {
    this.continuations.push(state);
  }
}

/** A Lambda context with a fixed remaining time. */
export function lambdaContext(remainingMs = 900_000, name = 'fn'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/25/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * A Lambda context whose remaining time runs down with the wall clock, as Lambda's does: a
 * handler that works against it can be checked to have answered before its deadline.
 */
export function runningLambdaContext(remainingMs: number, name = 'fn'): Context {
  const end = Date.now() + remainingMs;
  return { ...lambdaContext(remainingMs, name), getRemainingTimeInMillis: () => end - Date.now() };
}

/** A secret that never rotates (the plain-variable case). */
export function fixedSecret(value: string) {
  return { get: async () => value, refresh: async () => value };
}

/** A secret that counts its reads (`get` and `refresh` alike): what a flood of requests costs. */
export function countingSecret(value: string) {
  let reads = 0;
  const read = async () => {
    reads++;
    return value;
  };
  return { get: read, refresh: read, reads: () => reads };
}

/**
 * A signature rule for the receiver's port, plain enough to read in a test: a notification
 * is signed by `sig:<secret>:<body text>` (Piriod's own rule has its tests in test/unit/piriod).
 */
export const plainSignatures: WebhookSignatures = {
  wellFormed: (signature): signature is string => signature?.startsWith('sig:') === true,
  verify: (body, signature, secret) => signature === plainSignature(body.text, secret),
};

/** The signature {@link plainSignatures} expects of `text` under `secret`. */
export function plainSignature(text: string, secret: string): string {
  return `sig:${secret}:${text}`;
}
