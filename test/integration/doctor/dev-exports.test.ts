import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  devTryCommands,
  PLAYGROUND_COMMANDS,
  PLAYGROUND_MANAGER,
} from '../../../tools/cli/playground-hints.js';
import { parseExportBlock } from '../../../tools/dev/export-block.js';
import { runMirror, runShell } from '../../support/run-cli.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The names `npm run dev` must export (issue 19). */
const NAMES = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_REGION',
  'CUSTOMERS_TABLE',
  'EVENT_BUS_NAME',
  'REFRESH_QUEUE_URL',
  'DEAD_LETTER_QUEUE_URL',
  'WEBHOOK_URL',
  'PIRIOD_API_URL',
  'PIRIOD_API_TOKEN',
  'PIRIOD_WORKSPACE',
  'PIRIOD_WEBHOOK_SECRET',
];

let dev: ChildProcess | undefined;
afterAll(async () => {
  if (dev?.pid === undefined || dev.exitCode !== null) return;
  const exited = new Promise((r) => dev?.once('exit', r));
  // The whole group: npm, tsx, the dev runtime and its DynamoDB Local.
  process.kill(-dev.pid, 'SIGTERM');
  await exited;
});

/** What `npm run dev` has written to stderr so far (its hops and its hints). */
let devLog = '';
const logWaiters = new Set<() => void>();

/** Resolves once stderr, from offset `from` on, matches `re`; with the match. */
function waitForLog(re: RegExp, from = 0): Promise<RegExpExecArray> {
  return new Promise((resolve) => {
    const check = () => {
      const m = re.exec(devLog.slice(from));
      if (!m) return;
      logWaiters.delete(check);
      resolve(m);
    };
    logWaiters.add(check);
    check();
  });
}

/**
 * Starts `npm run dev` with a clean PIRIOD_/AWS_ environment; resolves with its export block
 * once it says it is watching (what it prints after the block is on stderr by then).
 */
function startDev(): Promise<string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('PIRIOD_') && !k.startsWith('AWS_') && k !== 'CUSTOMERS_TABLE',
    ),
  );
  dev = spawn('npm', ['run', '--silent', 'dev', '--', '--customers', '20', '--interval', '3600'], {
    cwd: ROOT,
    env: base,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    // The block ends with the webhook secret's line (the last name it prints).
    const block = /^export PIRIOD_WEBHOOK_SECRET=.*\n/m;
    dev?.stdout?.on('data', (d) => {
      out += d;
      // `Watching.` comes after everything printed once ready (the commands included).
      if (block.test(out)) void waitForLog(/^Watching\./m).then(() => resolve(out));
    });
    dev?.stderr?.on('data', (d) => {
      devLog += d;
      for (const check of [...logWaiters]) check();
    });
    dev?.once('exit', (code) => reject(new Error(`npm run dev exited ${code}: ${devLog}`)));
  });
}

let block: Promise<string> | undefined;
/** One `npm run dev` for the file: a JVM start is the expensive part. */
const devBlock = () => {
  block ??= startDev();
  return block;
};

describe('npm run dev: the export block and the commands printed after it', () => {
  it('prints every variable the CLI needs; with exactly those, get and doctor work from another shell', async () => {
    const block = await devBlock();
    const env = parseExportBlock(block);
    for (const name of NAMES) expect(env, name).toHaveProperty(name);
    expect(
      block
        .trimEnd()
        .split('\n')
        .every((l) => /^export [A-Z_]+=\S+$/.test(l)),
    ).toBe(true);

    // A lost canary must show as a FAIL line within the test's time, not as a test timeout.
    const doctor = await runMirror(['doctor', '--timeout', '30'], env);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/^PASS canary — /m);
    const id = /^PASS canary — (\S+) refreshed/m.exec(doctor.stdout)?.[1] as string;
    const get = await runMirror(['get', id], env);
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ id, workspace: env.PIRIOD_WORKSPACE });
  }, 120_000);

  it('is followed by two commands that work as printed: a sandbox PATCH reaches the table, a signed webhook is accepted', async () => {
    const env = parseExportBlock(await devBlock());
    const printed = (re: RegExp) => (re.exec(devLog)?.[1] as string) ?? '';
    const patch = printed(/^ {2}(curl .*)$/m);
    const webhook = printed(/^ {2}(npm run --silent mirror -- send-webhook .*)$/m);
    const id = /send-webhook (\S+)$/.exec(webhook)?.[1] as string;
    // Exactly what the helper renders for this sandbox, so the test runs what users read.
    expect(devLog).toContain(devTryCommands(id, true));

    const from = devLog.length;
    const edited = await runShell(patch, env);
    expect(edited.code, edited.stderr).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({ id, manager: PLAYGROUND_MANAGER });
    // The sandbox's webhook → bus → queue → worker: the dev runtime prints the write.
    await waitForLog(new RegExp(`worker: ${id} updated`), from);
    const get = await runMirror(['get', id], env);
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ id, manager: PLAYGROUND_MANAGER });

    const sent = await runShell(webhook, env);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    expect(sent.stdout).toContain(`customer.updated ${id} → ${env.WEBHOOK_URL}: 200`);
  }, 120_000);

  it("runs every command npm start's hints send to the playground, as printed", async () => {
    const env = parseExportBlock(await devBlock());
    for (const { command } of PLAYGROUND_COMMANDS) {
      const run = await runShell(command, env);
      expect(run.code, `${command}: ${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout.trim(), command).not.toBe('');
    }
  }, 120_000);
});
