import {
  ConfigError,
  checkPiriodVariables,
  type Env,
  loadAwsEndpoints,
  loadTestMode,
} from '../../../lib/config.js';
import { intFlag, parse } from '../args.js';
import { doctorClients } from '../compose/doctor-clients.js';
import { canaryCheck } from '../doctor/canary-check.js';
import type { DoctorContext } from '../doctor/context.js';
import { hasLocalOutputs, resolveDeployment } from '../doctor/deployment.js';
import { alarmsCheck, deadLettersCheck, fullMirrorCheck } from '../doctor/ops-checks.js';
import { piriodCheck } from '../doctor/piriod-check.js';
import { type CheckName, type CheckResult, fail, formatResult } from '../doctor/result.js';
import { secretsCheck } from '../doctor/secrets-check.js';
import { webhookCheck } from '../doctor/webhook-check.js';
import { EXIT, UsageError } from '../errors.js';
import { AWS_ENV, environmentHelp } from '../help-env.js';
import type { Io } from '../io.js';
import { WORKSPACE_OPTION, workspaceEnv } from '../workspace-flag.js';

const DOCTOR_HELP =
  `Usage: piriod-mirror doctor [--stack NAME] [--workspace W] [--json] [--timeout S]
                            [--schedule-minutes N]

Proves that a deployment works end to end, one line per check, in this order:
  outputs       the stack's outputs (CloudFormation), or the variables \`npm run dev\` prints
  secrets       the API token and webhook secret are set, not the placeholder
  piriod        Piriod accepts the token and workspace (one GET)
  webhook       the webhook URL answers a signed probe (200, nothing published), refuses an unsigned one (401)
  canary        a refresh of one real customer goes bus → queue → worker → Piriod → table in time
  dead-letters  the dead-letter queue is empty (else its count and the oldest reason)
  alarms        the alarm topic has a confirmed subscription (SKIP locally)
  full-mirror   the last full mirror completed within two schedule periods
Each line is \`PASS <check> — …\`, \`FAIL <check> — …; fix: …\` or \`SKIP <check> — why\`.
doctor reads, and puts one refresh request on the bus; it never changes or deletes customer data.

  --stack NAME          the deployed stack (AWS credentials and region from the usual settings)
  --workspace W         the Piriod workspace (default PIRIOD_WORKSPACE); with a stack that
                        mirrors several, run doctor once per workspace
  --json                one JSON line per check: {"check", "status", "detail", "fix"?}
  --timeout S           how long the canary may take; default 60
  --schedule-minutes N  the full-mirror period when no schedule rule can be read; default 15

Exit: 0 nothing failed · 1 a check failed · 2 usage or configuration error.
` +
  environmentHelp(
    'without --stack, the variables `npm run dev` prints: CUSTOMERS_TABLE, EVENT_BUS_NAME, WEBHOOK_URL, REFRESH_QUEUE_URL, DEAD_LETTER_QUEUE_URL and the AWS_ENDPOINT_URL_* beside them',
    'PIRIOD_API_TOKEN, PIRIOD_WEBHOOK_SECRET (locally), PIRIOD_WORKSPACE, PIRIOD_TEST_MODE, PIRIOD_API_URL',
    AWS_ENV,
  );

/** The checks after `outputs`, in order. */
const CHECKS: [CheckName, (ctx: DoctorContext) => Promise<CheckResult>][] = [
  ['secrets', secretsCheck],
  ['piriod', piriodCheck],
  ['webhook', webhookCheck],
  ['canary', canaryCheck],
  ['dead-letters', deadLettersCheck],
  ['alarms', alarmsCheck],
  ['full-mirror', fullMirrorCheck],
];

/** `doctor [--stack NAME] [--workspace W] [--json] [--timeout S] [--schedule-minutes N]`. */
export async function doctorCommand(argv: string[], given: Env, io: Io): Promise<number> {
  const { values } = parse(
    argv,
    {
      stack: { type: 'string' },
      ...WORKSPACE_OPTION,
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      'schedule-minutes': { type: 'string' },
    },
    'doctor',
    false,
  );
  if (values.help) {
    io.out(DOCTOR_HELP);
    return EXIT.ok;
  }
  const env = workspaceEnv(values.workspace, given, 'doctor');
  const stackName = values.stack?.trim() || undefined;
  if (!stackName && !hasLocalOutputs(env)) {
    throw new UsageError(
      'doctor: nothing to check: pass --stack NAME for a deployed stack, or export the lines `npm run dev` prints',
    );
  }
  const workspace = env.PIRIOD_WORKSPACE?.trim() || undefined;
  if (!workspace) {
    throw new UsageError(
      'doctor: no workspace: pass --workspace acc_… (the one the stack was deployed with) or set PIRIOD_WORKSPACE',
    );
  }
  // Malformed Piriod variables (PIRIOD_TEST_MODE=maybe) stop doctor before any check, as
  // they stop every command: one line naming the variable, exit 2.
  checkPiriodVariables(env);
  const testMode = loadTestMode(env);
  const scheduleMinutes = values['schedule-minutes']
    ? intFlag(values['schedule-minutes'], 'schedule-minutes', 15, 1)
    : undefined;
  const clients = doctorClients(loadAwsEndpoints(env));
  const print = (r: CheckResult) => io.out(formatResult(r, Boolean(values.json)));

  const outputs = await guarded('outputs', () => resolveDeployment(stackName, env, clients));
  const ctx: DoctorContext = {
    env,
    deployment: 'deployment' in outputs ? outputs.deployment : { source: 'environment' },
    clients,
    workspace,
    testMode,
    canaryTimeoutMs: intFlag(values.timeout, 'timeout', 60, 1) * 1000,
    scheduleMinutes,
    now: () => new Date(),
    results: new Map(),
  };
  const record = (r: CheckResult) => {
    ctx.results.set(r.check, r);
    print(r);
  };
  record('result' in outputs ? outputs.result : outputs);
  for (const [name, check] of CHECKS) {
    const r = await guarded(name, () => check(ctx));
    record(r);
  }
  const failed = [...ctx.results.values()].some((r) => r.status === 'FAIL');
  return failed ? EXIT.failed : EXIT.ok;
}

/**
 * Runs one check; an error it did not expect becomes its FAIL line, so the others still run.
 * Missing AWS credentials or region stop `doctor` as a configuration error (exit 2).
 */
async function guarded<T>(name: CheckName, run: () => Promise<T>): Promise<T | CheckResult> {
  try {
    return await run();
  } catch (err) {
    const e = err as Error;
    if (e instanceof ConfigError) throw e;
    if (/Credential|Region is missing/i.test(`${e.name} ${e.message}`)) {
      throw new UsageError(
        `doctor: no AWS credentials or region (${e.message.split('\n')[0]}): configure them (aws configure, AWS_PROFILE, AWS_REGION)`,
      );
    }
    return fail(
      name,
      `${e.name}: ${e.message}`,
      'see the error; run doctor again once it is fixed',
    );
  }
}
