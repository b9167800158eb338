import { ConfigError } from '../../lib/config.js';
import { InvalidCustomerIdError } from '../../lib/customer/errors.js';
import type { Env } from '../../lib/env-variables.js';
import {
  PiriodCredentialsError,
  PiriodError,
  PiriodNetworkError,
} from '../../lib/piriod/errors.js';
import { StoreError, StoreUnavailableError, TableNotFoundError } from '../../lib/store/errors.js';
import { RunAbortedError } from '../../lib/use-cases/errors.js';
import { CREATE_TABLE_HELP, createTableCommand } from './commands/create-table.js';
import { DOCTOR_HELP, doctorCommand } from './commands/doctor.js';
import { GET_HELP, getCommand } from './commands/get.js';
import {
  FULL_MIRROR_HELP,
  mirrorCommand,
  printSummary,
  REFRESH_HELP,
  SYNC_HELP,
} from './commands/mirror.js';
import { QUERY_HELP, queryCommand } from './commands/query.js';
import { REPLAY_CHANGES_HELP, replayChangesCommand } from './commands/replay-changes.js';
import { REQUEST_REFRESH_HELP, requestRefreshCommand } from './commands/request-refresh.js';
import { SANDBOX_HELP, sandboxCommand } from './commands/sandbox.js';
import { SEND_WEBHOOK_HELP, sendWebhookCommand } from './commands/send-webhook.js';
import { VERIFY_HELP, verifyCommand } from './commands/verify.js';
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
  query --email E | --tax-id T | --status S [--updated-after ISO] [--include-deleted]
                          print matching customers as JSON lines
  create-table            create the table with the stack's key schema and indexes
  verify [--json]         report drift between Piriod and the table, without writing
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
request-refresh, send-webhook and doctor:
  --workspace W           the Piriod workspace (acc_…) to work on, instead of PIRIOD_WORKSPACE

Run \`<command> --help\` for a command's options.
`;
type Command = (argv: string[], env: Env, io: Io) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  'full-mirror': {
    run: (argv, env, io) => mirrorCommand(argv, env, io, 'full-mirror'),
    help: FULL_MIRROR_HELP,
  },
  refresh: { run: (argv, env, io) => mirrorCommand(argv, env, io, 'refresh'), help: REFRESH_HELP },
  sync: { run: mirrorCommand, help: SYNC_HELP },
  get: { run: getCommand, help: GET_HELP },
  query: { run: queryCommand, help: QUERY_HELP },
  'create-table': { run: createTableCommand, help: CREATE_TABLE_HELP },
  verify: { run: verifyCommand, help: VERIFY_HELP },
  'request-refresh': { run: requestRefreshCommand, help: REQUEST_REFRESH_HELP },
  'replay-changes': {
    run: (argv, env, io) => replayChangesCommand(argv, env, io),
    help: REPLAY_CHANGES_HELP,
  },
  'send-webhook': { run: sendWebhookCommand, help: SEND_WEBHOOK_HELP },
  doctor: { run: doctorCommand, help: DOCTOR_HELP },
  sandbox: { run: (argv, _env, io) => sandboxCommand(argv, io), help: SANDBOX_HELP },
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
  const command = COMMANDS[name];
  if (!command) {
    io.err(
      `piriod-mirror: unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
    return EXIT.usage;
  }
  try {
    return await command.run(rest, env, io);
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: Io): number {
  const line = (text: string) => io.err(`piriod-mirror: ${text}\n`);
  if (err instanceof RunAbortedError) {
    const cause = err.cause;
    const s = err.partial;
    if (s.synced + s.failed.length > 0)
      printSummary(s, { ...io, out: io.err }, 'the table (partial run)');
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
