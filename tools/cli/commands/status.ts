import { customerTable } from '../../../lib/compose/table.js';
import { loadStoreConfig, loadWorkspaceList } from '../../../lib/config.js';
import {
  DEFAULT_SCHEDULE_MINUTES,
  formatDuration,
  freshnessOf,
  type MirrorStatus,
} from '../../../lib/customer/mirror-status.js';
import { WORKSPACE_ID } from '../../../lib/customer/workspaces.js';
import type { Env } from '../../../lib/env-variables.js';
import { parse } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { AWS_ENV, environmentHelp, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';
import { testModeOf } from '../workspace-flag.js';

const STATUS_HELP = `Usage: piriod-mirror status [--workspace W] [--json] [--max-age DURATION]

How current the mirror of each workspace is: its last full mirror that started, completed
(with its counts) and failed, as full-mirror (the function, npm run dev, or this CLI) recorded it.

  --workspace W       only this workspace (acc_…); default: each of PIRIOD_WORKSPACES, or PIRIOD_WORKSPACE
  --json              one JSON object per workspace, one per line:
                      {"workspace","testMode","lastStartedAt","lastCompletedAt","lastCycle","lastFailure",
                       "schedulePeriodMinutes"} (the library's mirrorStatus; absent fields: not yet)
  --max-age DURATION  the oldest a completed cycle may be, e.g. 30m, 2h, 1d; default two schedule
                      periods: the period the deployment's full-mirror recorded in the status
                      (FULL_MIRROR_SCHEDULE_MINUTES), or 15 minutes when only the CLI has run
  -h, --help          show this help

Exit: 0 every workspace fresh · 1 a workspace stale, its last cycle failed, or none completed ·
2 usage or configuration error.
${environmentHelp('PIRIOD_WORKSPACES or PIRIOD_WORKSPACE, PIRIOD_TEST_MODE', TABLE_ENV, AWS_ENV)}`;

/** `status [--workspace W] [--json] [--max-age DURATION]`. */
export async function statusCommand(argv: string[], env: Env, io: Io): Promise<number> {
  const { values } = parse(
    argv,
    { workspace: { type: 'string' }, json: { type: 'boolean' }, 'max-age': { type: 'string' } },
    'status',
    false,
  );
  if (values.help) {
    io.out(STATUS_HELP);
    return EXIT.ok;
  }
  const maxAgeMs = values['max-age'] === undefined ? undefined : durationMs(values['max-age']);
  const scopes = scopesOf(values.workspace, env);
  const { queries } = customerTable(loadStoreConfig(env));
  const now = new Date();
  let stale = 0;
  for (const scope of scopes) {
    const status = await queries.mirrorStatus(scope.workspace, { testMode: scope.testMode });
    const period = status?.schedulePeriodMinutes ?? DEFAULT_SCHEDULE_MINUTES;
    const freshness = freshnessOf(status, now, maxAgeMs ?? 2 * period * 60_000);
    if (!freshness.fresh) stale++;
    if (values.json) io.out(`${JSON.stringify(status ?? scope)}\n`);
    else io.out(describe(scope, status, freshness.fresh ? undefined : freshness.why, now));
  }
  return stale > 0 ? EXIT.failed : EXIT.ok;
}

type Scope = { workspace: string; testMode: boolean };

/** The workspaces to report: the flag's, else `PIRIOD_WORKSPACES`, else `PIRIOD_WORKSPACE`. */
function scopesOf(flag: string | undefined, env: Env): Scope[] {
  const list = loadWorkspaceList(env);
  const mode = (id: string) => list?.find((w) => w.id === id)?.testMode ?? testModeOf(env);
  if (flag !== undefined) {
    const workspace = flag.trim();
    if (!WORKSPACE_ID.test(workspace)) {
      throw new UsageError(
        `status: --workspace must be a Piriod workspace id (acc_…), got ${JSON.stringify(workspace.slice(0, 40))}`,
      );
    }
    return [{ workspace, testMode: mode(workspace) }];
  }
  if (list) return list.map((w) => ({ workspace: w.id, testMode: w.testMode }));
  const one = env.PIRIOD_WORKSPACE?.trim();
  if (one) return [{ workspace: one, testMode: mode(one) }];
  throw new UsageError(
    'status: no workspace: give --workspace W, or set PIRIOD_WORKSPACES or PIRIOD_WORKSPACE',
  );
}

/** `30m`, `2h`, `1d`, `90s` → ms. @throws UsageError on anything else. */
function durationMs(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  const n = m ? Number(m[1]) : 0;
  if (!m || n <= 0) {
    throw new UsageError(
      `status: --max-age must be a whole number with s, m, h or d (e.g. 30m, 2h), got ${JSON.stringify(text)}`,
    );
  }
  return n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** The human lines of one workspace's status. */
function describe(
  scope: Scope,
  status: MirrorStatus | undefined,
  problem: string | undefined,
  now: Date,
): string {
  const name = `${scope.workspace}${scope.testMode ? ' (test mode)' : ''}`;
  const ago = (iso: string) => `${formatDuration(now.getTime() - Date.parse(iso))} ago (${iso})`;
  const lines = [`${problem ? 'STALE' : 'FRESH'} ${name}${problem ? ` — ${problem}` : ''}`];
  if (status) {
    lines.push(`  last started:   ${ago(status.lastStartedAt)}`);
    if (status.lastCompletedAt) {
      const c = status.lastCycle;
      const counts = c
        ? `: listed ${c.listed}, created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, stale ${c.stale}, deleted ${c.deleted}, failed ${c.failed}, handed off ${c.handedOff}`
        : '';
      lines.push(`  last completed: ${ago(status.lastCompletedAt)}${counts}`);
    }
    if (status.lastFailure) {
      lines.push(`  last failure:   ${ago(status.lastFailure.at)}: ${status.lastFailure.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
