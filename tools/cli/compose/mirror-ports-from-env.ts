/** Composition: everything a CLI `sync` or `verify` run needs. */

import { mirrorPortsOf } from '../../../lib/compose/mirror-ports.js';
import { piriodFromEnv } from '../../../lib/compose/piriod.js';
import { tableFromEnv } from '../../../lib/compose/table.js';
import { checkTable } from '../../../lib/store/create-table.js';

type Env = Record<string, string | undefined>;

/**
 * The ports of a full mirror or a verify run from the environment, after checking that the
 * table is there and reachable, so a wrong endpoint or table stops the run before any work.
 */
export async function mirrorPortsFromEnv(env: Env) {
  const piriod = piriodFromEnv(env);
  const table = tableFromEnv(env);
  await checkTable(table.client, table.config.tableName);
  return {
    tableName: table.config.tableName,
    deps: mirrorPortsOf(piriod, table.store),
  };
}
