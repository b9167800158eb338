import { customerTable } from '../../../lib/compose/table.js';
import { loadStoreConfig } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { parse } from '../args.js';
import { checkCustomerIds } from '../customer-id-args.js';
import { EXIT, UsageError } from '../errors.js';
import { AWS_ENV, environmentHelp, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';
import { idAndNameFirst } from '../item-order.js';

const GET_HELP = `Usage: piriod-mirror get ID

Prints the stored item (tombstones included) as JSON, id and name first. ID looks like
cus_… (letters, digits, "_" or "-"; at most 64): any other is refused with exit 2.
Exit 1 when the table has no such id.
${environmentHelp(TABLE_ENV, AWS_ENV)}`;

/** `get ID`. */
export async function getCommand(argv: string[], env: Env, io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {}, 'get');
  if (values.help) {
    io.out(GET_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError('get: expected exactly one customer id (see `piriod-mirror get --help`)');
  const id = positionals[0] as string;
  checkCustomerIds('get', [id]);
  const item = await customerTable(loadStoreConfig(env)).queries.get(id);
  if (!item) {
    io.err(`customer ${id} is not in the table\n`);
    return EXIT.failed;
  }
  io.out(`${JSON.stringify(idAndNameFirst(item), null, 2)}\n`);
  return EXIT.ok;
}
