/** Composition: the ports every path that mirrors customers shares (Piriod and the table). */
import type { SdkBudget } from '../aws/sdk-budgets.js';
import type { PiriodSettings } from '../config.js';
import type { AttemptInfo, PiriodClient } from '../piriod/client.js';
import { type CustomerStore, systemClock } from '../ports.js';
import { piriodForLambda } from './piriod.js';
import { storeFromEnv } from './table.js';

type Env = Record<string, string | undefined>;

/**
 * The mirroring ports from a Piriod client and a store: the workspace, mode and concurrency
 * always come from the same settings as the client, on every path (functions and CLI).
 */
export function mirrorPortsOf(
  piriod: { client: PiriodClient; settings: PiriodSettings },
  store: CustomerStore,
) {
  return {
    piriod: piriod.client,
    store,
    workspace: piriod.settings.workspace,
    testMode: piriod.settings.testMode,
    concurrency: piriod.settings.concurrency,
    clock: systemClock,
  };
}

/**
 * Piriod (token from Secrets Manager) and the table store, for `full-mirror` and
 * `sync-customers`, every AWS call bounded by the function's `budget`.
 */
export async function mirrorPortsForFunction(
  env: Env,
  onAttempt?: (a: AttemptInfo) => void,
  budget?: SdkBudget,
) {
  return mirrorPortsOf(await piriodForLambda(env, onAttempt, budget), storeFromEnv(env, budget));
}
