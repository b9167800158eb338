/** Composition: the ports of the CLI's full mirror, refresh and verify runs (Piriod and the table). */
import type { PiriodConnection } from '../../../lib/config.js';
import type { Workspace } from '../../../lib/customer/workspaces.js';
import type { PiriodClient } from '../../../lib/piriod/client.js';
import { type CustomerStore, systemClock } from '../../../lib/ports.js';

/**
 * The mirroring ports from a Piriod client and a store: the workspace, mode and concurrency
 * always come from the same settings as the client.
 */
export function mirrorPortsOf(
  piriod: { client: PiriodClient; connection: PiriodConnection; workspace: Workspace },
  store: CustomerStore,
) {
  return {
    piriod: piriod.client,
    store,
    workspace: piriod.workspace.id,
    testMode: piriod.workspace.testMode,
    concurrency: piriod.connection.concurrency,
    clock: systemClock,
  };
}
