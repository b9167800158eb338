import { InvalidCustomerIdError } from '../../lib/customer/errors.js';
import { ConfigError, type Env } from '../../lib/env-variables.js';
import {
  PiriodCredentialsError,
  PiriodError,
  PiriodNetworkError,
} from '../../lib/piriod/errors.js';
import { StoreError, StoreUnavailableError, TableNotFoundError } from '../../lib/store/errors.js';
import { RunAbortedError } from '../../lib/use-cases/errors.js';
import { isEntryPoint, runWithProcess } from './entry-point.js';
import { EXIT, UsageError } from './errors.js';
import type { Io } from './io.js';
import { hoistWorkspaceFlag } from './workspace-flag.js';

const HELP = `Usage: piriod-mirror <command> [options]
  (in a clone: npx piriod-mirror <command>, or npm run --silent mirror -- <command>)

Mirror Piriod customers into a DynamoDB table and query them.

Commands:
  full-mirror [--json]    mirror the whole workspace into the table
  refresh ID… [--json]    refresh the given customers by id
  sync [ID…] [--json]     the former name of both (no ids: full-mirror; ids: refresh)
  get ID                  print one stored customer as JSON
  query --email E | --tax-id T | --status S [--updated-after ISO] [--workspace W]
                          [--include-deleted]
                          print matching customers as JSON lines
  create-table            create the table with the stack's key schema and indexes
  verify [--json]         report drift between Piriod and the table, without writing
  status [--workspace W] [--json] [--max-age DURATION]
                          how current each workspace's mirror is; exit 1 when stale or failed
  request-refresh ID… [--json]
                          put "Customer Refresh Requested" on the bus (EVENT_BUS_NAME);
                          --json prints {"requested","events","bus","workspace"}
  replay-changes --since ISO [--until ISO] [--rate N] [--json]
                          re-publish "Customer Changed" for customers written in a window
  send-webhook ID [--url URL] [--secret S] [--event NAME]
                          sign and send a webhook as Piriod does (WEBHOOK_URL)
  doctor [--stack NAME] [--workspace W] [--json] [--timeout S] [--schedule-minutes N]
                          prove a deployment (or \`npm run dev\`) works, check by check
  sandbox [--port N] [--customers N] [--workspaces N] [fault options]
                          run the simulated Piriod API (fault options: sandbox --help)

Global option, before or after the command, for full-mirror, refresh, sync, verify,
request-refresh, send-webhook, doctor, status and query:
  --workspace W           the Piriod workspace (acc_…) to work on, instead of PIRIOD_WORKSPACE

Run \`<command> --help\` for a command's options.
`;
type Command = (argv: string[], env: Env, io: Io) => Promise<number>;

/**
 * Each command's module, imported when that command runs: `--help` and a command load only
 * their own code, not every AWS SDK client the CLI has (start-up of the installed command).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  'full-mirror': async () => {
    const { mirrorCommand } = await import('./commands/mirror.js');
    return (argv, env, io) => mirrorCommand(argv, env, io, 'full-mirror');
  },
  refresh: async () => {
    const { mirrorCommand } = await import('./commands/mirror.js');
    return (argv, env, io) => mirrorCommand(argv, env, io, 'refresh');
  },
  sync: async () => (await import('./commands/mirror.js')).mirrorCommand,
  get: async () => (await import('./commands/get.js')).getCommand,
  query: async () => (await import('./commands/query.js')).queryCommand,
  'create-table': async () => (await import('./commands/create-table.js')).createTableCommand,
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  'request-refresh': async () =>
    (await import('./commands/request-refresh.js')).requestRefreshCommand,
  'replay-changes': async () => {
    const { replayChangesCommand } = await import('./commands/replay-changes.js');
    return (argv, env, io) => replayChangesCommand(argv, env, io);
  },
  'send-webhook': async () => (await import('./commands/send-webhook.js')).sendWebhookCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  sandbox: async () => {
    const { sandboxCommand } = await import('./commands/sandbox.js');
    return (argv, _env, io) => sandboxCommand(argv, io);
  },
};

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 customers failed / drift / absent,
 * 2 usage or configuration error (one line on stderr that says what to fix).
 */
export async function runCli(argv: string[], env: Env, io: Io): Promise<number> {
  const [name, ...rest] = hoistWorkspaceFlag(argv);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(
      `piriod-mirror: unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
    return EXIT.usage;
  }
  try {
    const command = await load();
    return await command(rest, env, io);
  } catch (err) {
    return await reportError(err, io);
  }
}

async function reportError(err: unknown, io: Io): Promise<number> {
  const line = (text: string) => io.err(`piriod-mirror: ${text}\n`);
  if (err instanceof RunAbortedError) {
    const cause = err.cause;
    const s = err.partial;
    if (s.synced + s.failed.length > 0) {
      const { printSummary } = await import('./commands/mirror.js');
      printSummary(s, { ...io, out: io.err }, 'the table (partial run)');
    }
    if (cause instanceof PiriodCredentialsError) {
      line(cause.message);
      return EXIT.usage;
    }
    if (cause instanceof PiriodNetworkError) return reportError(cause, io);
    line(`run stopped: ${err.message}`);
    return EXIT.failed;
  }
  if (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof PiriodCredentialsError ||
    err instanceof TableNotFoundError ||
    err instanceof StoreUnavailableError ||
    err instanceof InvalidCustomerIdError
  ) {
    line((err as Error).message);
    return EXIT.usage;
  }
  if (err instanceof PiriodNetworkError) {
    // Like an unreachable DynamoDB: a setting to check, not customers that failed.
    line(`${err.message}: check PIRIOD_API_URL and that this machine can reach it`);
    return EXIT.usage;
  }
  if (err instanceof PiriodError || err instanceof StoreError || err instanceof RangeError) {
    line(err.message);
    return EXIT.failed;
  }
  line(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  return EXIT.failed;
}

/** Runs the CLI with this process's arguments, environment and stdio (`bin/piriod-mirror.mjs`). */
export function runFromProcess(): void {
  runWithProcess('piriod-mirror', runCli);
}

if (isEntryPoint(import.meta.url)) runFromProcess();
