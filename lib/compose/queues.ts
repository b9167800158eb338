/** Composition: the refresh queue and the dead-letter queue. */

import { SqsDeadLetters, SqsRefreshQueue, sqsClient } from '../aws/sqs-queues.js';
import { SqsRefreshEvents } from '../aws/sqs-refresh-events.js';
import type { QueueConfig } from '../config.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';

/** The refresh queue, where the full mirror hands customers off. */
export function refreshQueue(config: QueueConfig, budget?: SdkBudget): SqsRefreshQueue {
  return new SqsRefreshQueue(sqsClient(config.endpoint, budget), config.url);
}

/**
 * The refresh queue sent "Customer Refresh Requested" events as the bus rule delivers them:
 * the receiver's fallback when the bus refuses.
 */
export function refreshEventsQueue(config: QueueConfig, budget?: SdkBudget): SqsRefreshEvents {
  return new SqsRefreshEvents(sqsClient(config.endpoint, budget), config.url);
}

/** The dead-letter queue for permanent refresh failures. */
export function deadLetterQueue(config: QueueConfig, budget?: SdkBudget): SqsDeadLetters {
  return new SqsDeadLetters(sqsClient(config.endpoint, budget), config.url);
}
