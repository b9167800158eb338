import { loadCliMirrorConfig } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { PiriodNetworkError } from '../../../lib/piriod/errors.js';
import { plural } from '../../../lib/plural.js';
import type { MirrorStatusLog, PiriodReader } from '../../../lib/ports.js';
import { recordedFullMirror } from '../../../lib/use-cases/cycle-status.js';
import { type MirrorAllDeps, mirrorAll } from '../../../lib/use-cases/mirror-all.js';
import type { RunSummary } from '../../../lib/use-cases/outcome.js';
import { refreshCustomers } from '../../../lib/use-cases/refresh-customers.js';
import { parse } from '../args.js';
import { cliMirrorPorts } from '../compose/cli-mirror-ports.js';
import { checkCustomerIds } from '../customer-id-args.js';
import { EXIT, UsageError } from '../errors.js';
import { AWS_ENV, environmentHelp, PIRIOD_ENV, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';
import { progressReporter } from '../progress.js';
import { WORKSPACE_HELP, WORKSPACE_OPTION, workspaceEnv } from '../workspace-flag.js';

const OPTIONS_HELP = `Options:
  --json         print one JSON summary on stdout:
                 {"synced","created","updated","unchanged","stale","deleted","failed":[{"id","reason"}]}
${WORKSPACE_HELP}
  -h, --help     show this help

Exit: 0 nothing failed · 1 some customers failed · 2 usage or configuration error.
${environmentHelp(PIRIOD_ENV, TABLE_ENV, AWS_ENV)}`;

const FULL_MIRROR_HELP = `Usage: piriod-mirror full-mirror [--workspace W] [--json]

A full mirror of the Piriod workspace into the table: list every page, upsert changed
customers, tombstone customers Piriod no longer has.

${OPTIONS_HELP}`;

const REFRESH_HELP = `Usage: piriod-mirror refresh ID… [--workspace W] [--json]

Refresh the given customers by id (GET /customers/{id}/): upsert each, tombstone one
Piriod no longer has.

${OPTIONS_HELP}`;

const SYNC_HELP = `Usage: piriod-mirror sync [ID…] [--workspace W] [--json]

The former name of two commands, kept as an alias: without ids, \`full-mirror\`; with ids,
\`refresh ID…\`.

${OPTIONS_HELP}`;

/** Which job a run does: `full-mirror`, `refresh`, or `sync` (either, by whether ids are given). */
export type MirrorJob = 'full-mirror' | 'refresh' | 'sync';

const HELP_OF: Record<MirrorJob, string> = {
  'full-mirror': FULL_MIRROR_HELP,
  refresh: REFRESH_HELP,
  sync: SYNC_HELP,
};

/** `full-mirror`, `refresh ID…`, and their old name `sync [ID…]`. */
export async function mirrorCommand(
  argv: string[],
  given: Env,
  io: Io,
  job: MirrorJob = 'sync',
): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, ...WORKSPACE_OPTION },
    job,
  );
  if (values.help) {
    io.out(HELP_OF[job]);
    return EXIT.ok;
  }
  if (job === 'full-mirror' && positionals.length > 0)
    throw new UsageError('full-mirror takes no ids: to refresh customers, run refresh ID…');
  if (job === 'refresh' && positionals.length === 0)
    throw new UsageError('refresh needs at least one customer id: refresh ID…');
  checkCustomerIds(job, positionals);
  const env = workspaceEnv(values.workspace, given, job);
  const { deps, tableName, status } = await cliMirrorPorts(loadCliMirrorConfig(env));
  const summary = await runMirrorJob({ ...deps, source: 'cli' }, positionals, io, status);
  if (values.json) io.out(`${JSON.stringify(summary)}\n`);
  else printSummary(summary, io, tableName);
  return summary.failed.length > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * Runs a full mirror (no ids) or a refresh of ids, with progress on stderr. A full mirror is
 * recorded in `status` when given (`piriod-mirror status` and the library read it).
 */
export async function runMirrorJob(
  deps: MirrorAllDeps,
  ids: string[],
  io: Io,
  status?: MirrorStatusLog,
): Promise<RunSummary> {
  const progress = progressReporter(io);
  const warned: Warned = { count: 0, shown: [] };
  const reach = watchReach(deps.piriod);
  const withProgress: MirrorAllDeps = {
    ...deps,
    piriod: reach.piriod,
    onProgress: (p) => progress.update(p),
    onWarnings: (id, warnings) => {
      // A full mirror may warn about thousands: keep the few shown, count the rest.
      if (warned.count++ < SHOWN_WARNINGS) warned.shown.push({ id, warnings });
    },
  };
  let summary: RunSummary;
  try {
    summary =
      ids.length > 0
        ? (await refreshCustomers(ids, withProgress)).summary
        : status
          ? (await recordedFullMirror(status, deps.clock, () => mirrorAll(withProgress))).summary
          : (await mirrorAll(withProgress)).summary;
  } finally {
    progress.done();
  }
  // Not one customer got through and the connection itself failed: that is a wrong
  // PIRIOD_API_URL or network (exit 2, as for DynamoDB), not customers that failed.
  if (summary.synced === 0 && reach.unreachable) throw reach.unreachable;
  printWarnings(warned, io);
  return summary;
}

/** Customers with warnings named one per line; beyond that, a count keeps the summary visible. */
const SHOWN_WARNINGS = 10;

type Warned = {
  count: number;
  shown: { id: string; warnings: readonly { path: string; message: string }[] }[];
};

/** Which customers were kept despite content warnings, and the first warning of each. */
function printWarnings(warned: Warned, io: Io) {
  if (warned.count === 0) return;
  const who = `${plural(warned.count, 'customer')} ${warned.count === 1 ? 'was' : 'were'}`;
  io.err(`note: ${who} mirrored as given despite content warnings:\n`);
  for (const { id, warnings } of warned.shown) {
    const first = warnings[0];
    const more = warnings.length > 1 ? ` (+${warnings.length - 1} more)` : '';
    io.err(`  ${id}: ${first ? `${first.path}: ${first.message}` : 'content warning'}${more}\n`);
  }
  const rest = warned.count - warned.shown.length;
  if (rest > 0) io.err(`  … and ${plural(rest, 'more customer', 'more customers')}\n`);
}

/** The Piriod reader, and the last connection failure (refused, DNS, TLS) it saw. */
function watchReach(piriod: PiriodReader) {
  const watch: { piriod: PiriodReader; unreachable?: PiriodNetworkError } = {
    piriod: {
      getCustomer: (id, options) =>
        piriod.getCustomer(id, options).catch((err: unknown) => {
          if (err instanceof PiriodNetworkError) watch.unreachable = err;
          throw err;
        }),
      listCustomers: (options) => piriod.listCustomers(options),
    },
  };
  return watch;
}

/** The human summary of a full mirror or a refresh, on stdout. */
export function printSummary(s: RunSummary, io: Io, tableName: string): void {
  io.out(
    `Synced ${plural(s.synced, 'customer')} into ${tableName}: ${s.created} created, ${s.updated} updated, ` +
      `${s.unchanged} unchanged, ${s.stale} stale, ${s.deleted} deleted, ${s.failed.length} failed\n`,
  );
  for (const f of s.failed.slice(0, 50)) io.out(`  failed ${f.id}: ${f.reason}\n`);
  if (s.failed.length > 50) io.out(`  … and ${s.failed.length - 50} more (use --json for all)\n`);
}
