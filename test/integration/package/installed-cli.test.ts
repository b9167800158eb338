import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../lib/store/dynamodb-client.js';
import { startFakeAwsQuery } from '../../support/fake-aws-query.js';
import { installPacked } from '../../support/offline-install.js';
import { type CliRun, runCommand } from '../../support/run-cli.js';

/**
 * The CLI as a team meets it after `npm i piriod-mirror`: the tarball packed once for the run,
 * installed offline into a fresh project that has no esbuild, tsx or TypeScript, and its
 * `piriod-mirror` command run with plain node — its own sandbox, then create-table,
 * full-mirror and get against the suite's DynamoDB Local, and the library imported there.
 */

const CUSTOMERS = 250;
const SEED_CUSTOMER = 'cus_01H8XYZ123ABC';

let project: string;
let bin: string;
let sandbox: ChildProcess | undefined;
let env: Record<string, string>;
const tableName = `installed-cli-${process.pid}`;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'piriod-mirror-cli-user-'));
  await installPacked(project, { name: 'cli-user', private: true, type: 'module' });
  bin = join(project, 'node_modules/.bin/piriod-mirror');
  const started = await startInstalledSandbox();
  sandbox = started.child;
  env = {
    PIRIOD_API_URL: started.url,
    PIRIOD_API_TOKEN: started.token,
    PIRIOD_WORKSPACE: started.workspace,
    CUSTOMERS_TABLE: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  };
}, 300_000);

afterAll(async () => {
  if (sandbox && sandbox.exitCode === null) {
    const exited = new Promise((r) => sandbox?.once('exit', r));
    sandbox.kill('SIGINT');
    await exited;
  }
  await createDocumentClient({ endpoint: inject('dynamoEndpoint') })
    .send(new DeleteTableCommand({ TableName: tableName }))
    .catch(() => {});
  if (project) rmSync(project, { recursive: true, force: true });
});

/** `piriod-mirror sandbox` from the install, until it prints its URL, token and workspace. */
async function startInstalledSandbox() {
  const child = spawn(bin, ['sandbox', '--customers', String(CUSTOMERS)], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Press Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}: ${out}`)));
  });
  const field = (name: string) => new RegExp(`${name}=(\\S+)`).exec(out)?.[1] as string;
  return {
    child,
    url: field('PIRIOD_API_URL'),
    token: field('PIRIOD_API_TOKEN'),
    workspace: field('PIRIOD_WORKSPACE'),
  };
}

function cli(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  return runCommand(bin, args, { ...env, ...extra }, project);
}

async function ok(run: Promise<CliRun>): Promise<CliRun> {
  const r = await run;
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

describe('the piriod-mirror command, installed from the tarball', () => {
  it('installs with only the library’s dependencies: no esbuild, tsx, TypeScript, CDK or CLI-only SDK clients', () => {
    const modules = join(project, 'node_modules');
    expect(existsSync(join(modules, 'piriod-mirror/dist/cli/piriod-mirror.js'))).toBe(true);
    for (const absent of [
      'esbuild',
      'tsx',
      'typescript',
      'aws-cdk-lib',
      '@aws-lambda-powertools',
      '@aws-sdk/client-cloudformation',
      '@aws-sdk/client-eventbridge',
      '@aws-sdk/client-sqs',
    ]) {
      expect(existsSync(join(modules, absent)), absent).toBe(false);
    }
    // The CLI's sources do not ship: the command can only be running the bundle.
    expect(existsSync(join(modules, 'piriod-mirror/tools'))).toBe(false);
  });

  it('prints its usage with plain node', async () => {
    const r = await ok(cli(['--help']));
    expect(r.stdout).toContain('Usage: piriod-mirror <command>');
    expect(r.stderr).toBe('');
  });

  it('loads every command of docs/cli.md: each answers --help with its usage', async () => {
    const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const commands = [...doc.matchAll(/^\| `([a-z-]+)[ `]/gm)].map((m) => m[1] as string);
    expect(commands).toEqual(expect.arrayContaining(['full-mirror', 'doctor', 'sandbox']));
    for (const command of commands) {
      const r = await cli([command, '--help']);
      expect(r.code, `${command}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`Usage: piriod-mirror ${command}`);
    }
  });

  it('create-table, full-mirror and get: mirrors its own sandbox into DynamoDB Local', async () => {
    await ok(cli(['create-table']));
    const mirrored = await ok(cli(['full-mirror', '--json']));
    expect(JSON.parse(mirrored.stdout)).toMatchObject({
      synced: CUSTOMERS,
      created: CUSTOMERS,
      failed: [],
    });
    const got = await ok(cli(['get', SEED_CUSTOMER]));
    expect(JSON.parse(got.stdout)).toMatchObject({
      id: SEED_CUSTOMER,
      workspace: env.PIRIOD_WORKSPACE,
    });
  });

  it('the installed library reads what the installed CLI mirrored', async () => {
    const script = `
      import { CustomerQueries, createDocumentClient } from 'piriod-mirror';
      const queries = new CustomerQueries({
        client: createDocumentClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }),
        tableName: process.env.CUSTOMERS_TABLE,
      });
      const c = await queries.get(process.argv[1]);
      console.log(JSON.stringify({ id: c?.id, workspace: c?.workspace }));`;
    const r = await ok(
      runCommand('node', ['--input-type=module', '-e', script, SEED_CUSTOMER], env, project),
    );
    expect(JSON.parse(r.stdout)).toEqual({ id: SEED_CUSTOMER, workspace: env.PIRIOD_WORKSPACE });
  });

  it('doctor --stack NAME asks CloudFormation for the stack and names a missing one', async () => {
    const cloudFormation = await startFakeAwsQuery((p) => ({
      status: 400,
      code: 'ValidationError',
      message: `Stack with id ${p.StackName} does not exist`,
    }));
    try {
      const r = await cli(['doctor', '--stack', 'TeamMirror'], {
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /^FAIL outputs — stack TeamMirror does not exist .*; fix: deploy it/m,
      );
      expect(cloudFormation.requests).toContainEqual(
        expect.objectContaining({ Action: 'DescribeStacks', StackName: 'TeamMirror' }),
      );
    } finally {
      await cloudFormation.close();
    }
  });
});
