import { isPiriodCustomerId, isValidCustomerId } from '../../lib/customer/ids.js';
import { UsageError } from './errors.js';

/** The form every command shows when it refuses an id. */
export const CUSTOMER_ID_FORM = 'expected cus_… (letters, digits, "_" or "-"; at most 64)';

/**
 * Checks a command's customer ids before anything is read or sent, the same way in every
 * command: a bad one is a usage error (exit 2) naming it and the expected form. `get`,
 * `refresh` and `request-refresh` accept what the worker accepts; `send-webhook` only ids
 * with Piriod's `cus_` prefix, since the receiver routes notifications on it.
 *
 * @param command the command, to start the line with
 * @param ids the ids given on the command line
 * @param options `piriodPrefix` for the receiver's stricter rule; `sends` when a refused id
 *   means nothing was sent
 */
export function checkCustomerIds(
  command: string,
  ids: readonly string[],
  options: { piriodPrefix?: boolean; sends?: boolean } = {},
): void {
  const valid = options.piriodPrefix ? isPiriodCustomerId : isValidCustomerId;
  const invalid = ids.filter((id) => !valid(id));
  if (invalid.length === 0) return;
  const shown = invalid
    .slice(0, 3)
    .map((id) => JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id));
  const what =
    invalid.length === 1
      ? `${shown[0]} is not a Piriod customer id`
      : `${invalid.length} ids are not Piriod customer ids (${shown.join(', ')}${invalid.length > 3 ? ', …' : ''})`;
  throw new UsageError(
    `${command}: ${what}; ${CUSTOMER_ID_FORM}${options.sends ? '; nothing was sent' : ''}`,
  );
}
