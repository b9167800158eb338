import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run --silent mirror -- …args` from the project root, as a user would. */
export function runMirror(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<CliRun> {
  return runNpm(['run', '--silent', 'mirror', '--', ...args], env);
}

/** Runs an npm command with a clean PIRIOD_/AWS_ environment plus `env`. */
export function runNpm(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return run('npm', args, env);
}

/** Runs a bash command line (pipes and all) from the project root, with the same environment. */
export function runShell(
  commandLine: string,
  env: Record<string, string | undefined>,
): Promise<CliRun> {
  return run('bash', ['-c', commandLine], env);
}

/** Runs `program` in `cwd` (the project root by default), with the same clean environment. */
export function runCommand(
  program: string,
  args: string[],
  env: Record<string, string | undefined>,
  cwd = ROOT,
): Promise<CliRun> {
  return run(program, args, env, cwd);
}

function run(
  program: string,
  args: string[],
  env: Record<string, string | undefined>,
  cwd = ROOT,
): Promise<CliRun> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('PIRIOD_') && !k.startsWith('AWS_') && k !== 'CUSTOMERS_TABLE',
    ),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment that points the CLI at a sandbox and a test table. */
export function cliEnv(
  sandbox: { url: string; token: string; workspace: string },
  table: { tableName: string; endpoint: string },
): Record<string, string> {
  return {
    PIRIOD_API_URL: sandbox.url,
    PIRIOD_API_TOKEN: sandbox.token,
    PIRIOD_WORKSPACE: sandbox.workspace,
    CUSTOMERS_TABLE: table.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
  };
}
