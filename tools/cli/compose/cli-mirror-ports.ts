/** Composition: everything a CLI `full-mirror`, `refresh` or `verify` run needs. */

import { piriodOf } from '../../../lib/compose/piriod.js';
import { customerTable } from '../../../lib/compose/table.js';
import type { CliMirrorConfig } from '../../../lib/config.js';
import { checkTable } from '../../../lib/store/create-table.js';
import { DynamoMirrorStatus } from '../../../lib/store/dynamodb-mirror-status.js';
import { mirrorPortsOf } from './mirror-ports.js';

/**
 * The ports of a full mirror or a verify run composed from `config`, after checking that the
 * table is there and reachable, so a wrong endpoint or table stops the run before any work.
 */
export async function cliMirrorPorts(config: CliMirrorConfig) {
  const piriod = piriodOf(config.piriod);
  const table = customerTable(config.store);
  await checkTable(table.client, table.config.tableName);
  const deps = mirrorPortsOf(piriod, table.store);
  return {
    tableName: table.config.tableName,
    deps,
    /** The full mirror's status of the run's workspace and mode (a full mirror records it). */
    status: new DynamoMirrorStatus({
      client: table.client,
      tableName: table.config.tableName,
      scope: { workspace: deps.workspace, testMode: deps.testMode },
    }),
  };
}
