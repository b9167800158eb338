/** Composition: the ports every path that mirrors customers shares (Piriod and the table). */
import type { PiriodSettings } from '../config.js';
import type { PiriodClient } from '../piriod/client.js';
import { type CustomerStore, systemClock } from '../ports.js';

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
