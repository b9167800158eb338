import { customerTable } from '../../../lib/compose/table.js';
import { loadStoreConfig } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { ensureTable } from '../../../lib/store/create-table.js';
import { parse } from '../args.js';
import { EXIT } from '../errors.js';
import { AWS_ENV, environmentHelp, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';

const CREATE_TABLE_HELP = `Usage: piriod-mirror create-table

Creates the customers table (CUSTOMERS_TABLE, default piriod-customers) with the stack's
key schema and indexes, on-demand billing. Idempotent: an existing table is left as is.
${environmentHelp(TABLE_ENV, AWS_ENV)}`;

/** `create-table`. */
export async function createTableCommand(argv: string[], env: Env, io: Io): Promise<number> {
  const { values } = parse(argv, {}, 'create-table', false);
  if (values.help) {
    io.out(CREATE_TABLE_HELP);
    return EXIT.ok;
  }
  const { client, config } = customerTable(loadStoreConfig(env));
  const outcome = await ensureTable(client, config.tableName);
  io.out(
    outcome === 'created'
      ? `created table ${config.tableName}\n`
      : `table ${config.tableName} already exists\n`,
  );
  return EXIT.ok;
}
