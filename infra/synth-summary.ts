import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseWorkspaceList } from '../lib/customer/workspaces.js';
import { PLACEHOLDER_WORKSPACE } from './stack-config.js';

/** The parts of a CloudFormation template the summary counts. */
interface Template {
  Resources?: Record<
    string,
    { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
  >;
  Outputs?: Record<string, unknown>;
}

/**
 * What `npm run synth` prints instead of the template's ~1,100 lines of YAML: the stack, the
 * workspaces it mirrors, how many resources of each type, its outputs, and where the full
 * template is.
 *
 * @param stackName the stack's name (`PiriodMirror`)
 * @param template the synthesized template
 * @param path where the template was written
 */
export function synthSummary(stackName: string, template: Template, path: string): string {
  const byType = new Map<string, number>();
  for (const r of Object.values(template.Resources ?? {}))
    byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  const total = [...byType.values()].reduce((a, b) => a + b, 0);
  const types = [...byType]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([type, n]) => `  ${String(n).padStart(3)} ${type}`);
  const outputs = Object.keys(template.Outputs ?? {});
  const workspaces = workspacesLine(template);
  return [
    `Synthesized ${stackName}: ${total} resources, ${outputs.length} outputs.`,
    ...(workspaces ? [workspaces] : []),
    ...types,
    `Outputs: ${outputs.join(', ')}`,
    `Template: ${path} (as YAML: npx cdk synth -c synthOnly=true)`,
    '',
  ].join('\n');
}

/** The functions' `PIRIOD_WORKSPACES`, read back as the list the stack mirrors. */
function workspacesLine(template: Template): string | undefined {
  const listed = Object.values(template.Resources ?? {})
    .map((r) => r.Properties?.Environment?.Variables?.PIRIOD_WORKSPACES)
    .find((v): v is string => typeof v === 'string');
  if (listed === undefined) return undefined;
  const list = parseWorkspaceList(listed);
  const names = list.map((w) => (w.testMode ? `${w.id} (test mode)` : w.id)).join(', ');
  const placeholder = list.some((w) => w.id === PLACEHOLDER_WORKSPACE)
    ? ' — a placeholder: deploy with -c workspace=acc_… or -c workspaces=acc_A,acc_B'
    : '';
  return `Workspaces (${list.length}): ${names}${placeholder}`;
}

/**
 * The `cdk synth` command `npm run synth -- ARGS` runs: quiet, without a workspace required,
 * and with the user's arguments (`-c workspaces=acc_A,acc_B`) passed on to it, not dropped.
 */
export function cdkSynthArgs(userArgs: readonly string[]): string[] {
  return ['cdk', 'synth', '-q', '-c', 'synthOnly=true', ...userArgs];
}

/** The stack `npm run synth -- ARGS` synthesizes: `-c stackName=NAME`, or `PiriodMirror`. */
export function stackNameOf(userArgs: readonly string[]): string {
  const given = userArgs
    .map((a, i) => (a === '-c' || a === '--context' ? userArgs[i + 1] : a))
    .find((a) => a?.startsWith('stackName='));
  return given?.slice('stackName='.length) ?? 'PiriodMirror';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const synth = spawnSync('npx', cdkSynthArgs(args), { stdio: 'inherit' });
  if (synth.status !== 0) process.exit(synth.status ?? 1);
  const name = stackNameOf(args);
  const path = `cdk.out/${name}.template.json`;
  process.stdout.write(synthSummary(name, JSON.parse(readFileSync(path, 'utf8')), path));
}
