import { randomBytes } from 'node:crypto';
import { eventBus } from '../../lib/compose/bus.js';
import { customerTable } from '../../lib/compose/table.js';
import { type Env, loadBusConfig, loadStoreConfig } from '../../lib/config.js';
import { MAX_WORKSPACES } from '../../lib/customer/workspaces.js';
import { ensureTable } from '../../lib/store/create-table.js';
import { intFlag, parse } from '../cli/args.js';
import { isEntryPoint, runWithProcess } from '../cli/entry-point.js';
import { EXIT, UsageError } from '../cli/errors.js';
import { AWS_ENV, environmentHelp, PIRIOD_ENV, TABLE_ENV } from '../cli/help-env.js';
import type { Io } from '../cli/io.js';
import { LocalResources } from '../cli/local-resources.js';
import { devTryCommands, devWorkspaceHints } from '../cli/playground-hints.js';
import { startLocalDynamoDb } from '../local/dynamodb-local.js';
import { patchCustomer } from '../sandbox/sandbox-client.js';
import { type Sandbox, startSandbox } from '../sandbox/sandbox-server.js';
import { type DevRuntime, type Hop, startDevRuntime } from './dev-runtime.js';
import { exportBlock } from './export-block.js';

export const DEV_HELP = `Usage: npm run dev [-- --demo] [--json] [--interval SECONDS] [--customers N]
                   [--workspaces N]

Runs the serverless flow on this machine with the handler modules Lambda runs:
receive-webhook behind a local URL, a local bus with the stack's rules, a local refresh
queue with the stack's SQS settings feeding refresh-customers, a dead-letter queue, and
full-mirror on a schedule. Without PIRIOD_API_TOKEN it starts DynamoDB Local and the sandbox,
whose every change is sent to the receiver as a signed webhook. Each hop is printed as it
happens; Ctrl-C stops everything. Once ready it prints \`export NAME=value\` lines on stdout
(\`npm run --silent dev > dev.env\` keeps them a file a shell can source: without --silent
npm adds its own lines) and, on stderr, three commands to paste after them: a PATCH of a
sandbox customer, \`send-webhook\` and \`get\`.

  --demo            edit customers in the sandbox, report webhook → table latency, send a
                    poison request and show it in the dead-letter queue, then exit
  --json            print hops as JSON lines
  --interval S      full-mirror schedule in seconds (default 300)
  --customers N     sandbox customers (default 200, per workspace)
  --workspaces N    sandbox workspaces, as a stack that mirrors several (default 1):
                    acc_sandbox, acc_sandbox_2, …, each with its own token, webhook secret
                    (webhooks to WEBHOOK_URL?workspace=W) and scheduled full mirror; the
                    exported variables name the first, --workspace W targets another

${environmentHelp(PIRIOD_ENV, TABLE_ENV, AWS_ENV)}
`;

/** Customers the demo edits. */
const DEMO_EDITS = 20;
/** How long the demo waits for a change to reach the table. */
const DEMO_TIMEOUT_MS = 30_000;

/** `npm run dev`: the local serverless flow, or `--demo` for a scripted run. */
export async function dev(argv: string[], env: Env, io: Io): Promise<number> {
  const flags = devFlags(argv, env);
  if (flags === 'help') {
    io.out(DEV_HELP);
    return EXIT.ok;
  }
  const { intervalMs, workspaceCount } = flags;
  const started = Date.now();
  const print = (hop: Hop) => {
    const at = ((Date.now() - started) / 1000).toFixed(1);
    io.err(
      flags.json ? `${JSON.stringify({ at: Number(at), ...hop })}\n` : `+${at}s ${describe(hop)}\n`,
    );
  };

  const resources = new LocalResources(io, 'stopping…');
  try {
    const secret =
      env.PIRIOD_WEBHOOK_SECRET?.trim() || `whsecret_dev_${randomBytes(8).toString('hex')}`;
    const { functionEnv, sandbox } =
      env.PIRIOD_API_TOKEN?.trim() && !flags.demo
        ? ownAccount(env, io)
        : await sandboxAccount(env, io, resources, flags);
    const runtime = resources.add(
      await startDevRuntime({
        env: functionEnv,
        sandbox,
        webhookSecret: secret,
        ...(sandbox && workspaceCount > 1
          ? {
              workspaces: sandbox.workspaces.map((w, i) => ({
                id: w.id,
                token: w.token,
                // The first keeps the secret of a one-workspace run (or the user's own).
                webhookSecret: i === 0 ? secret : `whsecret_dev_${randomBytes(8).toString('hex')}`,
              })),
            }
          : {}),
        fullMirrorIntervalMs: flags.demo ? 0 : intervalMs,
        onHop: print,
      }),
      (r) => r.close(),
    );
    io.err(`Webhook receiver: ${runtime.webhookUrl}\n\nInitial full mirror (full-mirror):\n`);
    await runtime.runFullMirror();
    if (!flags.demo) {
      printReady(env, io, runtime, sandbox, workspaceCount);
      const each = workspaceCount > 1 ? ' for each workspace' : '';
      io.err(`\nWatching. full-mirror runs every ${intervalMs / 1000} s${each}. Ctrl-C stops.\n`);
      await new Promise<never>(() => {});
    }
    return await demo(runtime, sandbox as Sandbox, io);
  } finally {
    await resources.close();
  }
}

/** The flags of `npm run dev`, checked; `help` for `--help`. */
interface DevFlags {
  demo: boolean;
  json: boolean;
  intervalMs: number;
  customers: number;
  workspaceCount: number;
}

function devFlags(argv: string[], env: Env): DevFlags | 'help' {
  const { values } = parse(
    argv,
    {
      demo: { type: 'boolean' },
      json: { type: 'boolean' },
      interval: { type: 'string' },
      customers: { type: 'string' },
      workspaces: { type: 'string' },
    },
    'dev',
    false,
    'npm run dev --',
  );
  if (values.help) return 'help';
  const intervalMs = intFlag(values.interval, 'interval', 300, 1) * 1000;
  const customers = intFlag(values.customers, 'customers', 200, 1);
  const workspaceCount = intFlag(values.workspaces, 'workspaces', 1, 1);
  if (workspaceCount > MAX_WORKSPACES) {
    throw new UsageError(`--workspaces must be at most ${MAX_WORKSPACES}, got ${workspaceCount}`);
  }
  if (workspaceCount > 1 && values.demo) {
    throw new UsageError('dev: --demo runs one workspace; drop --workspaces or --demo');
  }
  if (workspaceCount > 1 && env.PIRIOD_API_TOKEN?.trim()) {
    throw new UsageError(
      'dev: --workspaces runs sandbox workspaces; unset PIRIOD_API_TOKEN (it reads your Piriod account, one workspace)',
    );
  }
  return {
    demo: values.demo === true,
    json: values.json === true,
    intervalMs,
    customers,
    workspaceCount,
  };
}

/** Where the functions read and write: Piriod, the table, and the sandbox when it is one. */
interface FunctionSide {
  functionEnv: Env;
  sandbox: Sandbox | undefined;
}

/** The user's own Piriod account and table, as the environment names them. */
function ownAccount(env: Env, io: Io): FunctionSide {
  io.err('PIRIOD_API_TOKEN is set: the local flow reads your Piriod account.\n');
  return { functionEnv: { ...env }, sandbox: undefined };
}

/** DynamoDB Local and the sandbox, started for this run, with the table created. */
async function sandboxAccount(
  env: Env,
  io: Io,
  resources: LocalResources,
  flags: DevFlags,
): Promise<FunctionSide> {
  const { customers, workspaceCount } = flags;
  io.err('Starting DynamoDB Local (Java)… ');
  const db = resources.add(await startLocalDynamoDb(), (d) => d.stop());
  io.err(`ready.\n`);
  const sandbox = resources.add(
    await startSandbox({ customers, workspaces: workspaceCount, faults: { latencyMs: 20 } }),
    (s) => s.close(),
  );
  const table = customerTable({ ...loadStoreConfig(env), endpoint: db.endpoint });
  const { tableName } = table.config;
  await ensureTable(table.client, tableName);
  io.err(
    workspaceCount > 1
      ? `Sandbox with ${workspaceCount} workspaces (${sandbox.workspaces.map((w) => w.id).join(', ')}) of ${customers} customers each on ${sandbox.url}; table ${tableName}.\n`
      : `Sandbox with ${customers} customers on ${sandbox.url}; table ${tableName}.\n`,
  );
  return {
    functionEnv: {
      PIRIOD_API_URL: sandbox.url,
      PIRIOD_API_TOKEN: sandbox.token,
      PIRIOD_WORKSPACE: sandbox.workspace,
      CUSTOMERS_TABLE: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    },
    sandbox,
  };
}

/**
 * Ready: the export block on stdout, so `npm run --silent dev > dev.env` (without --silent npm
 * adds its own header lines, which a shell would run) or a copy-paste gives another shell
 * everything the CLI needs, and commands to try on stderr. Secrets the user brought
 * are not echoed back.
 */
function printReady(
  env: Env,
  io: Io,
  runtime: DevRuntime,
  sandbox: Sandbox | undefined,
  workspaceCount: number,
): void {
  const withheld = new Set<string>();
  if (!sandbox) withheld.add('PIRIOD_API_TOKEN');
  if (env.PIRIOD_WEBHOOK_SECRET?.trim()) withheld.add('PIRIOD_WEBHOOK_SECRET');
  io.err('\nReady. In another shell, run these lines, then any command (e.g. doctor):\n');
  io.out(exportBlock(runtime.cliEnv, withheld));
  // After the block, on stderr: stdout stays a file a shell can source.
  const sample = sandbox?.customers()[0]?.id ?? 'cus_…';
  io.err(`\n${devTryCommands(sample, sandbox !== undefined)}`);
  if (sandbox && workspaceCount > 1) {
    io.err(
      `\n${devWorkspaceHints(
        sandbox.workspaces.map((w) => ({ id: w.id, sample: w.customers()[0]?.id ?? 'cus_…' })),
      )}`,
    );
  }
}

/** The scripted demo: edits through the sandbox's API, latency to the table, one poison. */
async function demo(runtime: DevRuntime, sandbox: Sandbox, io: Io): Promise<number> {
  io.err(`\nDemo: editing ${DEMO_EDITS} customers through the sandbox's API…\n`);
  const ids = sandbox
    .customers()
    .slice(0, DEMO_EDITS)
    .map((c) => c.id);
  const latencies: number[] = [];
  const late: string[] = [];
  await Promise.all(
    ids.map(async (id, i) => {
      const written = runtime.nextWrite(id);
      const sent = Date.now();
      await patchCustomer(sandbox, id, { manager: `Demo Manager ${i}` });
      const outcome = await Promise.race([
        written,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DEMO_TIMEOUT_MS).unref()),
      ]);
      if (outcome === 'updated') latencies.push(Date.now() - sent);
      else late.push(`${id} (${outcome})`);
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  io.out(
    `\nwebhook → table: ${latencies.length}/${ids.length} changes arrived; p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms\n`,
  );
  io.err('\nSending one poison refresh request (an invalid id)…\n');
  const poison = '../not-a-customer';
  await eventBus(loadBusConfig(runtime.cliEnv, 'cli')).request([poison], 'event');
  await runtime.drained();
  const dead = runtime.deadLetters().find((m) => m.body.includes(poison));
  io.out(
    dead
      ? `dead-letter queue: ${JSON.stringify({ reason: dead.reason, customerId: dead.customerId })}\n`
      : 'dead-letter queue: the poison request did not arrive\n',
  );
  if (late.length > 0) io.out(`not in the table in time: ${late.join(', ')}\n`);
  return late.length === 0 && dead ? EXIT.ok : EXIT.failed;
}

function describe(hop: Hop): string {
  switch (hop.hop) {
    case 'webhook':
      return `webhook${hop.workspace ? ` (${hop.workspace})` : ''} ${hop.customerId ?? ''} answered ${hop.status} in ${hop.ms} ms${hop.error ? ` (${hop.error})` : ''}`;
    case 'bus':
      return `bus: "${hop.detailType}"${hop.ids ? ` [${hop.ids.join(', ')}]` : ''}${hop.workspace ? ` (${hop.workspace})` : ''} → ${hop.routedTo.join(', ') || '(no rule)'}`;
    case 'queue':
      return `queue: batch of ${hop.messages} after ${hop.waitedMs} ms`;
    case 'worker':
      return `worker: ${hop.customerId} ${hop.outcome}`;
    case 'batch-done':
      return `worker: batch of ${hop.messages} done in ${hop.ms} ms${hop.retried ? `, ${hop.retried} to retry` : ''}`;
    case 'dead-letter':
      return `dead-letter queue: ${hop.customerId ?? '(no id)'} — ${hop.reason}`;
    case 'full-mirror': {
      const r = hop.report;
      // A tick while a cycle holds the lease: nothing ran, say why.
      const of = hop.workspace ? ` of ${hop.workspace}` : '';
      if (r.skipped)
        return `full-mirror${of} (${hop.trigger}): skipped (${r.skipped}): ${r.reason}`;
      return `full-mirror${of} (${hop.trigger}): ${r.completed ? 'done' : r.sweepPending ? 'continues with the sweep' : `continues at page ${r.nextPage}`}, ${r.synced} synced, ${r.created} created, ${r.updated} updated, ${r.failed} failed`;
    }
  }
}

if (isEntryPoint(import.meta.url)) runWithProcess('piriod-mirror', dev);
