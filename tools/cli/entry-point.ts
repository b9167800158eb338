import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../lib/config.js';
import type { Env } from '../../lib/env-variables.js';
import { EXIT, UsageError } from './errors.js';
import { cliSecrets, type Io, processIo } from './io.js';
import { silenceNodeVersionWarning } from './quiet-warnings.js';

/** True when the module at `moduleUrl` is the script Node was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  return moduleUrl === pathToFileURL(process.argv[1] ?? '').href;
}

/**
 * Runs a command with this process's arguments, environment and stdio, and sets the exit
 * code. The token is scrubbed from all output in the same trimmed form the client sends; an
 * error that escapes the command is one line, prefixed with `label`.
 */
export function runWithProcess(
  label: string,
  command: (argv: string[], env: Env, io: Io) => Promise<number>,
): void {
  silenceNodeVersionWarning();
  endQuietlyOnClosedPipe();
  const env = process.env;
  const io = processIo(() => cliSecrets(env));
  command(process.argv.slice(2), env, io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      io.err(`${label}: ${(err as Error).message}\n`);
      // A bad flag or variable is the user's to fix, exit 2 as in every command; else 1.
      process.exitCode = isSetupError(err) ? EXIT.usage : EXIT.failed;
    },
  );
}

/** A usage or configuration error: one line naming what to fix, exit 2. */
export function isSetupError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof ConfigError;
}

/**
 * A reader that stops early (`query … | head -1`) closes the pipe; the next write then fails
 * with EPIPE, which Node raises as an unhandled stream error with a stack trace. That is
 * the reader's choice, not a failure: end quietly, as other Unix tools do. Any other write
 * error ends the command with one line and exit 1.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      // Any other output failure (a full disk: ENOSPC) is one line and exit 1, not a trace.
      if (stream === process.stdout) {
        process.stderr.write(
          `piriod-mirror: cannot write the output (${err.code ?? err.message})\n`,
        );
      }
      process.exit(EXIT.failed);
    });
  }
}
