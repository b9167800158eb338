import { eventBus } from '../../../lib/compose/bus.js';
import { loadBusConfig } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { plural } from '../../../lib/plural.js';
import { awsSetupProblem } from '../../../lib/sdk/sdk-errors.js';
import { parse } from '../args.js';
import { checkCustomerIds } from '../customer-id-args.js';
import { EXIT, UsageError } from '../errors.js';
import { AWS_ENV, BUS_ENV, environmentHelp } from '../help-env.js';
import type { Io } from '../io.js';
import { WORKSPACE_HELP, WORKSPACE_OPTION, workspaceEnv } from '../workspace-flag.js';

const REQUEST_REFRESH_HELP = `Usage: piriod-mirror request-refresh ID… [--workspace W] [--json]

Puts "Customer Refresh Requested" on the configured bus (EVENT_BUS_NAME): 1–100 ids per
event, batched beyond that. In AWS, the stack's EventBusName output (credentials and region
from the usual AWS settings); locally, the bus of \`npm run dev\`, which prints the
AWS_ENDPOINT_URL_EVENTBRIDGE and EVENT_BUS_NAME to use. Every id is checked first: a bad one
stops the command with exit 2 and nothing is sent. The events name the workspace
(detail.workspace: --workspace, else PIRIOD_WORKSPACE), which a stack that mirrors several
requires; with neither, a one-workspace stack refreshes in its only workspace. Ids look
like cus_… (letters, digits, "_" or "-"; at most 64).

  --json         print {"requested": n, "events": n, "bus": "…", "workspace": "acc_…"} on
                 stdout (workspace when the events name one)
${WORKSPACE_HELP}
${environmentHelp(BUS_ENV, 'PIRIOD_WORKSPACE', AWS_ENV)}`;

/** `request-refresh ID…`. */
export async function requestRefreshCommand(argv: string[], given: Env, io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, ...WORKSPACE_OPTION },
    'request-refresh',
  );
  if (values.help) {
    io.out(REQUEST_REFRESH_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) {
    throw new UsageError(
      'request-refresh: expected one or more customer ids (see `piriod-mirror request-refresh --help`)',
    );
  }
  checkCustomerIds('request-refresh', positionals, { sends: true });
  const env = workspaceEnv(values.workspace, given, 'request-refresh');
  const workspace = env.PIRIOD_WORKSPACE?.trim() || undefined;
  const ids = [...new Set(positionals)];
  const bus = loadBusConfig(env, 'cli');
  const busName = bus.name;
  try {
    await eventBus(bus).request(ids, 'event', workspace);
  } catch (err) {
    // Missing AWS credentials or region is a configuration error, like a missing token.
    const setup = awsSetupProblem(err);
    io.err(
      `piriod-mirror: could not put the refresh request on ${busName}: ${setup ?? (err as Error).message}\n`,
    );
    return setup ? EXIT.usage : EXIT.failed;
  }
  const events = Math.ceil(ids.length / 100);
  if (values.json)
    io.out(
      `${JSON.stringify({ requested: ids.length, events, bus: busName, ...(workspace ? { workspace } : {}) })}\n`,
    );
  else
    io.out(
      `Requested a refresh of ${plural(ids.length, 'customer')}${workspace ? ` of ${workspace}` : ''} in ${plural(events, 'event')} on ${busName}.\n`,
    );
  return EXIT.ok;
}
