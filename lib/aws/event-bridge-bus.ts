import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { sleep as realSleep } from '../concurrency/sleep.js';
import type { MirrorCompletedDetail, MirrorFailedDetail } from '../customer/mirror-status.js';
import {
  CUSTOMER_CHANGED,
  EVENT_SOURCE,
  MIRROR_COMPLETED,
  MIRROR_CONTINUED,
  MIRROR_FAILED,
  REFRESH_REQUESTED,
  WEBHOOK_RESOURCE,
} from '../messages/event-names.js';
import { refreshRequestDetails } from '../messages/refresh-details.js';
import type {
  ChangePublisher,
  ContinuationState,
  CustomerChange,
  MirrorAnnouncements,
  MirrorContinuation,
  RefreshRequests,
} from '../ports.js';
import { EntriesFailed, retryFailedEntries } from '../sdk/failed-entries.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';
import { sdkClientConfig } from '../sdk/sdk-config.js';

/** Rounds of `PutEvents` for entries EventBridge failed one by one (the SDK retries whole calls). */
const ENTRY_ATTEMPTS = 4;

/**
 * EventBridge kept failing some entries; `failed` counts them, the message names the codes.
 * `unpublished` holds the indexes (into the entries of the call that threw) of every event
 * that may not have gone out: the failed ones and those never attempted after them.
 */
export class PutEventsError extends Error {
  override readonly name = 'PutEventsError';
  unpublished: readonly number[] = [];
  constructor(
    message: string,
    readonly failed: number,
  ) {
    super(message);
  }
}

/**
 * The stack's custom event bus: refresh requests (webhook and ops), "Customer Changed"
 * events for downstream consumers, full-mirror continuations and its "Mirror Completed" /
 * "Mirror Failed" announcements, through the official
 * EventBridge client. `PutEvents` takes 10 entries per call. A call that fails as a whole is
 * retried by the SDK; entries EventBridge fails one by one (`FailedEntryCount`) are sent again
 * alone, up to {@link ENTRY_ATTEMPTS} rounds, so accepted entries are never published twice;
 * what still fails makes the call throw, so nothing is dropped silently.
 */
export class EventBridgeBus
  implements RefreshRequests, ChangePublisher, MirrorContinuation, MirrorAnnouncements
{
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {}

  async request(
    ids: readonly string[],
    origin: 'webhook' | 'event',
    workspace?: string,
  ): Promise<void> {
    const resources = origin === 'webhook' ? [WEBHOOK_RESOURCE] : [];
    await this.put(
      refreshRequestDetails(ids, workspace).map((d) => this.entry(REFRESH_REQUESTED, d, resources)),
    );
  }

  /**
   * One "Customer Refresh Requested" for `customerId` carrying a `canary` nonce, which the
   * worker records once it has handled the request (`doctor`'s end-to-end proof).
   */
  async requestCanary(customerId: string, canary: string, workspace?: string): Promise<void> {
    const detail = { customerId, canary, ...(workspace ? { workspace } : {}) };
    await this.put([this.entry(REFRESH_REQUESTED, detail, [])]);
  }

  async publish(changes: readonly CustomerChange[]): Promise<void> {
    await this.put(changes.map((c) => this.entry(CUSTOMER_CHANGED, c, [])));
  }

  async continueFrom(state: ContinuationState): Promise<void> {
    await this.put([this.entry(MIRROR_CONTINUED, state, [])]);
  }

  async mirrorCompleted(detail: MirrorCompletedDetail): Promise<void> {
    await this.put([this.entry(MIRROR_COMPLETED, detail, [])]);
  }

  async mirrorFailed(detail: MirrorFailedDetail): Promise<void> {
    await this.put([this.entry(MIRROR_FAILED, detail, [])]);
  }

  private entry(detailType: string, detail: unknown, resources: string[]): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: detailType,
      Detail: JSON.stringify(detail),
      ...(resources.length ? { Resources: resources } : {}),
    };
  }

  private async put(entries: PutEventsRequestEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 10) {
      try {
        await this.putBatch(entries.slice(i, i + 10));
      } catch (err) {
        if (err instanceof PutEventsError) {
          const rest = entries.slice(i + 10).map((_, k) => i + 10 + k);
          err.unpublished = [...err.unpublished.map((k) => i + k), ...rest];
        }
        throw err;
      }
    }
  }

  private async putBatch(batch: PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    // Index of each pending entry in `batch`, so a final failure can say which did not go out.
    let pendingIndexes = batch.map((_, k) => k);
    await retryFailedEntries<{ summary: string; codes: string; failed: number }>(
      async () => {
        const out = await this.client.send(new PutEventsCommand({ Entries: pending }));
        if (!out.FailedEntryCount) return;
        // Results answer in request order; only those with an ErrorCode failed.
        const results = out.Entries ?? [];
        const summary = `EventBridge rejected ${out.FailedEntryCount} of ${pending.length} events`;
        if (results.length !== pending.length) {
          // Without per-entry results a retry could publish accepted events twice.
          const err = new PutEventsError(`${summary} and did not say which`, out.FailedEntryCount);
          err.unpublished = pendingIndexes;
          throw err;
        }
        const codes = [...new Set(results.map((r) => r.ErrorCode).filter(Boolean))].join(', ');
        pendingIndexes = pendingIndexes.filter((_, k) => results[k]?.ErrorCode);
        pending = pending.filter((_, k) => results[k]?.ErrorCode);
        const transient = results.every((r) => !r.ErrorCode || TRANSIENT.test(r.ErrorCode));
        throw new EntriesFailed({ summary, codes, failed: pending.length }, transient);
      },
      {
        maxAttempts: ENTRY_ATTEMPTS,
        sleep: this.sleep,
        giveUp: (d, attempts, transient) => {
          const err = new PutEventsError(
            `${d.summary}${transient ? ` after ${attempts} attempts` : ''} (${d.codes})`,
            d.failed,
          );
          err.unpublished = pendingIndexes;
          return err;
        },
      },
    );
  }
}

/** Entry error codes a later attempt may clear (EventBridge's own or a throttle). */
const TRANSIENT = /InternalFailure|InternalException|Throttl|ServiceUnavailable|LimitExceeded/i;

/**
 * The EventBridge client of a function or the CLI: the SDK's region and credentials,
 * `endpoint` for local endpoints (`AWS_ENDPOINT_URL_EVENTBRIDGE`, read by the config), the
 * caller's timeouts.
 */
export function eventBridgeClient(
  endpoint: string | undefined,
  budget?: SdkBudget,
): EventBridgeClient {
  return new EventBridgeClient(sdkClientConfig(endpoint, undefined, budget));
}
