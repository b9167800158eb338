/** Composition: the ports every function that mirrors customers shares (Piriod and the table). */
import type { AttemptInfo } from '../piriod/client.js';
import { systemClock } from '../ports.js';
import { piriodForLambda } from './piriod.js';
import { tableFromEnv } from './table.js';

type Env = Record<string, string | undefined>;

/**
 * Piriod (token from Secrets Manager) and the table store, with the workspace, mode and
 * concurrency from the same settings, for `full-mirror` and `sync-customers`.
 */
export async function mirrorPortsForFunction(env: Env, onAttempt?: (a: AttemptInfo) => void) {
  const piriod = await piriodForLambda(env, onAttempt);
  return {
    piriod: piriod.client,
    store: tableFromEnv(env).store,
    workspace: piriod.settings.workspace,
    testMode: piriod.settings.testMode,
    concurrency: piriod.settings.concurrency,
    clock: systemClock,
  };
}
