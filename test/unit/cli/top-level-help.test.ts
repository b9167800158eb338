import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tools/cli/main.js';
import { captureIo } from '../../support/capture-io.js';

async function help(argv: string[]): Promise<string> {
  const c = captureIo();
  expect(await runCli(argv, {}, c.io)).toBe(0);
  return c.out();
}

/** The commands' entries of the top-level help: each command's lines, by its name. */
function entries(top: string): Map<string, string> {
  const body = top.slice(top.indexOf('Commands:\n'), top.indexOf('\nGlobal option'));
  const map = new Map<string, string>();
  let current: string | undefined;
  for (const line of body.split('\n').slice(1)) {
    const name = /^ {2}([a-z][a-z-]+)\b/.exec(line)?.[1];
    if (name) current = name;
    if (current) map.set(current, `${map.get(current) ?? ''}${line}\n`);
  }
  return map;
}

const flags = (text: string) => new Set([...text.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]));

/** A command's own synopsis: its help up to the first blank line. */
const usageOf = (text: string) => text.slice(0, text.indexOf('\n\n'));

/** The flags a command's help describes, one option per line (`  --json  …`). */
const describedFlags = (text: string) =>
  new Set([...text.matchAll(/^ {2,}(?:-h, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]));

/** The sandbox's fault options: its synopsis says `[fault options]`, its help lists them. */
const SANDBOX_FAULTS = [
  'seed',
  'latency',
  'error-rate',
  'rate-limit-rate',
  'hang-rate',
  'malformed-rate',
  'invalid-every',
];

describe('the top-level --help', () => {
  it('names, for every command, each flag of that command’s own synopsis', async () => {
    const top = await help(['--help']);
    const global = top.slice(top.indexOf('\nGlobal option'));
    const missing: string[] = [];
    for (const [command, entry] of entries(top)) {
      const own = usageOf(await help([command, '--help']));
      for (const flag of flags(own)) {
        if (flag === 'help') continue;
        if (flag === 'workspace' && global.includes(command) && global.includes('--workspace W'))
          continue;
        if (!flags(entry).has(flag)) missing.push(`${command} --${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps each command’s synopsis complete: every flag its help describes is in it', async () => {
    const top = await help(['--help']);
    const missing: string[] = [];
    for (const command of entries(top).keys()) {
      const own = await help([command, '--help']);
      const synopsis = flags(usageOf(own));
      for (const flag of describedFlags(own)) {
        if (flag === 'help') continue;
        if (command === 'sandbox' && SANDBOX_FAULTS.includes(flag as string)) continue;
        if (!synopsis.has(flag)) missing.push(`${command} --${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names doctor --timeout, replay-changes --rate, sandbox --workspaces and request-refresh --json with its workspace field', async () => {
    const e = entries(await help(['--help']));
    expect(e.get('doctor')).toContain('--timeout S');
    expect(e.get('replay-changes')).toContain('--rate N');
    expect(e.get('sandbox')).toContain('--workspaces N');
    expect(e.get('request-refresh')).toContain('--json');
    expect(e.get('request-refresh')).toContain('"workspace"');
  });
});
