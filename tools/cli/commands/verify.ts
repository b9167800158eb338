import { loadCliMirrorConfig } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { plural } from '../../../lib/plural.js';
import { verifyMirror } from '../../../lib/use-cases/verify-mirror.js';
import { parse } from '../args.js';
import { cliMirrorPorts } from '../compose/cli-mirror-ports.js';
import { EXIT } from '../errors.js';
import { AWS_ENV, environmentHelp, PIRIOD_ENV, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';
import { progressReporter } from '../progress.js';
import { WORKSPACE_HELP, WORKSPACE_OPTION, workspaceEnv } from '../workspace-flag.js';

const VERIFY_HELP = `Usage: piriod-mirror verify [--workspace W] [--json]

Compares Piriod with the table without writing. --json prints
{"missing": [ids], "stale": [ids], "gone": [ids]}: in Piriod but not the table; newer in
Piriod; in the table but no longer in Piriod (not yet tombstoned).
Only the workspace's own items are compared (a table may hold several workspaces).
${WORKSPACE_HELP}
Exit: 0 the mirror matches · 1 it drifts · 2 usage or configuration error.
${environmentHelp(PIRIOD_ENV, TABLE_ENV, AWS_ENV)}`;

/** `verify [--json]`. */
export async function verifyCommand(argv: string[], given: Env, io: Io): Promise<number> {
  const { values } = parse(
    argv,
    { json: { type: 'boolean' }, ...WORKSPACE_OPTION },
    'verify',
    false,
  );
  if (values.help) {
    io.out(VERIFY_HELP);
    return EXIT.ok;
  }
  const env = workspaceEnv(values.workspace, given, 'verify');
  const { deps } = await cliMirrorPorts(loadCliMirrorConfig(env));
  const progress = progressReporter(io);
  const report = await verifyMirror({
    ...deps,
    onProgress: (p) => progress.update(p),
  });
  progress.done();
  const drift = report.missing.length + report.stale.length + report.gone.length;
  for (const i of report.invalid) io.err(`not mirrorable: ${i.reason}\n`);
  if (values.json) {
    io.out(
      `${JSON.stringify({ missing: report.missing, stale: report.stale, gone: report.gone })}\n`,
    );
  } else if (drift === 0) {
    io.out(`${matchLine(report.compared, deps)}\n`);
  } else {
    io.out(
      `The mirror drifts: ${report.missing.length} missing, ${report.stale.length} stale, ${report.gone.length} gone (${scopeOf(report.compared, deps)}).\n`,
    );
    for (const [name, ids] of Object.entries({
      missing: report.missing,
      stale: report.stale,
      gone: report.gone,
    })) {
      if (ids.length > 0)
        io.out(`  ${name}: ${ids.slice(0, 20).join(' ')}${ids.length > 20 ? ' …' : ''}\n`);
    }
    io.out('Run `piriod-mirror full-mirror` to converge.\n');
  }
  return drift === 0 ? EXIT.ok : EXIT.failed;
}

/** What was compared: how many customers, of which workspace, in which mode. */
function scopeOf(compared: number, scope: { workspace: string; testMode: boolean }): string {
  return `${plural(compared, 'customer')} of ${scope.workspace} compared, ${scope.testMode ? 'test' : 'live'} mode`;
}

/**
 * A run that compared nothing is not a match: a test-mode run over a table of live customers
 * (or the reverse) reads no customer on either side, and says so rather than "matches".
 */
export function matchLine(
  compared: number,
  scope: { workspace: string; testMode: boolean },
): string {
  if (compared > 0) return `The mirror matches Piriod (${scopeOf(compared, scope)}).`;
  const mode = scope.testMode ? 'test' : 'live';
  return `Nothing to compare: Piriod lists no ${mode}-mode customers of ${scope.workspace} and the table holds none (PIRIOD_TEST_MODE chooses the mode).`;
}
