/** Composition: the refresh queue and the dead-letter queue. */
import type { SdkBudget } from '../aws/sdk-budgets.js';
import { SqsDeadLetters, SqsRefreshQueue, sqsFromEnv } from '../aws/sqs-queues.js';
import { requireVariable } from '../env-variables.js';

type Env = Record<string, string | undefined>;

/** The refresh queue (`REFRESH_QUEUE_URL`), where the full mirror hands customers off. */
export function refreshQueueFromEnv(env: Env, budget?: SdkBudget): SqsRefreshQueue {
  return new SqsRefreshQueue(sqsFromEnv(env, budget), requireVariable(env, 'REFRESH_QUEUE_URL'));
}

/** The dead-letter queue (`DEAD_LETTER_QUEUE_URL`) for permanent refresh failures. */
export function deadLettersFromEnv(env: Env, budget?: SdkBudget): SqsDeadLetters {
  return new SqsDeadLetters(sqsFromEnv(env, budget), requireVariable(env, 'DEAD_LETTER_QUEUE_URL'));
}
