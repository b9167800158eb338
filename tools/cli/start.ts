import { piriodOf } from '../../lib/compose/piriod.js';
import { customerTable } from '../../lib/compose/table.js';
import {
  ConfigError,
  checkPiriodVariables,
  loadPiriodConfig,
  loadStoreConfig,
} from '../../lib/config.js';
import type { Env } from '../../lib/env-variables.js';
import { isLoopbackUrl } from '../../lib/loopback.js';
import { systemClock } from '../../lib/ports.js';
import { ensureTable } from '../../lib/store/create-table.js';
import { startLocalDynamoDb } from '../local/dynamodb-local.js';
import { startSandbox } from '../sandbox/sandbox-server.js';
import { parse } from './args.js';
import { printSummary, runMirrorJob } from './commands/mirror.js';
import { isEntryPoint, runWithProcess } from './entry-point.js';
import { EXIT, UsageError } from './errors.js';
import { AWS_ENV, environmentHelp, PIRIOD_ENV, TABLE_ENV } from './help-env.js';
import type { Io } from './io.js';
import { LocalResources } from './local-resources.js';
import { runCli } from './main.js';
import { startHints } from './playground-hints.js';

/** Customers in the demo sandbox: a few thousand, enough to see progress and paging. */
const DEMO_CUSTOMERS = 3000;

/**
 * `npm start`: with `PIRIOD_API_TOKEN` set, a full mirror of the real account into
 * `CUSTOMERS_TABLE`; without it, a self-contained demo — DynamoDB Local and the sandbox
 * started here, the table created, a full mirror with progress, a summary, sample queries.
 */
export async function start(env: Env, io: Io): Promise<number> {
  if (env.PIRIOD_API_TOKEN?.trim()) {
    io.err(`PIRIOD_API_TOKEN is set: mirroring ${mirroredPiriod(env.PIRIOD_API_URL)}.\n`);
    return runCli(['full-mirror'], env, io);
  }
  // The demo reads its own sandbox, but a malformed Piriod variable (PIRIOD_TEST_MODE=maybe)
  // is still a mistake to report, not to pass over.
  checkPiriodVariables(env);
  const resources = new LocalResources(io, 'interrupted: stopping DynamoDB Local and the sandbox…');
  try {
    io.err(
      'No PIRIOD_API_TOKEN: running the self-contained demo (DynamoDB Local + Piriod sandbox).\n',
    );
    io.err('Starting DynamoDB Local (Java)… ');
    const db = resources.add(await startLocalDynamoDb(), (d) => d.stop());
    io.err(`ready on ${db.endpoint}\n`);
    const sandbox = resources.add(
      await startSandbox({ customers: DEMO_CUSTOMERS, faults: { latencyMs: 5 } }),
      (s) => s.close(),
    );
    io.err(`Piriod sandbox with ${DEMO_CUSTOMERS} customers on ${sandbox.url}\n`);

    // The demo builds through the same configuration and composition as a real run.
    const table = customerTable({ ...loadStoreConfig(env), endpoint: db.endpoint });
    const { tableName } = table.config;
    await ensureTable(table.client, tableName);
    io.err(`Table ${tableName} created.\n\nFull mirror:\n`);
    const { client: piriod } = piriodOf(
      loadPiriodConfig({
        PIRIOD_API_URL: sandbox.url,
        PIRIOD_API_TOKEN: sandbox.token,
        PIRIOD_WORKSPACE: sandbox.workspace,
      }),
    );
    const store = table.store;
    const started = Date.now();
    const summary = await runMirrorJob(
      { piriod, store, clock: systemClock, workspace: sandbox.workspace, source: 'cli' },
      [],
      io,
    );
    const seconds = (Date.now() - started) / 1000;
    printSummary(summary, io, tableName);
    const stats = sandbox.stats();
    io.out(
      `Took ${seconds.toFixed(1)} s (${Math.round(summary.synced / seconds)} customers/s), ` +
        `${stats.requests} Piriod requests (${(stats.requests / DEMO_CUSTOMERS).toFixed(3)} per customer).\n`,
    );

    const { queries } = table;
    const first = <T>(it: AsyncIterable<T>, n: number) => take(it, n);
    io.out('\nSample queries:\n');
    const seed = await queries.get('cus_01H8XYZ123ABC');
    io.out(
      `  get cus_01H8XYZ123ABC → ${seed?.name} (${seed?.country?.name}), updated ${seed?.updated}\n`,
    );
    const pending = await first(
      queries.byStatus('pending', { updatedAfter: '2022-01-01T00:00:00Z' }),
      3,
    );
    io.out(
      `  query --status pending --updated-after 2022-01-01 → ${pending.map((c) => `${c.id} ${c.name}`).join('; ')}\n`,
    );
    const sample = sandbox.customers()[42];
    const email =
      typeof sample?.email === 'string' ? sample.email.trim().toLowerCase() : 'billing@example.com';
    const byEmail = await first(queries.byEmail(email), 3);
    io.out(`  query --email ${email} → ${byEmail.map((c) => c.id).join(', ') || '(none)'}\n`);

    // The table above is gone once this returns: the hints lead to `npm run dev` first.
    io.out(`\n${startHints()}`);
    return summary.failed.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await resources.close();
  }
}

/** Which Piriod a run with a token reads: a sandbox on loopback is not "the real account". */
export function mirroredPiriod(url: string | undefined): string {
  if (!url?.trim()) return 'the real Piriod account';
  return isLoopbackUrl(url) ? `the local Piriod sandbox at ${url}` : `the Piriod API at ${url}`;
}

async function take<T>(it: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

/** `npm start`'s usage. */
export const START_HELP = `Usage: npm start

The main job, self-contained. Without PIRIOD_API_TOKEN: starts DynamoDB Local and the Piriod
sandbox (3,000 customers), creates the table, mirrors, prints a summary and sample queries,
and stops everything. With PIRIOD_API_TOKEN and PIRIOD_WORKSPACE: mirrors that account into
CUSTOMERS_TABLE (DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB, or AWS).
Exit: 0 nothing failed · 1 some customers failed · 2 usage or configuration error.

${environmentHelp(PIRIOD_ENV, TABLE_ENV, AWS_ENV)}
`;

/** `npm start [-- --help]`: the demo or the real mirror; no other flags. */
export async function startCommand(argv: string[], env: Env, io: Io): Promise<number> {
  let values: { help?: boolean };
  try {
    values = parse(argv, {}, 'start', false, 'npm start --').values;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`piriod-mirror: ${err.message}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(START_HELP);
    return EXIT.ok;
  }
  try {
    return await start(env, io);
  } catch (err) {
    // A malformed variable, as every command reports it: one line naming it, exit 2.
    if (!(err instanceof ConfigError)) throw err;
    io.err(`piriod-mirror: ${err.message}\n`);
    return EXIT.usage;
  }
}

if (isEntryPoint(import.meta.url)) runWithProcess('piriod-mirror', startCommand);
