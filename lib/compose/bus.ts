/** Composition: the stack's event bus. Its own module, so the functions that only publish bundle no other client. */
import { EventBridgeBus, eventBridgeClient } from '../aws/event-bridge-bus.js';
import type { BusConfig } from '../config.js';
import type { SdkBudget } from '../sdk/sdk-budgets.js';

/**
 * The stack's event bus as `config` names it: refresh requests, changes, continuations.
 * `budget`: the caller's SDK timeouts (the CLI's by default).
 */
export function eventBus(config: BusConfig, budget?: SdkBudget): EventBridgeBus {
  return new EventBridgeBus(eventBridgeClient(config.endpoint, budget), config.name);
}
