import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExportBlock } from '../../../lib/dev/export-block.js';
import { runMirror } from '../../support/run-cli.js';

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

/** Starts `npm run dev` with a clean PIRIOD_/AWS_ environment; resolves with its export block. */
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
    let err = '';
    dev?.stdout?.on('data', (d) => {
      out += d;
      // The block ends with the webhook secret's line (the last name it prints).
      if (/^export PIRIOD_WEBHOOK_SECRET=.*\n/m.test(out)) resolve(out);
    });
    dev?.stderr?.on('data', (d) => {
      err += d;
    });
    dev?.once('exit', (code) => reject(new Error(`npm run dev exited ${code}: ${err}`)));
  });
}

describe('npm run dev: the export block', () => {
  it('prints every variable the CLI needs; with exactly those, get and doctor work from another shell', async () => {
    const block = await startDev();
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
});
