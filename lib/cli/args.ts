import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `node:util` parseArgs in strict mode, with errors that say what to fix. */
export function parse<T extends Options>(
  argv: string[],
  options: T,
  command: string,
  positionals = true,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: positionals,
    });
  } catch (err) {
    const message = (err as Error).message
      .replace(/^Unknown option/, 'unknown option')
      .split(/\. To specify|\n/)[0];
    throw new UsageError(`${command}: ${message} (see \`piriod-mirror ${command} --help\`)`);
  }
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
