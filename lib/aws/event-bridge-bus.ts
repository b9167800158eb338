import {
  CUSTOMER_CHANGED,
  EVENT_SOURCE,
  MIRROR_CONTINUED,
  REFRESH_REQUESTED,
  WEBHOOK_RESOURCE,
} from '../refresh/event-names.js';
import type { ContinuationState, MirrorContinuation, RefreshRequests } from '../refresh/ports.js';
import type { ChangePublisher, CustomerChange } from '../sync/ports.js';
import { type AwsJsonClient, awsJsonClientFromEnv } from './aws-json-client.js';

/**
 * The stack's custom event bus: refresh requests (webhook and ops), "Customer Changed"
 * events for downstream consumers, and full-mirror continuations. `PutEvents` takes 10
 * entries per call; an entry EventBridge rejects makes the call fail, so nothing is dropped
 * silently. Speaks EventBridge's JSON protocol through {@link AwsJsonClient} to keep the
 * webhook receiver's cold start small.
 */
export class EventBridgeBus implements RefreshRequests, ChangePublisher, MirrorContinuation {
  constructor(
    private readonly client: AwsJsonClient,
    private readonly busName: string,
  ) {}

  async request(ids: readonly string[], origin: 'webhook' | 'event'): Promise<void> {
    const resources = origin === 'webhook' ? [WEBHOOK_RESOURCE] : [];
    const entries = [];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      entries.push(
        this.entry(
          REFRESH_REQUESTED,
          chunk.length === 1 ? { customerId: chunk[0] } : { customerIds: chunk },
          resources,
        ),
      );
    }
    await this.put(entries);
  }

  async publish(changes: readonly CustomerChange[]): Promise<void> {
    await this.put(changes.map((c) => this.entry(CUSTOMER_CHANGED, c, [])));
  }

  async continueFrom(state: ContinuationState): Promise<void> {
    await this.put([this.entry(MIRROR_CONTINUED, state, [])]);
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
      const out = await this.client.call<PutEventsResponse>('AWSEvents.PutEvents', {
        Entries: entries.slice(i, i + 10),
      });
      if ((out.FailedEntryCount ?? 0) > 0) {
        const codes = (out.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean);
        throw new Error(
          `EventBridge rejected ${out.FailedEntryCount} events (${[...new Set(codes)].join(', ')})`,
        );
      }
    }
  }
}

/** One entry of `PutEvents`. */
export interface PutEventsRequestEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
}

interface PutEventsResponse {
  FailedEntryCount?: number;
  Entries?: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}

/**
 * The EventBridge client of a function: region and credentials from Lambda's environment,
 * `AWS_ENDPOINT_URL_EVENTBRIDGE` for local endpoints, as the SDK would read them.
 */
export function eventBridgeFromEnv(env: Record<string, string | undefined>): AwsJsonClient {
  return awsJsonClientFromEnv(env, {
    name: 'events',
    endpointVariable: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
    contentType: 'application/x-amz-json-1.1',
  });
}
