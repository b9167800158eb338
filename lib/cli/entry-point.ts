import { pathToFileURL } from 'node:url';
import { EXIT } from './errors.js';
import { cliSecrets, type Io, processIo } from './io.js';
import { silenceNodeVersionWarning } from './quiet-warnings.js';

type Env = Record<string, string | undefined>;

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
  const env = process.env;
  const io = processIo(() => cliSecrets(env));
  command(process.argv.slice(2), env, io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      io.err(`${label}: ${(err as Error).message}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
