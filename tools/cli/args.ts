import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs in strict mode, with errors that say what to fix.
 *
 * @param usage how the command is run, for the pointer to its help: `piriod-mirror get` by
 *   default; `npm run dev --` for a script whose help is `npm run dev -- --help`
 */
export function parse<T extends Options>(
  argv: string[],
  options: T,
  command: string,
  positionals = true,
  usage = `piriod-mirror ${command}`,
) {
  try {
    return parseArgs({
      args: attachNegativeNumbers(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: positionals,
    });
  } catch (err) {
    const message = (err as Error).message
      .replace(/^Unknown option/, 'unknown option')
      .split(/\. To specify|\n/)[0];
    throw new UsageError(`${command}: ${message} (see \`${usage} --help\`)`);
  }
}

/**
 * `--customers -5` as `--customers=-5`: parseArgs takes `-5` for an option and answers
 * "argument is ambiguous", which says nothing about the value. Attached, the flag's own
 * check names what it accepts.
 */
function attachNegativeNumbers(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    const next = argv[i + 1];
    const name = token.startsWith('--') ? token.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${token}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** Reads a whole, positive number flag. */
export function intFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Reads a fraction flag in [0, 1]. */
export function rateFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(
      `--${name} must be a number between 0 and 1, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
