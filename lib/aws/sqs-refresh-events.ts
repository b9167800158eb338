import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_SOURCE, REFRESH_REQUESTED, WEBHOOK_RESOURCE } from '../messages/event-names.js';
import { refreshRequestDetails } from '../messages/refresh-details.js';
import type { RefreshRequests } from '../ports.js';

/**
 * "Customer Refresh Requested" sent straight to the refresh queue, each message the event
 * exactly as the bus rule (EventBridge → SQS) would deliver it: the envelope with `source`,
 * `detail-type`, `detail` (with its `workspace`) and, for a webhook, the resource the worker
 * reads as a webhook refresh. The receiver's way around a bus that refuses.
 */
export class SqsRefreshEvents implements RefreshRequests {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async request(
    ids: readonly string[],
    origin: 'webhook' | 'event',
    workspace?: string,
  ): Promise<void> {
    const { account, region } = queueOwner(this.queueUrl);
    for (const detail of refreshRequestDetails(ids, workspace)) {
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': REFRESH_REQUESTED,
        source: EVENT_SOURCE,
        account,
        // EventBridge's event time has whole seconds.
        time: this.now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: origin === 'webhook' ? [WEBHOOK_RESOURCE] : [],
        detail,
      };
      await this.client.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(event) }),
      );
    }
  }
}

/**
 * The account and region in a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`),
 * as the bus would stamp them; empty when the URL does not say (a local endpoint).
 */
function queueOwner(url: string): { account: string; region: string } {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.[^/]+\/(\d{12})\//.exec(url);
  return { region: match?.[1] ?? '', account: match?.[2] ?? '' };
}
