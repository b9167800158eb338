import { customerTable } from '../../../lib/compose/table.js';
import { loadStoreConfig } from '../../../lib/config.js';
import { KNOWN_STATUSES } from '../../../lib/customer/content-warnings.js';
import { toUtcIso } from '../../../lib/customer/timestamp.js';
import type { Env } from '../../../lib/env-variables.js';
import { parse } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { AWS_ENV, environmentHelp, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';
import { idAndNameFirst } from '../item-order.js';
import { testModeOf, WORKSPACE_OPTION, workspaceEnv } from '../workspace-flag.js';

const QUERY_HELP = `Usage: piriod-mirror query --email E | --tax-id T | --status S [--updated-after ISO] [--workspace W]
                          [--include-deleted]

Prints matching customers as JSON lines, id and name first (tombstones excluded unless
--include-deleted).
  --email E           by email (case-insensitive)
  --tax-id T          by tax id (RUT, RFC, NIT…)
  --status S          by status (active, archived, pending), oldest updated first
  --updated-after ISO with --status: only customers updated strictly after this instant
  --include-deleted   include customers Piriod no longer has
  --workspace W       only customers of this workspace (acc_…), in the mode of PIRIOD_TEST_MODE
                      (or the workspace's in PIRIOD_WORKSPACES); default: every workspace
${environmentHelp(TABLE_ENV, AWS_ENV)}`;

/** `query --email E | --tax-id T | --status S [--updated-after ISO]`. */
export async function queryCommand(argv: string[], env: Env, io: Io): Promise<number> {
  const { values } = parse(
    argv,
    {
      email: { type: 'string' },
      'tax-id': { type: 'string' },
      status: { type: 'string' },
      'updated-after': { type: 'string' },
      'include-deleted': { type: 'boolean' },
      ...WORKSPACE_OPTION,
    },
    'query',
    false,
  );
  if (values.help) {
    io.out(QUERY_HELP);
    return EXIT.ok;
  }
  const chosen = (['email', 'tax-id', 'status'] as const).filter((k) => values[k] !== undefined);
  if (chosen.length !== 1) {
    throw new UsageError(
      'query: give exactly one of --email, --tax-id or --status (see `piriod-mirror query --help`)',
    );
  }
  const after = values['updated-after'];
  if (after !== undefined && values.status === undefined) {
    throw new UsageError('query: --updated-after only works with --status');
  }
  if (after !== undefined && !toUtcIso(after)) {
    throw new UsageError(
      `query: --updated-after must be an ISO-8601 timestamp, got ${JSON.stringify(after)}`,
    );
  }
  const { queries } = customerTable(loadStoreConfig(env));
  const opts = {
    includeDeleted: values['include-deleted'] === true,
    ...workspaceFilter(values.workspace, env),
  };
  const results =
    values.email !== undefined
      ? queries.byEmail(values.email, opts)
      : values['tax-id'] !== undefined
        ? queries.byTaxId(values['tax-id'], opts)
        : queries.byStatus(values.status as string, { ...opts, updatedAfter: after });
  let rows = 0;
  for await (const item of results) {
    rows++;
    io.out(`${JSON.stringify(idAndNameFirst(item))}\n`);
  }
  // A status Piriod does not use matches nothing, which looks like an empty table: say so.
  // Statuses outside the known ones are mirrored as given, so one that has rows is answered.
  if (rows === 0 && values.status !== undefined && !KNOWN_STATUSES.has(values.status)) {
    throw new UsageError(
      `query: no customer has status ${JSON.stringify(values.status)}; Piriod's statuses are ${[...KNOWN_STATUSES].join(', ')}`,
    );
  }
  return EXIT.ok;
}

/** `--workspace W`: the workspace and mode to keep (the mode as for every command on W). */
function workspaceFilter(flag: string | undefined, env: Env) {
  if (flag === undefined) return {};
  const scoped = workspaceEnv(flag, env, 'query');
  return {
    workspace: scoped.PIRIOD_WORKSPACE as string,
    testMode: testModeOf(scoped),
  };
}
