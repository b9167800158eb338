import { syncPortsFromEnv } from '../../compose/sync-ports.js';
import { PiriodNetworkError } from '../../piriod/errors.js';
import { plural } from '../../plural.js';
import type { PiriodReader } from '../../ports.js';
import { mirrorAll } from '../../use-cases/mirror-all.js';
import type { SyncSummary } from '../../use-cases/outcome.js';
import { syncCustomers } from '../../use-cases/sync-customers.js';
import type { SyncDeps } from '../../use-cases/sync-deps.js';
import { parse } from '../args.js';
import { EXIT } from '../errors.js';
import { AWS_ENV, environmentHelp, PIRIOD_ENV, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';
import { progressReporter } from '../progress.js';
import { WORKSPACE_HELP, WORKSPACE_OPTION, workspaceEnv } from '../workspace-flag.js';

export const SYNC_HELP = `Usage: piriod-mirror sync [ID…] [--workspace W] [--json]

Without ids: a full mirror of the Piriod account into the table (list pages, upsert
changed customers, tombstone customers Piriod no longer has). With ids: refresh those.

Options:
  --json     print one JSON summary on stdout:
             {"synced","created","updated","unchanged","stale","deleted","failed":[{"id","reason"}]}
${WORKSPACE_HELP}
  -h, --help show this help

Exit: 0 nothing failed · 1 some customers failed · 2 usage or configuration error.
${environmentHelp(PIRIOD_ENV, TABLE_ENV, AWS_ENV)}`;

/** `sync [ID…] [--json]`. */
export async function syncCommand(
  argv: string[],
  given: Record<string, string | undefined>,
  io: Io,
): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, ...WORKSPACE_OPTION },
    'sync',
  );
  if (values.help) {
    io.out(SYNC_HELP);
    return EXIT.ok;
  }
  const env = workspaceEnv(values.workspace, given, 'sync');
  const { deps, tableName } = await syncPortsFromEnv(env);
  const summary = await runSync({ ...deps, source: 'cli' }, positionals, io);
  if (values.json) io.out(`${JSON.stringify(summary)}\n`);
  else printSummary(summary, io, tableName);
  return summary.failed.length > 0 ? EXIT.failed : EXIT.ok;
}

/** Runs a full mirror (no ids) or a refresh of ids, with progress on stderr. */
export async function runSync(deps: SyncDeps, ids: string[], io: Io): Promise<SyncSummary> {
  const progress = progressReporter(io);
  const warned: Warned = { count: 0, shown: [] };
  const reach = watchReach(deps.piriod);
  const withProgress: SyncDeps = {
    ...deps,
    piriod: reach.piriod,
    onProgress: (p) => progress.update(p),
    onWarnings: (id, warnings) => {
      // A full mirror may warn about thousands: keep the few shown, count the rest.
      if (warned.count++ < SHOWN_WARNINGS) warned.shown.push({ id, warnings });
    },
  };
  let summary: SyncSummary;
  try {
    summary =
      ids.length > 0
        ? (await syncCustomers(ids, withProgress)).summary
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

/** The human summary of a sync, on stdout. */
export function printSummary(s: SyncSummary, io: Io, tableName: string): void {
  io.out(
    `Synced ${plural(s.synced, 'customer')} into ${tableName}: ${s.created} created, ${s.updated} updated, ` +
      `${s.unchanged} unchanged, ${s.stale} stale, ${s.deleted} deleted, ${s.failed.length} failed\n`,
  );
  for (const f of s.failed.slice(0, 50)) io.out(`  failed ${f.id}: ${f.reason}\n`);
  if (s.failed.length > 50) io.out(`  … and ${s.failed.length - 50} more (use --json for all)\n`);
}
