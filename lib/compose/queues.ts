/** Composition: the refresh queue and the dead-letter queue. */

import { SqsDeadLetters, SqsRefreshQueue, sqsClient } from '../aws/sqs-queues.js';
import type { QueueConfig } from '../config.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';

/** The refresh queue, where the full mirror hands customers off. */
export function refreshQueue(config: QueueConfig, budget?: SdkBudget): SqsRefreshQueue {
  return new SqsRefreshQueue(sqsClient(config.endpoint, budget), config.url);
}

/** The dead-letter queue for permanent refresh failures. */
export function deadLetterQueue(config: QueueConfig, budget?: SdkBudget): SqsDeadLetters {
  return new SqsDeadLetters(sqsClient(config.endpoint, budget), config.url);
}
