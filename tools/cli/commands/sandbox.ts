import { MAX_WORKSPACES } from '../../../lib/customer/workspaces.js';
import { plural } from '../../../lib/plural.js';
import { startSandbox } from '../../sandbox/sandbox-server.js';
import { intFlag, parse, rateFlag } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { environmentHelp } from '../help-env.js';
import type { Io } from '../io.js';

const SANDBOX_HELP = `Usage: piriod-mirror sandbox [--port N] [--customers N] [--workspaces N] [fault options]

Runs the simulated Piriod API on 127.0.0.1 until Ctrl-C, and prints its URL, token and
workspace. Faults can also be changed while it runs: PATCH /_sandbox/faults/.
  --port N            port (default: a free one)
  --customers N       seeded customers per workspace (default 1000)
  --workspaces N      workspaces served, each with its own token and customers (default 1:
                      acc_sandbox; then acc_sandbox_2, …)
  --seed N            data seed (default 42)
  --latency MS        delay before every answer
  --error-rate F      fraction answered 5xx         --rate-limit-rate F  fraction answered 429
  --hang-rate F       fraction never answered       --malformed-rate F   fraction with a cut body
  --invalid-every N   make every Nth customer schema-invalid
${environmentHelp('none (everything is a flag)')}`;

/** `sandbox [--port N] [--customers N]`: runs until SIGINT/SIGTERM. */
export async function sandboxCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(
    argv,
    {
      port: { type: 'string' },
      customers: { type: 'string' },
      workspaces: { type: 'string' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      'error-rate': { type: 'string' },
      'rate-limit-rate': { type: 'string' },
      'hang-rate': { type: 'string' },
      'malformed-rate': { type: 'string' },
      'invalid-every': { type: 'string' },
    },
    'sandbox',
    false,
  );
  if (values.help) {
    io.out(SANDBOX_HELP);
    return EXIT.ok;
  }
  const faults = Object.fromEntries(
    Object.entries({
      latencyMs: values.latency === undefined ? undefined : intFlag(values.latency, 'latency', 0),
      errorRate: rateFlag(values['error-rate'], 'error-rate'),
      rateLimitRate: rateFlag(values['rate-limit-rate'], 'rate-limit-rate'),
      hangRate: rateFlag(values['hang-rate'], 'hang-rate'),
      malformedRate: rateFlag(values['malformed-rate'], 'malformed-rate'),
    }).filter(([, v]) => v !== undefined),
  );
  const workspaces = intFlag(values.workspaces, 'workspaces', 1, 1);
  if (workspaces > MAX_WORKSPACES) {
    throw new UsageError(`--workspaces must be at most ${MAX_WORKSPACES}, got ${workspaces}`);
  }
  const sandbox = await startSandbox({
    workspaces,
    port: intFlag(values.port, 'port', 0),
    customers: intFlag(values.customers, 'customers', 1000),
    seed: intFlag(values.seed, 'seed', 42),
    invalidEvery: intFlag(values['invalid-every'], 'invalid-every', 0),
    faults,
  });
  io.out(
    `Piriod sandbox on ${sandbox.url} with ${plural(sandbox.customers().length, 'customer')}\n` +
      `  export PIRIOD_API_URL=${sandbox.url}\n` +
      `  export PIRIOD_API_TOKEN=${sandbox.token}\n` +
      `  export PIRIOD_WORKSPACE=${sandbox.workspace}\n` +
      sandbox.workspaces
        .slice(1)
        .map((w) => `  # workspace ${w.id}: PIRIOD_API_TOKEN=${w.token} PIRIOD_WORKSPACE=${w.id}\n`)
        .join('') +
      'Press Ctrl-C to stop.\n',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  io.err('sandbox stopped\n');
  return EXIT.ok;
}
