import { customerTable } from '../../../lib/compose/table.js';
import { loadStoreConfig } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { isLoopbackUrl } from '../../../lib/loopback.js';
import { ensureTable } from '../../../lib/store/create-table.js';
import { parse } from '../args.js';
import { EXIT } from '../errors.js';
import { AWS_ENV, environmentHelp, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';

const CREATE_TABLE_HELP = `Usage: piriod-mirror create-table

Creates the customers table (CUSTOMERS_TABLE, default piriod-customers) with the stack's
key schema and indexes, on-demand billing. Idempotent: an existing table is left as is.
It is for DynamoDB Local and trials: unlike the stack's table it has no point-in-time
recovery, no deletion protection and no TTL (doctor's canary items then stay; every reader
skips them). For data you keep, deploy the stack.
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
  const note = outcome === 'created' ? unprotectedTableNote(config.endpoint) : undefined;
  if (note) io.err(`${note}\n`);
  return EXIT.ok;
}

/**
 * What a table made in AWS by `create-table` lacks, said once when it is made there (not on
 * DynamoDB Local, where it does not matter): the stack's table keeps data safe, this one not.
 */
export function unprotectedTableNote(endpoint: string | undefined): string | undefined {
  if (endpoint && isLoopbackUrl(endpoint)) return undefined;
  return "note: this table has no point-in-time recovery, no deletion protection and no TTL, unlike the stack's: for data you keep, deploy the stack (docs/deploy.md)";
}
