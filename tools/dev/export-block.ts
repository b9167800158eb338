import type { Env } from '../../lib/env-variables.js';

/**
 * The `export NAME=value` lines `npm run dev` prints once it is ready: pasted into another
 * shell (or `eval`ed), they point every CLI command at the running dev runtime.
 */

/** Shell-quotes a value when it holds anything but safe characters. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * One `export NAME=value` line per variable set in `env`, in its order. Variables in
 * `withheld` are not printed (a real token or secret the user already has in their own
 * environment): a comment line says so instead.
 */
export function exportBlock(env: Env, withheld: ReadonlySet<string> = new Set()): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    lines.push(
      withheld.has(name)
        ? `# ${name}: from your own environment, not printed`
        : `export ${name}=${shellQuote(value)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Reads back the `export NAME=value` lines of {@link exportBlock} (for tests and tools). */
export function parseExportBlock(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2] as string;
    out[m[1] as string] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
  }
  return out;
}
