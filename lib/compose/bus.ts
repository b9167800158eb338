/** Composition: the stack's event bus. Its own module, so the functions that only publish bundle no other client. */
import { EventBridgeBus, eventBridgeFromEnv } from '../aws/event-bridge-bus.js';
import type { SdkBudget } from '../aws/sdk-budgets.js';
import { requireVariable } from '../env-variables.js';

type Env = Record<string, string | undefined>;

/**
 * The stack's event bus (`EVENT_BUS_NAME`): refresh requests, changes, continuations.
 * `budget`: the caller's SDK timeouts (the CLI's by default).
 */
export function busFromEnv(env: Env, budget?: SdkBudget): EventBridgeBus {
  return new EventBridgeBus(
    eventBridgeFromEnv(env, budget),
    requireVariable(env, 'EVENT_BUS_NAME'),
  );
}
