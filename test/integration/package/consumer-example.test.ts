import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeCustomer } from '../../../lib/customer/normalize.js';
import { toRecord } from '../../../lib/customer/record-builder.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { ROOT } from '../../support/import-graph.js';
import { installPacked } from '../../support/offline-install.js';
import { type CliRun, runCommand } from '../../support/run-cli.js';

/**
 * The package as another team meets it: packed once for the run (which builds it), installed from the tarball
 * into a fresh project with no network, the example service type-checked by that project's
 * own `tsc` at `tsc --init`'s settings and run with plain `node` against DynamoDB Local.
 */

const EXAMPLE = join(ROOT, 'examples/consumer');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

let work: string;
let project: string;
let table: TestTable;
let compiled: CliRun;

async function ok(run: Promise<CliRun>): Promise<CliRun> {
  const r = await run;
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'piriod-mirror-consumer-'));
  project = join(work, 'consumer');
  cpSync(join(EXAMPLE, 'src'), join(project, 'src'), { recursive: true });
  cpSync(join(EXAMPLE, 'tsconfig.json'), join(project, 'tsconfig.json'));
  // The tarball packed once for this run, shared with the other package tests.
  await installPacked(project, JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8')));

  // The consumer's own tsc; it emits dist/main.js even when it reports errors, which the
  // type-check test below fails on.
  compiled = await runCommand(join(project, 'node_modules/.bin/tsc'), ['-p', '.'], {}, project);

  table = await createTestTable('consumer');
  const records = [
    { id: 'cus_CONSUMER1', status: 'active', updated: '2026-03-01T10:00:00Z' },
    { id: 'cus_CONSUMER2', status: 'active', updated: '2026-01-01T10:00:00Z' },
    { id: 'cus_CONSUMER3', status: 'inactive', updated: '2026-03-02T10:00:00Z' },
  ].map((c) =>
    toRecord(
      normalizeCustomer({ ...c, name: `Cliente ${c.id}`, email: `${c.id}@Example.cl` }).customer,
      {
        workspace: 'acc_test',
        fetchedAt: '2026-03-03T00:00:00Z',
        syncedAt: '2026-03-03T00:00:00Z',
        source: 'cli',
      },
    ),
  );
  await table.store.upsertMany(records, await table.store.readVersions(records.map((r) => r.id)));
}, 300_000);

afterAll(async () => {
  await table?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs the built example with plain node, pointed at the suite's DynamoDB Local only. */
function example(...args: string[]): Promise<CliRun> {
  return runCommand(
    'node',
    ['dist/main.js', ...args],
    { AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, CUSTOMERS_TABLE: table.tableName },
    project,
  );
}

describe('the piriod-mirror package, installed from its tarball', () => {
  it('installs offline with only the DynamoDB clients and zod, no CDK, CLI or Powertools', () => {
    const modules = join(project, 'node_modules');
    expect(existsSync(join(modules, 'piriod-mirror/dist/library.js'))).toBe(true);
    for (const dep of Object.keys(manifest.dependencies)) {
      expect(existsSync(join(modules, dep)), dep).toBe(true);
    }
    for (const absent of [
      'aws-cdk-lib',
      'constructs',
      '@aws-lambda-powertools',
      'tsx',
      'esbuild',
    ]) {
      expect(existsSync(join(modules, absent)), absent).toBe(false);
    }
    // Only the compiled library ships, not its TypeScript sources.
    expect(existsSync(join(modules, 'piriod-mirror/lib'))).toBe(false);
  });

  it('type-checks the example with the consumer’s own tsc at tsc --init’s settings', async () => {
    const init = join(work, 'init');
    cpSync(join(project, 'package.json'), join(init, 'package.json'));
    await ok(runCommand(join(project, 'node_modules/.bin/tsc'), ['--init'], {}, init));
    const defaults = JSON.parse(
      readFileSync(join(init, 'tsconfig.json'), 'utf8')
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/,(\s*[}\]])/g, '$1'),
    ).compilerOptions as Record<string, unknown>;
    const ours = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8'))
      .compilerOptions as Record<string, unknown>;
    // Every default kept, but `types`: the example is a Node service and names @types/node.
    const { types: _t, ...kept } = defaults;
    expect(ours).toMatchObject(kept);
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
  });

  it('runs with plain node: get validates and prints one customer', async () => {
    const r = await ok(example('get', 'cus_CONSUMER1'));
    expect(JSON.parse(r.stdout)).toEqual({
      id: 'cus_CONSUMER1',
      name: 'Cliente cus_CONSUMER1',
      status: 'active',
      email: 'cus_consumer1@example.cl',
      updated: '2026-03-01T10:00:00Z',
      deleted: false,
    });
  });

  it('runs with plain node: queries the status index by updated', async () => {
    const r = await ok(example('active-since', '2026-02-01T00:00:00Z'));
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(['cus_CONSUMER1']);
  });

  it('answers a missing customer with exit 1 and a message', async () => {
    const r = await example('get', 'cus_NOPE');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no customer cus_NOPE');
  });

  it('leaves the piriod-mirror command working in the clone, through tsx', async () => {
    const r = await runCommand('node', ['bin/piriod-mirror.mjs', '--help'], {}, ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: piriod-mirror');
  });

  it('ships the JSON Schema at piriod-mirror/customer.schema.json', async () => {
    const r = await ok(
      runCommand(
        'node',
        [
          '--input-type=module',
          '-e',
          "const s = await import('piriod-mirror/customer.schema.json', { with: { type: 'json' } }); console.log(s.default.required.join(','))",
        ],
        {},
        project,
      ),
    );
    expect(r.stdout.trim().split(',')).toEqual(expect.arrayContaining(['id', 'name']));
  });
});
